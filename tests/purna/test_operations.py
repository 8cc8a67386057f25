"""What docs/operations.md tells an operator to do works as it says."""

from tests.purna.test_settings import production_env, run_python

SIGN_WITH_OLD_KEY_CHECK_WITH_SETTINGS = """
import django
django.setup()
from django.core import signing
from ceremonies.rsvp import SALT
old = signing.TimestampSigner(key="the-old-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123", salt=SALT).sign("7.1")
try:
    print("valid", signing.TimestampSigner(salt=SALT).unsign(old))
except signing.BadSignature:
    print("refused")
"""


def test_a_link_signed_with_the_old_secret_key_stays_valid_while_it_is_a_fallback(tmp_path):
    old = "the-old-key-0123456789-abcdefghijklmnopqrstuvwxyz-0123"

    rotated = run_python(
        "-c", SIGN_WITH_OLD_KEY_CHECK_WITH_SETTINGS, env=production_env(tmp_path, SECRET_KEY_FALLBACKS=old)
    )
    dropped = run_python("-c", SIGN_WITH_OLD_KEY_CHECK_WITH_SETTINGS, env=production_env(tmp_path))

    assert rotated.stdout.split() == ["valid", "7.1"], rotated.stderr
    assert dropped.stdout.split() == ["refused"], dropped.stderr


def test_the_operations_guide_covers_what_an_operator_needs():
    from django.conf import settings

    guide = (settings.BASE_DIR / "docs" / "operations.md").read_text()
    headings = [line.lstrip("#").strip().lower() for line in guide.splitlines() if line.startswith("## ")]

    for topic in ("backups", "restore", "scaling", "health checks", "upgrading", "rotating the secret key"):
        assert topic in headings, topic
    assert "what to monitor" in headings
    for mentioned in ("gunicorn", "worker", "/status-sistem/", "SENTRY_DSN", "make backup", "make restore"):
        assert mentioned in guide, mentioned
