"""Filters of the employee list (django-filter); the same filter set drives the page and its export.

The query behind each filter is index-friendly at 100,000 employees: the search is decided by
employees.selectors.employee_search, a unit is resolved to its sub-units in a sub-select (no join on
the employee rows), and the TMT pensiun range is a half-open interval on an indexed column.
"""

import datetime as dt

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from employees.choices import GOLONGAN_CHOICES, AsnType, EmployeeStatus, JenisJabatan
from employees.models import Employee, UnitKerja
from employees.retirement import add_months
from employees.scope import Scope
from employees.selectors import ACTIVE_STATUSES, STATUS_ACTIVE, employee_search, unit_and_subunit_ids
from purna.filters import FilterBar

MONTH_WIDGET = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
# "Active" in the projections: still working, or on pre-retirement leave (MPP). The drill-down links
# of the projection and the dashboard use it so the list shows the people their numbers count.
STATUS_CHOICES = [(STATUS_ACTIVE, _("Active (incl. MPP)")), *EmployeeStatus.choices]
SORT_FIELDS = [
    ("name", "name"),
    ("nip", "nip"),
    ("golongan", "golongan"),
    ("unit__name", "unit"),
    ("tmt_pensiun", "tmt_pensiun"),
]


class MonthField(forms.DateField):
    """A month chosen as YYYY-MM (the browser's month picker), stored as its first day."""

    input_formats = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]


class MonthFilter(django_filters.DateFilter):
    field_class = MonthField


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: UnitKerja) -> str:
        # A sub-unit names its parent: "Dinas Pendidikan / Bidang Pembinaan SD".
        return f"{obj.parent.name} / {obj.name}" if obj.parent_id else obj.name


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting by a column, then by name and id, so that pages never repeat or skip a row."""

    def filter(self, qs: QuerySet, value) -> QuerySet:
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "name", "pk")
        return qs


class EmployeeFilter(FilterBar):
    search_placeholder = _("Name or NIP")
    q = django_filters.CharFilter(label=_("Name or NIP"), method="filter_search")
    unit = UnitFilter(
        label=_("Work unit"),
        queryset=UnitKerja.objects.select_related("parent").order_by("name"),
        method="filter_unit",
        empty_label=_("All"),
    )
    asn_type = django_filters.ChoiceFilter(label=_("ASN type"), choices=AsnType.choices, empty_label=_("All"))
    golongan = django_filters.ChoiceFilter(label=_("Golongan"), choices=GOLONGAN_CHOICES, empty_label=_("All"))
    jenis_jabatan = django_filters.ChoiceFilter(
        label=_("Position category"), choices=JenisJabatan.choices, empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=_("All")
    )
    tmt_from = MonthFilter(
        label=_("TMT pensiun from (month)"), field_name="tmt_pensiun", lookup_expr="gte", widget=MONTH_WIDGET
    )
    tmt_until = MonthFilter(label=_("TMT pensiun until (month)"), method="filter_tmt_until", widget=MONTH_WIDGET)
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=SORT_FIELDS,
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

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The unit choices are the user's own (employees/scope.py); the queryset passed in is scoped by
        # its selector already.
        field = self.form.fields["unit"]
        field.queryset = scope.filter(field.queryset, "pk")

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Digits search the NIP by prefix (spaces ignored); words must all appear in the name."""
        return employee_search(queryset, value, sort_by_name=True)

    def filter_unit(self, queryset: QuerySet, name: str, value: UnitKerja) -> QuerySet:
        """A unit includes its sub-units (a dinas and its bidang / UPT, and theirs)."""
        return queryset.filter(unit_id__in=unit_and_subunit_ids(value.pk))

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == STATUS_ACTIVE:
            return queryset.filter(status__in=ACTIVE_STATUSES)
        return queryset.filter(status=value)

    def filter_tmt_until(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        # The month is inclusive: "until March 2027" keeps every TMT in March 2027 (a PPPK contract
        # may end mid-month, so not only the 1st).
        return queryset.filter(tmt_pensiun__lt=add_months(value.replace(day=1), 1))
