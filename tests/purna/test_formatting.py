"""Indonesian formats of purna/formatting.py and their template filters (DESIGN.md section 5, Formats)."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from purna import formatting
from purna.formatting import bulan_tahun, rentang_bulan, rupiah, tanggal, terbilang


@pytest.mark.parametrize(
    ("value", "with_day", "expected"),
    [
        (dt.date(2025, 10, 21), False, "21 Oktober 2025"),
        (dt.date(2025, 10, 21), True, "Selasa, 21 Oktober 2025"),
        (dt.date(2025, 1, 1), False, "1 Januari 2025"),
        (dt.date(2024, 2, 29), True, "Kamis, 29 Februari 2024"),
        (dt.date(2025, 3, 2), True, "Minggu, 2 Maret 2025"),
        (dt.date(2025, 5, 1), False, "1 Mei 2025"),
        (dt.date(2025, 8, 17), True, "Minggu, 17 Agustus 2025"),
        (dt.date(2025, 12, 31), True, "Rabu, 31 Desember 2025"),
        (dt.date(2025, 10, 20), True, "Senin, 20 Oktober 2025"),
        (dt.date(2025, 10, 24), True, "Jumat, 24 Oktober 2025"),
        (dt.date(2025, 10, 25), True, "Sabtu, 25 Oktober 2025"),
        (dt.date(2025, 10, 23), True, "Kamis, 23 Oktober 2025"),
        (dt.date(2025, 10, 22), True, "Rabu, 22 Oktober 2025"),
        (dt.datetime(2025, 10, 21, 23, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta")), True, "Selasa, 21 Oktober 2025"),
        (None, False, ""),
        (None, True, ""),
    ],
)
def test_tanggal(value, with_day, expected):
    assert tanggal(value, with_day=with_day) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2025, 10, 21), "Oktober 2025"),
        (dt.date(2025, 1, 31), "Januari 2025"),
        (dt.date(2026, 6, 1), "Juni 2026"),
        (dt.date(2025, 12, 1), "Desember 2025"),
        (None, ""),
    ],
)
def test_bulan_tahun(value, expected):
    assert bulan_tahun(value) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (dt.date(2026, 12, 1), dt.date(2027, 3, 1), "Desember 2026 \u2013 Maret 2027"),
        (dt.date(2026, 1, 1), dt.date(2026, 4, 1), "Januari 2026 \u2013 April 2026"),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 1), "Mei 2026"),
        (None, None, ""),
    ],
)
def test_rentang_bulan(first, last, expected):
    assert rentang_bulan(first, last) == expected


def test_the_rentang_bulan_filter_spans_a_list_of_months():
    template = Template("{% load purna_format %}[{{ months|rentang_bulan }}]")
    months = [dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1), dt.date(2027, 3, 1)]
    assert template.render(Context({"months": months})) == "[Desember 2026 \u2013 Maret 2027]"
    assert template.render(Context({"months": ()})) == "[]"


@pytest.mark.parametrize(
    ("amount", "cents", "expected"),
    [
        (20_000_000, False, "Rp 20.000.000"),
        (1_250_000, False, "Rp 1.250.000"),
        (999, False, "Rp 999"),
        (1_000, False, "Rp 1.000"),
        (1_000_000_000, False, "Rp 1.000.000.000"),
        (0, False, "Rp 0"),
        (0, True, "Rp 0,00"),
        (Decimal("1250000.50"), True, "Rp 1.250.000,50"),
        (Decimal("1250000.5"), True, "Rp 1.250.000,50"),
        (Decimal("1250000"), True, "Rp 1.250.000,00"),
        (Decimal("1234.565"), True, "Rp 1.234,57"),
        (Decimal("1234.564"), True, "Rp 1.234,56"),
        # Half up, not the banker's rounding of Decimal's default context.
        (Decimal("0.5"), False, "Rp 1"),
        (Decimal("2.5"), False, "Rp 3"),
        (Decimal("1250000.50"), False, "Rp 1.250.001"),
        (Decimal("1250000.49"), False, "Rp 1.250.000"),
        (-5_000, False, "-Rp 5.000"),
        (Decimal("-1250000.50"), True, "-Rp 1.250.000,50"),
        (Decimal("-2.5"), False, "-Rp 3"),
        # An amount that rounds to zero has no sign.
        (Decimal("-0.4"), False, "Rp 0"),
        (Decimal("-0.004"), True, "Rp 0,00"),
        (None, False, ""),
    ],
)
def test_rupiah(amount, cents, expected):
    assert rupiah(amount, cents=cents) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "nol rupiah"),
        (1, "satu rupiah"),
        (10, "sepuluh rupiah"),
        (11, "sebelas rupiah"),
        (12, "dua belas rupiah"),
        (20, "dua puluh rupiah"),
        (21, "dua puluh satu rupiah"),
        (100, "seratus rupiah"),
        (101, "seratus satu rupiah"),
        (111, "seratus sebelas rupiah"),
        (200, "dua ratus rupiah"),
        (1_000, "seribu rupiah"),
        (1_001, "seribu satu rupiah"),
        (1_100, "seribu seratus rupiah"),
        (2_000, "dua ribu rupiah"),
        (11_000, "sebelas ribu rupiah"),
        (21_000, "dua puluh satu ribu rupiah"),
        (100_000, "seratus ribu rupiah"),
        (101_000, "seratus satu ribu rupiah"),
        (1_000_000, "satu juta rupiah"),
        (1_000_001, "satu juta satu rupiah"),
        # num2words says "satu juta satu ribu"; Indonesian says "satu juta seribu" (DESIGN.md section 4).
        (1_001_000, "satu juta seribu rupiah"),
        (1_000_001_000, "satu miliar seribu rupiah"),
        (1_001_001_000, "satu miliar satu juta seribu rupiah"),
        (1_000_000_001_000, "satu triliun seribu rupiah"),
        (1_250_000, "satu juta dua ratus lima puluh ribu rupiah"),
        (2_500_000, "dua juta lima ratus ribu rupiah"),
        (3_500_000, "tiga juta lima ratus ribu rupiah"),
        (20_000_000, "dua puluh juta rupiah"),
        (1_000_000_000, "satu miliar rupiah"),
        (-1_000, "minus seribu rupiah"),
        # Cents round half up to a whole rupiah, as rupiah() shows the amount without cents.
        (Decimal("1250000.50"), "satu juta dua ratus lima puluh ribu satu rupiah"),
        (Decimal("1250000.49"), "satu juta dua ratus lima puluh ribu rupiah"),
    ],
)
def test_terbilang(amount, expected):
    assert terbilang(amount) == expected


@pytest.mark.parametrize(
    ("currency", "expected"),
    [("rupiah", "seribu rupiah"), ("", "seribu"), ("dolar", "seribu dolar")],
)
def test_terbilang_currency_word(currency, expected):
    assert terbilang(1_000, currency=currency) == expected


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{ d|tanggal }}", {"d": dt.date(2025, 10, 21)}, "21 Oktober 2025"),
        ("{{ d|tanggal_hari }}", {"d": dt.date(2025, 10, 21)}, "Selasa, 21 Oktober 2025"),
        ("{{ d|bulan_tahun }}", {"d": dt.date(2025, 10, 21)}, "Oktober 2025"),
        ("{{ d|tanggal|default:'-' }}", {"d": None}, "-"),
        ("{{ x|rupiah }}", {"x": Decimal("20000000.00")}, "Rp 20.000.000"),
        ("{{ x|rupiah }}", {"x": None}, ""),
        ("{{ x|terbilang }}", {"x": 2_500_000}, "dua juta lima ratus ribu rupiah"),
        ("{{ x|terbilang }}", {"x": None}, ""),
        ("{{ x|terbilang }}", {"x": ""}, ""),
        ("{{ x|rupiah }} ({{ x|terbilang }})", {"x": 1_001_000}, "Rp 1.001.000 (satu juta seribu rupiah)"),
    ],
)
def test_template_filters(source, context, expected):
    template = Template("{% load purna_format %}" + source)
    assert template.render(Context(context)) == expected


@pytest.mark.parametrize("language", ["id", "en"])
def test_official_formats_stay_indonesian_in_every_language(language):
    """Letters and certificates are written in Indonesian whatever the interface language."""
    with translation.override(language):
        rendered = Template("{% load purna_format %}{{ d|tanggal_hari }} · {{ x|rupiah }}").render(
            Context({"d": dt.date(2025, 10, 21), "x": 1_250_000})
        )
    assert rendered == "Selasa, 21 Oktober 2025 · Rp 1.250.000"


def test_date_filters_use_local_time(settings):
    settings.TIME_ZONE = "Asia/Jakarta"
    starts_at = dt.datetime(2025, 10, 20, 23, 0, tzinfo=dt.UTC)  # Tuesday 21 October, 06:00 WIB
    rendered = Template("{% load purna_format %}{{ t|tanggal_hari }}").render(Context({"t": starts_at}))
    assert rendered == "Selasa, 21 Oktober 2025"


@pytest.mark.parametrize("name", ["tanggal", "tanggal_hari", "bulan_tahun", "rupiah"])
def test_filters_render_nothing_for_a_missing_variable(name):
    assert Template("{% load purna_format %}[{{ missing|" + name + " }}]").render(Context({})) == "[]"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Asia/Jakarta", "09.05 WIB"), ("Asia/Makassar", "10.05 WITA"), ("Asia/Jayapura", "11.05 WIT")],
)
def test_jam_zona_names_the_indonesian_time_zone(zone, expected):
    moment = dt.datetime(2026, 1, 20, 2, 5, tzinfo=dt.UTC).astimezone(zoneinfo.ZoneInfo(zone))
    assert formatting.jam_zona(moment) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Jakarta", "WIB"),
        ("Asia/Pontianak", "WIB"),
        ("Asia/Makassar", "WITA"),
        ("Asia/Jayapura", "WIT"),
        ("UTC", "UTC"),
    ],
)
def test_zona_waktu(zone, expected):
    assert formatting.zona_waktu(zone) == expected


def test_jam_writes_hours_and_minutes_with_a_dot():
    assert formatting.jam(dt.time(8, 5)) == "08.05"
    assert formatting.jam(dt.datetime(2027, 1, 20, 13, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))) == "13.30"
