"""Filters of the outbox page (django-filter): status, kind, planned date, person."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from purna.notifications.models import MessageStatus
from purna.notifications.selectors import kind_choices

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _day_start(day: dt.date) -> dt.datetime:
    # Days are the agency's days (settings.TIME_ZONE); the bounds stay index-friendly datetimes.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class MessageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Person"), method="filter_person")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MessageStatus.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=kind_choices, empty_label=_("All"))
    planned_from = django_filters.DateFilter(label=_("Planned from"), method="filter_planned_from", widget=DATE_WIDGET)
    planned_until = django_filters.DateFilter(
        label=_("Planned until"), method="filter_planned_until", widget=DATE_WIDGET
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
            if name == "q":
                field.widget.attrs.setdefault("placeholder", _("Name, email or NIP"))
                field.widget.input_type = "search"

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The recipient's name or address, or the person the message is about (name and NIP)."""
        for word in value.split():
            queryset = queryset.filter(
                Q(to_name__icontains=word) | Q(to_email__icontains=word) | Q(about_label__icontains=word)
            )
        return queryset

    def filter_planned_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(planned_at__gte=_day_start(value))

    def filter_planned_until(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(planned_at__lt=_day_start(value + dt.timedelta(days=1)))
