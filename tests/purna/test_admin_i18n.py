"""The admin reads in Indonesian all through: Django's own and third-party apps' labels (Celery's periodic
tasks and results, permissions, the two-list filter widget) come from our catalog where theirs is missing
or wrong (locale_overrides/, DESIGN.md section 3)."""

import gettext
import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.purna.test_i18n import ROOT, catalog_entries, placeholders

# English left on an Indonesian page, and the broken Indonesian of Django's own catalog.
ENGLISH = [
    "Periodic",
    "Crontab",
    "Clocked",
    "Solar",
    "Interval",
    "Task result",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Choose",
    "Remove",
    "Group result",
    "Task Name",
    "Human readable",
    "Scheduler",
]
BROKEN = [
    "Autentidikasi",
    "berdasarkan-sandi",
    "atau sedikit",
    "Pindahkanunit",
    "RUBAH ATAU TAMPILKAN",
    "Rubah atau tampilkan",
]


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    text = re.sub(r"<[^>]+>", " ", html)
    return unescape(text)


def _offences(text: str) -> list[str]:
    return [word for word in ENGLISH + BROKEN if word.lower() in text.lower()]


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.com", "secret-pass-123")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    return client


def _pages():
    """The admin index, each app's index, each registered model's changelist and add form."""
    yield reverse("admin:index")
    apps = set()
    for model in admin.site._registry:
        opts = model._meta
        apps.add(opts.app_label)
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    for app_label in sorted(apps):
        yield reverse("admin:app_list", args=[app_label])


def test_every_admin_page_is_indonesian(superuser_client):
    found = {}
    for url in _pages():
        response = superuser_client.get(url)
        if response.status_code == 403:
            continue  # an add form the admin never offers (records only the services write)
        assert response.status_code == 200, url
        offences = _offences(_visible_text(response.content.decode()))
        if offences:
            found[url] = offences
    assert not found, "\n".join(f"{url}: {words}" for url, words in found.items())


def test_user_and_role_forms_name_permissions_in_indonesian(superuser_client):
    user = get_user_model().objects.get(username="root")
    for url in (reverse("admin:purna_user_change", args=[user.pk]), reverse("admin:auth_group_add")):
        response = superuser_client.get(url)
        assert response.status_code == 200
        assert _offences(_visible_text(response.content.decode())) == [], url


def test_filter_widget_speaks_indonesian(superuser_client):
    """The two-list widget of permissions and roles is drawn by JavaScript from the admin's jsi18n catalog."""
    response = superuser_client.get(reverse("admin:jsi18n"))
    body = response.content.decode()
    catalog = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", body, re.S).group(1))
    for msgid in [
        'Choose %s by selecting them and then select the "Choose" arrow button.',
        'Remove %s by selecting them and then select the "Remove" arrow button.',
        "Choose all %s",
        "Choose selected %s",
        "Remove all %s",
        "Remove selected %s",
        "Available %s",
        "Chosen %s",
    ]:
        assert _offences(catalog.get(msgid, msgid)) == [], msgid


OVERRIDES = sorted((ROOT / "locale_overrides" / "id" / "LC_MESSAGES").glob("*.po"))


def test_override_catalogs_are_complete_and_compiled():
    """The hand-kept catalogs: every entry translated, placeholders kept, the committed .mo up to date
    (a fresh clone runs on it), and listed in LOCALE_PATHS so that they win over the apps' catalogs."""
    assert [path.name for path in OVERRIDES] == ["django.po", "djangojs.po"]
    assert ROOT / "locale_overrides" in [Path(p) for p in settings.LOCALE_PATHS]
    for path in OVERRIDES:
        _, entries = catalog_entries(path)
        assert [str(e) for e in entries if not all(s.strip() for s in e.msgstr) or "fuzzy" in e.flags] == []
        for e in entries:
            for s in e.msgstr:
                assert placeholders(s) == placeholders(e.msgid_plural or e.msgid), e
        with path.with_suffix(".mo").open("rb") as mo:
            compiled = gettext.GNUTranslations(mo)._catalog
        for e in entries:
            key = e.msgid if e.msgid_plural is None else (e.msgid, 0)
            assert compiled.get(key) == e.msgstr[0], f"run `make messages`: {e}"
