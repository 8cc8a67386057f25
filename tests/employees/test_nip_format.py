"""One way of showing a NIP everywhere: the `nip` template filter ("19860926 201505 1 001"), used by
every page, email and document that shows one."""

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from tests.factories import EmployeeFactory

GROUPED = re.compile(r"\d{8} \d{6} \d \d{3}")


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("198609262015051001", "19860926 201505 1 001"),
        ("19860926 201505 1 001", "19860926 201505 1 001"),  # already grouped: the same
        (" 1986 0926201505 1001 ", "19860926 201505 1 001"),  # spaced anyhow
        ("199001012021212001", "19900101 202121 2 001"),  # an NI PPPK is grouped alike
        ("123456789", "123456789"),  # an old NIP: as given
        ("", ""),
        (None, ""),
    ],
)
def test_the_filter_groups_a_nip(value, shown):
    assert Template("{% load nip_format %}{{ value|nip }}").render(Context({"value": value})) == shown


def _nip_outputs():
    """Every {{ ... }} of the templates that prints a NIP (a variable whose last part is nip)."""
    expression = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")
    for path in sorted((settings.BASE_DIR / "templates").rglob("*")):
        if path.suffix not in (".html", ".txt"):
            continue
        text = path.read_text()
        for found in expression.finditer(text):
            variable = found[1].split("|")[0].strip()
            # A data attribute carries the digits for scripts (the check-in page's search), not for people.
            if text[: found.start()].endswith('data-nip="'):
                continue
            # So does a link's search parameter (the hand-over list's "Cancel" finds the person by NIP).
            if re.search(r"[?&]q=$", text[: found.start()]):
                continue
            if re.search(r"(^|[._])nip$", variable):
                yield path.relative_to(settings.BASE_DIR), found[1]


def test_every_template_that_prints_a_nip_uses_the_filter():
    outputs = list(_nip_outputs())
    assert len(outputs) > 20
    # The public verification page shows a masked NIP (ceremonies.certificates.nip_masked) on purpose.
    raw = [(str(path), text) for path, text in outputs if "|nip" not in text and "certificate_verify" not in str(path)]
    assert raw == []


@pytest.mark.parametrize("url_name", ["employees:detail", "employees:list"])
def test_staff_pages_show_the_nip_grouped(operator_client, url_name):
    employee = EmployeeFactory(nip="196601012000031001")
    url = reverse(url_name, args=[employee.pk]) if url_name == "employees:detail" else reverse(url_name)
    text = re.sub(r"<[^>]*>", " ", operator_client.get(url).content.decode())  # what the page shows
    assert "19660101 200003 1 001" in text
    assert "196601012000031001" not in text
