"""The Jinja2 partials of the long row loops (purna/jinja.py, {% jinja %}) write what the Django
templates wrote: the same links, numbers, dates and translations, and everything escaped."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import engines
from django.urls import reverse, set_script_prefix
from django.utils import translation

from purna import jinja
from purna.templatetags.purna_jinja import jinja as jinja_tag
from tests.factories import EmployeeFactory


def render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


@pytest.mark.parametrize("number", [0, 7, 999, 1000, 21648, 1234567, -1234567, 10**12])
@pytest.mark.parametrize("language", ["id", "en"])
def test_numbers_are_grouped_as_humanize_groups_them(number, language):
    with translation.override(language):
        assert render("{{ n|intcomma }}", n=number) == intcomma(number)
        assert render("{{ n|intcomma }}", n=float(number) + 0.5) == intcomma(float(number) + 0.5)


def test_a_row_link_is_the_address_django_reverses():
    assert jinja.url("employees:detail", 123) == reverse("employees:detail", args=[123])
    assert jinja.url("employees:detail", 98765) == reverse("employees:detail", args=[98765])
    assert jinja.url("employees:list") == reverse("employees:list")
    assert jinja.url("employees:case_detail", 5) == reverse("employees:case_detail", args=[5])


def test_a_row_link_follows_the_script_prefix():
    """Served under a prefix (a reverse proxy's /purna/), the links carry it: the kept pattern is per prefix."""
    jinja.url("employees:detail", 1)
    set_script_prefix("/purna/")
    try:
        assert jinja.url("employees:detail", 42) == reverse("employees:detail", args=[42]) == "/purna/pegawai/42/"
    finally:
        set_script_prefix("/")
    assert jinja.url("employees:detail", 42) == "/pegawai/42/"


def test_the_django_filters_are_there_and_dates_show_in_the_current_zone(settings):
    moment = dt.datetime(2026, 12, 31, 20, 30, tzinfo=dt.UTC)  # 1 January 2027 in WIB
    with translation.override("id"):
        assert render("{{ d|tanggal }}", d=moment) == "1 Januari 2027"
        assert render("{{ d|tanggal }}", d=dt.date(2025, 10, 21)) == "21 Oktober 2025"
        assert render("{{ x|rupiah }}", x=20_000_000) == "Rp 20.000.000"
        assert render("{{ n|nip }}", n="198609262015051001") == "19860926 201505 1 001"
    assert str(ZoneInfo(settings.TIME_ZONE)) == "Asia/Jakarta"


def test_text_is_escaped_and_translated():
    html = render("<b>{{ name }}</b> {{ _('Record') }}", name='<script>alert("x")</script>')
    assert "<script>" not in html and "&lt;script&gt;" in html
    with translation.override("id"):
        assert render("{{ _('Record') }}") == "Berkas"
    with translation.override("en"):
        assert render("{{ _('Record') }}") == "Record"


@pytest.mark.django_db
def test_the_tag_gives_a_partial_only_what_is_passed():
    employee = EmployeeFactory(name='Budi <img src=x onerror="alert(1)">')
    employee.months_left, employee.has_retired = 3, False
    with translation.override("id"):
        html = jinja_tag("employees/_employee_rows.jinja", employees=[employee])
    assert f'href="/pegawai/{employee.pk}/"' in html
    assert "<img" not in html and "&lt;img" in html
    assert 'class="badge text-bg-warning">3<' in html
