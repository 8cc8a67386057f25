"""The interface is Indonesian by default and English on request; the Indonesian catalog is complete,
compiled and up to date with the source (English msgids, DESIGN.md section 3)."""

import gettext
import io
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from employees.choices import GOLONGAN_CHOICES, EmployeeStatus
from employees.models import Employee

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# The same options as `make messages`; tests/ is not copied into the scratch tree (see below).
MAKEMESSAGES_ARGS = [
    "makemessages",
    "-l",
    "id",
    "--extension=html,txt,py,jinja",
    "--no-obsolete",
    "--ignore=.venv",
    "--ignore=var",
    "--ignore=tests",
]
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "var", "tests", "static", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "*.mo"
)


# --- A small .po reader (polib is not a dependency) -------------------------------------------------


@dataclass
class PoEntry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def __str__(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"line {self.line}: {self.msgid!r}{context}"


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], token.strip()[1:-1])


def parse_po(text: str) -> list[PoEntry]:
    """Entries of a .po file, the header (msgid "") first; obsolete (#~) entries are left out."""
    entries: list[PoEntry] = []
    entry, target = PoEntry(), None

    def finish() -> None:
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = PoEntry(), None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
        elif line.startswith('"'):
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
        else:
            match = _KEYWORD.match(line)
            assert match, f"{PO_PATH.name}:{number}: cannot read {raw!r}"
            keyword, index, value = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            entry.line = entry.line or number
            if keyword.startswith("msgstr"):
                index = int(index or 0)
                entry.msgstr.extend([""] * (index + 1 - len(entry.msgstr)))
                entry.msgstr[index] = _unquote(value)
                target = ("msgstr", index)
            else:
                setattr(entry, keyword, _unquote(value))
                target = (keyword, None)
    finish()
    return entries


def catalog_entries(path: Path = PO_PATH) -> tuple[PoEntry, list[PoEntry]]:
    header, *entries = parse_po(path.read_text(encoding="utf-8"))
    assert header.msgid == "" and header.msgctxt is None, "the .po file must start with its header"
    return header, entries


_PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(p for p in _PLACEHOLDER.findall(text) if p != "%%")


def test_parser_reads_contexts_plurals_and_continuations():
    text = (
        'msgid ""\nmsgstr ""\n"Language: id\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "switch language"\nmsgid "Change"\nmsgstr "Ganti"\n\n'
        'msgid ""\n"one "\n"line"\nmsgid_plural "%(n)s lines"\nmsgstr[0] "%(n)s \\"baris\\""\n\n'
        '#~ msgid "Old"\n#~ msgstr "Lama"\n'
    )
    header, context, plural = parse_po(text)
    assert header.msgstr == ["Language: id\n"]
    assert (context.msgctxt, context.msgid, context.msgstr, context.flags) == (
        "switch language",
        "Change",
        ["Ganti"],
        {"fuzzy", "python-format"},
    )
    assert (plural.msgid, plural.msgid_plural, plural.msgstr) == ("one line", "%(n)s lines", ['%(n)s "baris"'])


# --- The catalog is complete ----------------------------------------------------------------------


def test_catalog_header_declares_indonesian_with_one_plural_form():
    header, _ = catalog_entries()
    assert "fuzzy" not in header.flags, "a fuzzy header makes msgfmt and Django skip the whole catalog"
    assert "Language: id\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]


def test_catalog_has_no_empty_or_fuzzy_entry():
    _, entries = catalog_entries()
    assert entries, "the catalog is empty"
    untranslated = [str(e) for e in entries if not e.msgstr or not all(s.strip() for s in e.msgstr)]
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], "translate these in locale/id/LC_MESSAGES/django.po"
    assert fuzzy == [], "check these translations and remove their fuzzy flag"


def test_plural_entries_have_the_single_indonesian_form():
    _, entries = catalog_entries()
    plurals = [e for e in entries if e.msgid_plural is not None]
    assert plurals, "the templates use {% blocktranslate count %}: plural entries are expected"
    assert [str(e) for e in plurals if len(e.msgstr) != 1] == []


def test_translations_keep_the_placeholders():
    _, entries = catalog_entries()
    mismatched = [
        f"{e}: {placeholders(e.msgid_plural or e.msgid)} != {placeholders(s)}"
        for e in entries
        for s in e.msgstr
        if placeholders(s) != placeholders(e.msgid_plural or e.msgid)
    ]
    assert mismatched == []


# --- The catalog is compiled and up to date -------------------------------------------------------


def test_compiled_catalog_matches_the_po_file():
    """The committed .mo (used where gettext is not installed) holds exactly what the .po says."""
    _, entries = catalog_entries()
    expected = {}
    for e in entries:
        msgid = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        if e.msgid_plural is None:
            expected[msgid] = e.msgstr[0]
        else:
            expected.update({(msgid, i): s for i, s in enumerate(e.msgstr)})
    with MO_PATH.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    actual = {k: v for k, v in compiled._catalog.items() if k != ""}
    assert actual == expected, "run `make messages` (or compilemessages) and commit the .mo"
    assert compiled.plural(1) == compiled.plural(5) == 0


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs GNU gettext (msgfmt)")
def test_po_file_passes_msgfmt_check():
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(PO_PATH)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgmerge")), reason="needs GNU gettext (xgettext, msgmerge)"
)
def test_catalog_is_up_to_date_with_the_source(tmp_path):
    """makemessages, run on a scratch copy of the project, finds exactly the catalog's msgids."""
    scratch = tmp_path / "purna"
    shutil.copytree(ROOT, scratch, ignore=NOT_SOURCE)
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES_ARGS],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    _, committed = catalog_entries()
    _, fresh = catalog_entries(scratch / PO_PATH.relative_to(ROOT))
    committed_keys, fresh_keys = {e.key for e in committed}, {e.key for e in fresh}
    assert sorted(fresh_keys - committed_keys, key=str) == [], "new strings: run `make messages` and translate them"
    assert sorted(committed_keys - fresh_keys, key=str) == [], "strings no longer used: run `make messages`"


# --- What users see ---------------------------------------------------------------------------------


def switch_language(client, language: str, next_url: str) -> None:
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_default_language_is_indonesian():
    assert settings.LANGUAGE_CODE == "id"
    assert [code for code, _ in settings.LANGUAGES] == ["id", "en"]


def test_login_page_is_indonesian_by_default_and_english_on_request(client, db):
    url = reverse("login")
    page = client.get(url).content.decode()
    assert 'lang="id"' in page
    assert "Masuk ke Purna" in page
    assert "Sign in" not in page

    # Anonymous visitors can switch too: the switch is in the login page's footer.
    switch_language(client, "en", url)
    page = client.get(url).content.decode()
    assert 'lang="en"' in page
    assert "Sign in to Purna" in page
    assert "Masuk" not in page

    switch_language(client, "id", url)
    assert "Masuk ke Purna" in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("id", [">Pegawai<", "Dasbor purna tugas", "Pegawai aktif", "Beranda", "Keluar"], ["Employees", "Log out"]),
        ("en", [">Employees<", "Purna tugas dashboard", "Active employees", "Home", "Log out"], ["Pegawai", "Keluar"]),
    ],
)
def test_dashboard_follows_the_chosen_language(operator_client, language, expected, absent):
    url = reverse("dashboard")
    if language != settings.LANGUAGE_CODE:
        switch_language(operator_client, language, url)
    page = operator_client.get(url).content.decode()
    assert [text for text in expected if text not in page] == []
    assert [text for text in absent if text in page] == []


@pytest.mark.parametrize(
    ("language", "months", "heading"),
    [
        ("id", 1, "Akan purna tugas dalam 1 bulan"),
        ("id", 12, "Akan purna tugas dalam 12 bulan"),
        ("en", 1, "Purna tugas within the next month"),
        ("en", 12, "Purna tugas within the next 12 months"),
    ],
)
def test_plural_forms_follow_the_language(operator_client, language, months, heading):
    url = reverse("employees:retiring")
    if language != settings.LANGUAGE_CODE:
        switch_language(operator_client, language, url)
    assert heading in operator_client.get(url, {"bulan": months}).content.decode()


def test_error_pages_are_indonesian(operator_client, client, no_role_user):
    assert "Halaman tidak ditemukan" in operator_client.get("/tidak-ada/").content.decode()
    client.force_login(no_role_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "message"),
    [("id", "Bidang ini tidak boleh kosong."), ("en", "This field is required.")],
)
def test_django_own_messages_follow_the_language(client, db, language, message):
    """Form errors come from Django's catalog; ours must not hide it."""
    url = reverse("login")
    if language != settings.LANGUAGE_CODE:
        switch_language(client, language, url)
    response = client.post(url, {"username": "", "password": ""})
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("language", "verbose_name", "field_label", "status_label"),
    [("id", "pegawai", "tanggal lahir", "Pensiun"), ("en", "employee", "date of birth", "Retired")],
)
def test_model_labels_follow_the_language(language, verbose_name, field_label, status_label):
    with translation.override(language):
        assert str(Employee._meta.verbose_name) == verbose_name
        assert str(Employee._meta.get_field("birth_date").verbose_name) == field_label
        assert str(EmployeeStatus.PENSIUN.label) == status_label


@pytest.mark.parametrize("language", ["id", "en"])
def test_pangkat_names_are_never_translated(language):
    with translation.override(language):
        labels = {code: str(label) for _, group in GOLONGAN_CHOICES for code, label in group}
    assert labels["III/a"] == "III/a Penata Muda"
    assert labels["IV/e"] == "IV/e Pembina Utama"


def test_ensure_admin_speaks_indonesian(db, monkeypatch):
    monkeypatch.setenv("PURNA_ADMIN_PASSWORD", "rahasia-uji-123")
    out = io.StringIO()
    with translation.override(settings.LANGUAGE_CODE):
        call_command("ensure_admin", username="admin-uji", stdout=out)
        call_command("ensure_admin", username="admin-uji", stdout=out)
    assert "Akun admin dibuat. Masuk dengan: admin-uji / rahasia-uji-123" in out.getvalue()
    assert "Akun admin 'admin-uji' sudah ada" in out.getvalue()


@pytest.mark.django_db
def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(client):
    login = client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert login["Content-Language"] == "id"
    client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
    assert client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="id")["Content-Language"] == "en"
