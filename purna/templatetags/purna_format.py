"""Template filters for Indonesian formats: {{ d|tanggal }}, {{ x|rupiah }}, {{ x|terbilang }}."""

from django import template

from purna import formatting

register = template.Library()


@register.filter
def tanggal(value):
    return formatting.tanggal(value)


@register.filter
def tanggal_hari(value):
    return formatting.tanggal(value, with_day=True)


@register.filter
def bulan_tahun(value):
    return formatting.bulan_tahun(value)


@register.filter
def rupiah(value):
    return formatting.rupiah(value)


@register.filter
def terbilang(value):
    return "" if value in (None, "") else formatting.terbilang(value)
