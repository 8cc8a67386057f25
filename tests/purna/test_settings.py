"""Settings read from the environment: production refuses to start without its secrets, passes Django's
deployment checks, and works in every Indonesian time zone. Each case runs in a fresh interpreter,
because settings are read once per process."""

import datetime as dt
import os
import secrets
import subprocess
import sys
import zoneinfo

import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR


def clean_env(**variables: str) -> dict[str, str]:
    """The environment of a fresh shell: none of the test run's settings (no SECRET_KEY, DEBUG unset)."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "SYSTEMROOT") if name in os.environ}
    return {**env, "DJANGO_SETTINGS_MODULE": "purna.settings", "PYTHONDONTWRITEBYTECODE": "1", **variables}


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def production_env(tmp_path, **variables: str) -> dict[str, str]:
    return clean_env(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="purna.example.go.id",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **variables,
    )


def test_start_without_secret_key_is_refused():
    result = run_python("-c", "import django; django.setup()", env=clean_env())

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_manage_py_without_secret_key_says_what_is_missing():
    result = run_python("manage.py", "makemigrations", "--check", "--dry-run", env=clean_env())

    assert result.returncode == 1
    assert "SECRET_KEY" in result.stderr and "DEBUG=true" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_mode_starts_without_secret_key():
    result = run_python("-c", "import django; django.setup(); print('started')", env=clean_env(DEBUG="true"))

    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_deploy_check_is_clean_with_production_environment(tmp_path):
    env = production_env(tmp_path)
    assert len(env["SECRET_KEY"]) >= 50

    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"])
def test_indonesian_time_zones_load(tmp_path, zone):
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.utils import timezone\n"
        "print(settings.TIME_ZONE, settings.CELERY_TIMEZONE, timezone.get_current_timezone_name(),"
        " timezone.localdate().isoformat())\n"
    )
    before = dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()

    result = run_python("-c", code, env=production_env(tmp_path, TIME_ZONE=zone))

    after = dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    assert result.returncode == 0, result.stderr
    setting, celery_zone, current, today = result.stdout.split()
    assert setting == celery_zone == current == zone
    assert dt.date.fromisoformat(today) in {before, after}


def test_models_and_migrations_agree(tmp_path):
    env = production_env(tmp_path)

    result = run_python("manage.py", "makemigrations", "--check", "--dry-run", env=env)

    assert result.returncode == 0, "a model change has no migration:\n" + result.stdout + result.stderr


@pytest.mark.parametrize(
    ("email_url", "expected"),
    [
        (None, str(BASE_DIR / "var" / "mail")),  # make run's default: the README says var/mail
        ("filemail:///srv/purna/mail", "/srv/purna/mail"),
        ("filemail://var/outbox", str(BASE_DIR / "var" / "outbox")),
    ],
)
def test_emails_saved_as_files_go_where_the_address_says(email_url, expected):
    variables = {"DEBUG": "true"} | ({"EMAIL_URL": email_url} if email_url else {})
    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_FILE_PATH)"
    result = run_python("-c", code, env=clean_env(**variables))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(("proxies", "secure"), [("0", "False"), ("1", "True")])
def test_https_is_believed_from_x_forwarded_proto_only_behind_a_proxy(tmp_path, proxies, secure):
    code = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "print(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https').is_secure())\n"
    )

    result = run_python("-c", code, env=production_env(tmp_path, PURNA_PROXY_COUNT=proxies))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [secure]


def test_the_sqlite_default_is_in_wal_mode_with_immediate_transactions_and_a_busy_timeout(tmp_path):
    """What lets `make run` hold two clicks at once (issue 15; tests/purna/test_concurrency.py end to end):
    readers never wait (WAL), a writer takes the lock when its transaction starts and waits its turn."""
    code = (
        "import django; django.setup()\n"
        "from django.db import connection, transaction\n"
        "with transaction.atomic():\n"
        "    mode = connection.cursor().execute('PRAGMA journal_mode').fetchone()[0]\n"
        "    timeout = connection.cursor().execute('PRAGMA busy_timeout').fetchone()[0]\n"
        "print(mode, timeout, connection.transaction_mode)\n"
        "print(' '.join(query['sql'] for query in connection.queries if 'BEGIN' in query['sql']))\n"
    )
    result = run_python("-c", code, env=clean_env(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'purna.sqlite3'}"))
    assert result.returncode == 0, result.stderr
    settings_line, begin = result.stdout.splitlines()
    assert settings_line == "wal 20000 IMMEDIATE"
    assert begin == "BEGIN IMMEDIATE"
