"""Reads of payouts, THT claims and rates, each narrowed to the reader's staff scope (employees/scope.py)
and with a fixed number of queries whatever the data size."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from benefits.models import (
    CLOSED_STATUSES,
    BenefitType,
    Payout,
    PayoutStatus,
    PayoutStatusChange,
    TaliAsihRate,
    ThtClaim,
)
from ceremonies.models import Event
from employees.choices import EmployeeStatus
from employees.models import Employee
from employees.nip import format_nip
from employees.scope import Scope

# An approved payout still unpaid this many days after the TMT is overdue.
OVERDUE_DAYS = 30
ZERO = Decimal("0.00")


def payout_list(
    *,
    scope: Scope,
    status: str | None = None,
    benefit_type: str | None = None,
    year: int | None = None,
    event: Event | None = None,
) -> QuerySet[Payout]:
    """Payouts in `scope`, newest first, with the employee, their unit, the event and the people who
    prepared, verified, approved and paid them joined (one query for a page). `year` is the TMT's year."""
    payouts = Payout.objects.select_related(
        "employee__unit", "event", "rate", "prepared_by", "verified_by", "approved_by", "paid_by"
    )
    if status:
        payouts = payouts.filter(status=status)
    if benefit_type:
        payouts = payouts.filter(benefit_type=benefit_type)
    if year:
        payouts = payouts.filter(tmt__year=year)
    if event is not None:
        payouts = payouts.filter(event=event)
    return scope.filter(payouts, "employee__unit")


def payout_get(*, pk: int, scope: Scope) -> Payout:
    """One payout in `scope` with everything its page shows (two queries: the row with its people, and its
    timeline with who did each step). Raises Payout.DoesNotExist, also for one outside the scope."""
    timeline = Prefetch("status_changes", queryset=PayoutStatusChange.objects.select_related("actor"))
    return (
        payout_list(scope=scope)
        .select_related("cancelled_by", "reversed_by", "employee__tht_claim")
        .prefetch_related(timeline)
        .get(pk=pk)
    )


def tht_claim_list(*, scope: Scope) -> QuerySet[ThtClaim]:
    """THT claims in `scope`, with their employee and unit."""
    return scope.filter(ThtClaim.objects.select_related("employee__unit"), "employee__unit")


def tali_asih_rate_list() -> QuerySet[TaliAsihRate]:
    """Every tali asih rate, newest first, with its bands (two queries)."""
    return TaliAsihRate.objects.prefetch_related("bands")


@dataclass(frozen=True)
class BenefitFigures:
    """One benefit's payouts of a TMT year: paid, outstanding (prepared but not paid) and overdue."""

    paid_count: int
    paid_amount: Decimal
    outstanding_count: int
    outstanding_amount: Decimal
    overdue_count: int  # approved, still unpaid OVERDUE_DAYS after the TMT


@dataclass(frozen=True)
class PayoutSummary:
    """The money of a year's retirees, for the head of the agency: by benefit, and how many retirees whose
    TMT has passed have no tali asih prepared yet."""

    year: int
    by_benefit: dict[str, BenefitFigures]
    tali_asih_not_prepared: int


def payout_summary(
    *, scope: Scope, year: int, today: dt.date | None = None, overdue_days: int = OVERDUE_DAYS
) -> PayoutSummary:
    """Paid vs outstanding payouts of the retirees whose TMT falls in `year`, per benefit; approved payouts
    still unpaid `overdue_days` after the TMT; and retirees of the year whose TMT has passed by `today`
    without a tali asih payout prepared (cancelled and reversed ones do not count). Two queries.
    `today` defaults to the local date."""
    today = today or timezone.localdate()
    overdue_before = today - dt.timedelta(days=overdue_days)
    outstanding = [PayoutStatus.DRAFT, PayoutStatus.VERIFIED, PayoutStatus.APPROVED]
    rows = (
        scope.filter(Payout.objects.filter(tmt__year=year), "employee__unit")
        .values("benefit_type")
        .annotate(
            paid_count=Count("pk", filter=Q(status=PayoutStatus.PAID)),
            paid_amount=Coalesce(Sum("amount", filter=Q(status=PayoutStatus.PAID)), ZERO),
            outstanding_count=Count("pk", filter=Q(status__in=outstanding)),
            outstanding_amount=Coalesce(Sum("amount", filter=Q(status__in=outstanding)), ZERO),
            overdue_count=Count("pk", filter=Q(status=PayoutStatus.APPROVED, tmt__lt=overdue_before)),
        )
        .order_by("benefit_type")
    )
    empty = BenefitFigures(0, ZERO, 0, ZERO, 0)
    by_benefit = dict.fromkeys(BenefitType.values, empty)
    for row in rows:
        benefit = row.pop("benefit_type")
        by_benefit[benefit] = BenefitFigures(**row)

    prepared = Payout.objects.filter(
        employee=OuterRef("pk"), benefit_type=BenefitType.TALI_ASIH, status__in=[*outstanding, PayoutStatus.PAID]
    )
    start, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), today)
    not_prepared = (
        scope.filter(Employee.objects.all(), "unit")
        .filter(tmt_effective__gte=start, tmt_effective__lte=end)
        .exclude(status=EmployeeStatus.PINDAH)
        .filter(~Exists(prepared))
        .count()
        if start <= end
        else 0
    )
    return PayoutSummary(year=year, by_benefit=by_benefit, tali_asih_not_prepared=not_prepared)


# --- Recapitulation ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecapCell:
    """One benefit of one retiree in a recap: the amount and the payout's status (None: no payout)."""

    amount: Decimal | None
    status: str | None

    @property
    def status_label(self) -> str:
        # Read when printed: a document is rendered in the site's language, whoever asked for it.
        return str(PayoutStatus(self.status).label) if self.status else ""


@dataclass(frozen=True)
class RecapRow:
    number: int
    employee: Employee
    name: str
    nip: str
    unit: str
    tmt: dt.date
    tht: RecapCell
    tali_asih: RecapCell


@dataclass(frozen=True)
class RecapTotals:
    """Sums of the rows: per benefit, per benefit and status, and all together."""

    tht: Decimal
    tali_asih: Decimal
    by_status: dict[tuple[str, str], Decimal]
    count_by_status: dict[tuple[str, str], int]

    @property
    def total(self) -> Decimal:
        return self.tht + self.tali_asih


@dataclass(frozen=True)
class PayoutRecap:
    rows: list[RecapRow]
    totals: RecapTotals


_NO_PAYOUT = RecapCell(None, None)


def payout_recap(
    *,
    scope: Scope,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event: Event | None = None,
) -> PayoutRecap:
    """The THT and tali asih of each retiree in `scope` whose payouts have a TMT in `year` or between
    `start` and `end` (inclusive), and/or are handed over at `event`: one row per retiree (name, NIP,
    unit, TMT, each benefit's amount and status) and the totals summed from those same rows, so the
    printed totals always equal their rows. Cancelled and reversed payouts do not count. One query."""
    payouts = (
        scope.filter(Payout.objects.exclude(status__in=CLOSED_STATUSES), "employee__unit")
        .select_related("employee__unit")
        .order_by("employee__name", "employee_id", "benefit_type")
    )
    if year:
        payouts = payouts.filter(tmt__year=year)
    if start:
        payouts = payouts.filter(tmt__gte=start)
    if end:
        payouts = payouts.filter(tmt__lte=end)
    if event is not None:
        payouts = payouts.filter(event=event)
    by_employee: dict[int, dict[str, Payout]] = {}
    for payout in payouts:
        by_employee.setdefault(payout.employee_id, {})[payout.benefit_type] = payout
    rows = []
    by_status: dict[tuple[str, str], Decimal] = {}
    count_by_status: dict[tuple[str, str], int] = {}
    sums = dict.fromkeys(BenefitType.values, ZERO)
    for number, found in enumerate(by_employee.values(), start=1):
        cells = {}
        for benefit in BenefitType.values:
            payout = found.get(benefit)
            if payout is None:
                cells[benefit] = _NO_PAYOUT
                continue
            cells[benefit] = RecapCell(payout.amount, payout.status)
            sums[benefit] += payout.amount
            key = (benefit, payout.status)
            by_status[key] = by_status.get(key, ZERO) + payout.amount
            count_by_status[key] = count_by_status.get(key, 0) + 1
        first = next(iter(found.values()))
        employee = first.employee
        rows.append(
            RecapRow(
                number=number,
                employee=employee,
                name=employee.display_name,
                nip=format_nip(employee.nip),
                unit=employee.unit.name if employee.unit_id else "",
                tmt=min(payout.tmt for payout in found.values()),
                tht=cells[BenefitType.THT],
                tali_asih=cells[BenefitType.TALI_ASIH],
            )
        )
    totals = RecapTotals(
        tht=sums[BenefitType.THT],
        tali_asih=sums[BenefitType.TALI_ASIH],
        by_status=by_status,
        count_by_status=count_by_status,
    )
    return PayoutRecap(rows=rows, totals=totals)
