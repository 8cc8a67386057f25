"""Filters of the employee list (django-filter); the same filter set drives the page and its export."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from employees.choices import GOLONGAN_CHOICES, AsnType, EmployeeStatus, JenisJabatan
from employees.models import Employee, UnitKerja

MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month chosen as YYYY-MM (the browser's month picker), stored as its first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]


class MonthFilter(django_filters.DateFilter):
    field_class = MonthField


class EmployeeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or NIP"), method="filter_search")
    unit = django_filters.ModelChoiceFilter(
        label=_("Work unit"), queryset=UnitKerja.objects.order_by("name"), method="filter_unit"
    )
    asn_type = django_filters.ChoiceFilter(label=_("ASN type"), choices=AsnType.choices)
    golongan = django_filters.ChoiceFilter(label=_("Golongan"), choices=GOLONGAN_CHOICES)
    jenis_jabatan = django_filters.ChoiceFilter(label=_("Position category"), choices=JenisJabatan.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=EmployeeStatus.choices)
    tmt_from = MonthFilter(
        label=_("TMT pensiun from (month)"), field_name="tmt_pensiun", lookup_expr="gte", widget=MONTH_WIDGET
    )
    tmt_until = MonthFilter(label=_("TMT pensiun until (month)"), method="filter_tmt_until", widget=MONTH_WIDGET)
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=[
            ("name", "name"),
            ("nip", "nip"),
            ("golongan", "golongan"),
            ("unit__name", "unit"),
            ("tmt_pensiun", "tmt_pensiun"),
        ],
        field_labels={
            "name": _("Name"),
            "nip": _("NIP"),
            "golongan": _("Golongan"),
            "unit__name": _("Work unit"),
            "tmt_pensiun": _("TMT pensiun"),
        },
    )

    class Meta:
        model = Employee
        fields = ["q", "unit", "asn_type", "golongan", "jenis_jabatan", "status", "tmt_from", "tmt_until"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Digits search the NIP by prefix (spaces ignored); words must all appear in the name."""
        value = value.strip()
        digits = value.replace(" ", "")
        if digits.isdigit():
            return queryset.filter(Q(nip__startswith=digits) | Q(nip_lama__startswith=digits))
        for word in value.split():
            queryset = queryset.filter(name__icontains=word)
        return queryset

    def filter_unit(self, queryset: QuerySet, name: str, value: UnitKerja) -> QuerySet:
        """A unit includes its direct sub-units (a dinas and its bidang / UPT)."""
        return queryset.filter(Q(unit=value) | Q(unit__parent=value))

    def filter_tmt_until(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # The month is inclusive: "until March 2027" keeps TMT 1 March 2027.
        return queryset.filter(tmt_pensiun__lte=value)
