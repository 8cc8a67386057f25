"""Reads of the register. Query shapes (joins, annotations) are decided here, not in views."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from employees.choices import EmployeeStatus
from employees.models import Employee

ACTIVE_STATUSES = [EmployeeStatus.AKTIF, EmployeeStatus.MPP]


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    return dt.date(day.year + month_index // 12, month_index % 12 + 1, 1)


def employee_list(*, search: str = "") -> QuerySet[Employee]:
    """Employees with their unit, searchable by NIP prefix or by name."""
    qs = Employee.objects.select_related("unit")
    search = search.strip()
    if search.isdigit():
        qs = qs.filter(nip__startswith=search)
    elif search:
        qs = qs.filter(name__icontains=search)
    return qs


@dataclass(frozen=True)
class DashboardSummary:
    active: int
    retiring_12_months: int
    retiring_this_year: int
    per_month: list[tuple[dt.date, int]]  # first day of each of the next 12 months, with its retirements

    @property
    def per_month_max(self) -> int:
        return max((count for _, count in self.per_month), default=0)


def dashboard_summary(*, today: dt.date | None = None) -> DashboardSummary:
    """Head counts for the home page, in two queries whatever the register's size."""
    today = today or timezone.localdate()
    # A TMT pensiun is always the 1st of a month; the next one after today opens the window.
    start = _add_months(today.replace(day=1), 1)
    end = _add_months(start, 12)
    active = Employee.objects.filter(status__in=ACTIVE_STATUSES)
    totals = active.aggregate(
        active=Count("pk"),
        retiring_this_year=Count("pk", filter=Q(tmt_pensiun__year=today.year, tmt_pensiun__gt=today)),
    )
    rows = (
        active.filter(tmt_pensiun__gte=start, tmt_pensiun__lt=end)
        .annotate(month=TruncMonth("tmt_pensiun"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["month"]: row["n"] for row in rows}
    per_month = [(month, counts.get(month, 0)) for month in (_add_months(start, i) for i in range(12))]
    return DashboardSummary(
        active=totals["active"],
        retiring_12_months=sum(n for _, n in per_month),
        retiring_this_year=totals["retiring_this_year"],
        per_month=per_month,
    )


def employee_retiring_list(*, months: int, today: dt.date | None = None) -> QuerySet[Employee]:
    """Active employees whose TMT pensiun falls within the next `months` months, soonest first."""
    today = today or timezone.localdate()
    until = _add_months(today.replace(day=1), months + 1)
    return (
        employee_list()
        .filter(status__in=ACTIVE_STATUSES, tmt_pensiun__gt=today, tmt_pensiun__lt=until)
        .order_by("tmt_pensiun", "name")
    )
