"""BKN's BTL and TMS answers to pension proposals, by month and unit, with their reasons: what the agency
keeps getting wrong (issue: "a report of BTL/TMS reasons by month and unit").

An answer is a status change to BTL or TMS (employees/cases.py BKN_ANSWERS); its reason is the change's
note. Reasons are grouped as written, ignoring case and surrounding spaces.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max
from django.db.models.functions import Lower, Trim, TruncMonth
from django.utils import timezone

from employees import cases
from employees.choices import CaseStatus
from employees.models import CaseStatusChange
from employees.retirement import add_months
from employees.scope import Scope
from purna.formatting import bulan_tahun

REPORT_MONTHS = 12


@dataclass(frozen=True)
class ReasonRow:
    """How many times BKN gave one reason (as written) with one answer, for one unit in one month."""

    month: dt.date  # the first of the month
    unit: str
    status: str
    reason: str
    count: int

    @property
    def month_label(self) -> str:
        return bulan_tahun(self.month)

    @property
    def status_label(self) -> str:
        return "BTL" if self.status == CaseStatus.INCOMPLETE else "TMS"


@dataclass(frozen=True)
class MonthTotal:
    month: dt.date
    btl: int
    tms: int

    @property
    def label(self) -> str:
        return bulan_tahun(self.month)

    @property
    def short_label(self) -> str:
        return f"{bulan_tahun(self.month)[:3]} {self.month:%y}"


@dataclass(frozen=True)
class BknAnswerReport:
    start: dt.date  # the first month shown
    until: dt.date  # the first day after the last month shown
    months: list[MonthTotal]
    rows: list[ReasonRow]  # by month, unit, answer, then the most frequent reason first

    @property
    def first_label(self) -> str:
        return bulan_tahun(self.start)

    @property
    def last_label(self) -> str:
        return bulan_tahun(add_months(self.until, -1))

    @property
    def total_btl(self) -> int:
        return sum(month.btl for month in self.months)

    @property
    def total_tms(self) -> int:
        return sum(month.tms for month in self.months)


def _answers(scope: Scope):
    changes = CaseStatusChange.objects.filter(to_status__in=sorted(cases.BKN_ANSWERS))
    return scope.filter(changes, "case__employee__unit")


def bkn_answer_report(*, scope: Scope, today: dt.date | None = None, months: int = REPORT_MONTHS) -> BknAnswerReport:
    """BKN's BTL and TMS answers of the last `months` months (this one included) for the units in `scope`:
    totals per month (for the chart) and the reasons per month, unit and answer. One query, grouped in
    the database, whatever the number of answers."""
    today = today or timezone.localdate()
    until = add_months(today.replace(day=1), 1)
    start = add_months(until, -months)
    start_at = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    until_at = timezone.make_aware(dt.datetime.combine(until, dt.time.min))
    grouped = (
        _answers(scope)
        .filter(at__gte=start_at, at__lt=until_at)
        .annotate(month=TruncMonth("at"), reason_key=Lower(Trim("note")))
        .values("month", "case__employee__unit__name", "to_status", "reason_key")
        .annotate(count=Count("pk"), reason=Max("note"))
        .order_by()
    )
    rows = []
    totals: dict[tuple[dt.date, str], int] = defaultdict(int)
    for row in grouped:
        month = row["month"]
        month = timezone.localtime(month).date() if isinstance(month, dt.datetime) else month
        month = month.replace(day=1)
        rows.append(
            ReasonRow(
                month=month,
                unit=row["case__employee__unit__name"],
                status=row["to_status"],
                reason=(row["reason"] or "").strip(),
                count=row["count"],
            )
        )
        totals[(month, row["to_status"])] += row["count"]
    rows.sort(key=lambda r: (r.month, r.unit, r.status, -r.count, r.reason.lower()))
    month_list = []
    month = start
    while month < until:
        month_list.append(
            MonthTotal(
                month=month,
                btl=totals[(month, CaseStatus.INCOMPLETE)],
                tms=totals[(month, CaseStatus.NOT_ELIGIBLE)],
            )
        )
        month = add_months(month, 1)
    return BknAnswerReport(start=start, until=until, months=month_list, rows=rows)


def bkn_answer_fingerprint_values(scope: Scope) -> dict:
    """The state the report prints, read cheaply (one query): the answers' count and latest time."""
    return _answers(scope).aggregate(count=Count("pk"), latest=Max("at"), last_id=Max("pk"))
