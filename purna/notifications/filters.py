"""Filters of the outbox page (django-filter): status, kind, planned date, person."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from purna.filters import FilterBar
from purna.notifications.models import MessageStatus
from purna.notifications.selectors import kind_choices

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _day_start(day: dt.date) -> dt.datetime:
    # Days are the agency's days (settings.TIME_ZONE); the bounds stay index-friendly datetimes.
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class MessageFilter(FilterBar):
    search_placeholder = _("Name, email or NIP")
    q = django_filters.CharFilter(label=_("Person"), method="filter_person")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=MessageStatus.choices, empty_label=_("All"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=kind_choices, empty_label=_("All"))
    planned_from = django_filters.DateFilter(label=_("Planned from"), method="filter_planned_from", widget=DATE_WIDGET)
    planned_until = django_filters.DateFilter(
        label=_("Planned until"), method="filter_planned_until", widget=DATE_WIDGET
    )

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
