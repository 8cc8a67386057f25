"""Template filters for Indonesian formats: {{ d|tanggal }}, {{ x|rupiah }}, {{ x|terbilang }}.

Datetimes are shown in the current time zone (expects_localtime), and a missing value renders as an
empty string rather than breaking the page.
"""

from django import template

from purna import formatting

register = template.Library()


@register.filter(expects_localtime=True)
def tanggal(value):
    return formatting.tanggal(value) if value else ""


@register.filter(expects_localtime=True)
def tanggal_hari(value):
    return formatting.tanggal(value, with_day=True) if value else ""


@register.filter(expects_localtime=True)
def jam(value):
    """A datetime's time with its zone: "09.00 WIB" (WITA, WIT), in the current time zone."""
    return formatting.jam_zona(value) if value else ""


@register.filter(expects_localtime=True)
def bulan_tahun(value):
    return formatting.bulan_tahun(value) if value else ""


@register.filter
def rentang_bulan(months):
    """A sequence of months (first days) as the span "Desember 2026 - Maret 2027" (formatting.rentang_bulan); empty when none."""
    months = list(months or ())
    return formatting.rentang_bulan(months[0], months[-1]) if months else ""


@register.filter
def rupiah(value):
    return "" if value in (None, "") else formatting.rupiah(value)


@register.filter
def terbilang(value):
    return "" if value in (None, "") else formatting.terbilang(value)
