"""Reads of payouts, THT claims and rates, each narrowed to the reader's staff scope (employees/scope.py)
and with a fixed number of queries whatever the data size."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from benefits import heirs
from benefits.models import (
    CLOSED_STATUSES,
    BenefitType,
    PaymentMethod,
    Payout,
    PayoutBatch,
    PayoutStatus,
    PayoutStatusChange,
    Receipt,
    ReceiptStatus,
    TaliAsihRate,
    ThtClaim,
)
from ceremonies.models import Event, Participant
from employees.cases import is_deceased
from employees.choices import EmployeeStatus
from employees.counts import counts_cached, scope_key
from employees.models import Child, Employee, RetirementCase, Spouse
from employees.nip import format_nip
from employees.scope import Scope
from employees.selectors import employee_search

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
    search: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Payout]:
    """Payouts in `scope`, newest first, with the employee, their unit, the event and the people who
    prepared, verified, approved and paid them joined (one query for a page). `year` is the TMT's year;
    `search` a NIP prefix or words of the name; `overdue` keeps the approved payouts still unpaid
    OVERDUE_DAYS after the TMT (payout_summary's overdue count)."""
    payouts = Payout.objects.select_related(
        "employee__unit",
        "event",
        "rate",
        "prepared_by",
        "verified_by",
        "approved_by",
        "paid_by",
        "payee_spouse",
        "payee_child",
    )
    if status:
        payouts = payouts.filter(status=status)
    if benefit_type:
        payouts = payouts.filter(benefit_type=benefit_type)
    if year:
        payouts = payouts.filter(tmt__year=year)
    if event is not None:
        payouts = payouts.filter(event=event)
    if search:
        payouts = payout_search(payouts, search)
    if overdue:
        overdue_before = (today or timezone.localdate()) - dt.timedelta(days=OVERDUE_DAYS)
        payouts = payouts.filter(status=PayoutStatus.APPROVED, tmt__lt=overdue_before)
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
    not_prepared_query = (
        scope.filter(Employee.objects.all(), "unit")
        .filter(tmt_effective__gte=start, tmt_effective__lte=end)
        .exclude(status=EmployeeStatus.PINDAH)
        .filter(~Exists(prepared))
    )
    # Cached until an employee or a payout changes (employees/counts.py): a scan of the year's retirees.
    not_prepared = (
        counts_cached("tali_asih_not_prepared", (scope_key(scope), start, end), not_prepared_query.count)
        if start <= end
        else 0
    )
    return PayoutSummary(year=year, by_benefit=by_benefit, tali_asih_not_prepared=not_prepared)


def payout_search(payouts: QuerySet[Payout], text: str) -> QuerySet[Payout]:
    """Narrow payouts to a search typed by a person: a NIP prefix or words of the employee's name (the
    register's own rules, employees.selectors.employee_search, through a subquery)."""
    if not " ".join((text or "").split()):
        return payouts
    return payouts.filter(employee__in=employee_search(Employee.objects.all(), text).values("pk"))


def payout_tmt_years(*, scope: Scope) -> list[int]:
    """The TMT years that have payouts in `scope`, newest first (the list's year filter; one query)."""
    years = scope.filter(Payout.objects.all(), "employee__unit").dates("tmt", "year", order="DESC")
    return [day.year for day in years]


def payout_candidates(
    *,
    scope: Scope,
    period_from: dt.date | None = None,
    period_until: dt.date | None = None,
    event: Event | None = None,
) -> QuerySet[Employee]:
    """The retirees in `scope` a preparation would cover, by name: those whose TMT (tmt_effective) falls
    from the month of `period_from` to the month of `period_until`, or the participants of `event`.
    Employees who moved away (pindah) are left out."""
    employees = scope.filter(Employee.objects.select_related("unit"), "unit").exclude(status=EmployeeStatus.PINDAH)
    if event is not None:
        employees = employees.filter(event_participations__event=event)
    if period_from is not None:
        employees = employees.filter(tmt_effective__gte=period_from.replace(day=1))
    if period_until is not None:
        # The first day of the next month: the whole month of `period_until` is included.
        next_month = (period_until.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        employees = employees.filter(tmt_effective__lt=next_month)
    if event is None and period_from is None and period_until is None:
        return employees.none()
    return employees.order_by("name", "pk")


def payout_candidate_counts(*, employees: QuerySet[Employee], benefit_type: str) -> tuple[int, int]:
    """How many of `employees` there are, and how many already have a live or paid payout of the benefit
    (those are skipped when preparing). One query."""
    having = Payout.objects.filter(employee=OuterRef("pk"), benefit_type=benefit_type).exclude(
        status__in=[PayoutStatus.CANCELLED, PayoutStatus.REVERSED]
    )
    counts = employees.order_by().aggregate(total=Count("pk"), having=Count("pk", filter=Q(Exists(having))))
    return counts["total"], counts["having"]


def payout_batch_get(*, pk: int, user) -> PayoutBatch:
    """A preparation batch, for the person who requested it only. Raises PayoutBatch.DoesNotExist."""
    return PayoutBatch.objects.select_related("event").get(pk=pk, requested_by=user)


def tht_retiree_list(*, scope: Scope, search: str = "", year: int | None = None) -> QuerySet[Employee]:
    """Retirees in `scope` (a TMT known), by TMT then name, with their THT claim and their live or paid THT
    payout's status and amount (one query for a page)."""
    live = Payout.objects.filter(employee=OuterRef("pk"), benefit_type=BenefitType.THT).exclude(
        status__in=[PayoutStatus.CANCELLED, PayoutStatus.REVERSED]
    )
    employees = (
        scope.filter(Employee.objects.select_related("unit", "tht_claim"), "unit")
        .filter(tmt_effective__isnull=False)
        .exclude(status=EmployeeStatus.PINDAH)
        .annotate(
            tht_payout_status=Subquery(live.values("status")[:1]),
            tht_payout_pk=Subquery(live.values("pk")[:1]),
        )
    )
    if year:
        employees = employees.filter(tmt_effective__year=year)
    return employee_search(employees, search).order_by("-tmt_effective", "name", "pk")


@dataclass(frozen=True)
class HandoverRow:
    """One participant of a ceremony with their THT and tali asih payouts (live, or paid), if any."""

    participant: Participant
    tht: Payout | None
    tali_asih: Payout | None

    @property
    def payouts(self) -> list[Payout]:
        return [payout for payout in (self.tht, self.tali_asih) if payout is not None]


@dataclass(frozen=True)
class EventHandover:
    """A ceremony's hand-over list and its totals: handed over (paid in cash at this event) and
    outstanding (prepared, not yet paid)."""

    rows: list[HandoverRow]
    handed_count: int
    handed_amount: Decimal
    outstanding_count: int
    outstanding_amount: Decimal


@dataclass(frozen=True, slots=True)
class HandoverPerson:
    """What the hand-over list's search and pages need of a participant: read for all of them as plain
    values, where the full rows are read for one page only."""

    pk: int
    name: str
    nip: str


def handover_people(*, event: Event, scope: Scope) -> list[HandoverPerson]:
    """The participants of `event` that `scope` may see, by name, as plain values. One query: 600 full
    rows (participant, employee, unit) took most of the list's time when one page of them is shown."""
    rows = (
        scope.filter(Participant.objects.filter(event=event), "employee__unit")
        .order_by("employee__name", "pk")
        .values_list("pk", "employee__name", "employee__nip")
    )
    return [HandoverPerson(*row) for row in rows]


def event_handover(*, event: Event, scope: Scope, shown: list[HandoverPerson]) -> EventHandover:
    """The hand-over rows of the participants `shown` (a page of handover_people) and the totals over
    every participant `scope` may see: the totals are the event's, whichever page or search is on screen.
    Three queries whatever the participants."""
    participants = Participant.objects.select_related("employee__unit", "checked_in_by").in_bulk(
        [person.pk for person in shown]
    )
    seen = scope.filter(Participant.objects.filter(event=event), "employee__unit").values("employee_id")
    paid_here = Q(status=PayoutStatus.PAID, event=event)
    not_paid = ~Q(status=PayoutStatus.PAID)
    totals = _live_or_paid(Payout.objects.filter(employee_id__in=seen)).aggregate(
        handed_count=Count("pk", filter=paid_here),
        handed_amount=Coalesce(Sum("amount", filter=paid_here), ZERO),
        outstanding_count=Count("pk", filter=not_paid),
        outstanding_amount=Coalesce(Sum("amount", filter=not_paid), ZERO),
    )
    return EventHandover(rows=handover_rows(participants=[participants[p.pk] for p in shown]), **totals)


def _live_or_paid(payouts: QuerySet[Payout]) -> QuerySet[Payout]:
    return payouts.exclude(status__in=[PayoutStatus.CANCELLED, PayoutStatus.REVERSED])


def handover_rows(*, participants: list[Participant]) -> list[HandoverRow]:
    """For each participant, their THT and tali asih payouts that are live or paid. One query."""
    payouts = _live_or_paid(
        Payout.objects.filter(employee_id__in=[p.employee_id for p in participants])
    ).select_related("employee", "payee_spouse", "payee_child")
    by_employee: dict[int, dict[str, Payout]] = {}
    for payout in payouts:
        by_employee.setdefault(payout.employee_id, {})[payout.benefit_type] = payout
    rows = []
    for participant in participants:
        mine = by_employee.get(participant.employee_id, {})
        rows.append(HandoverRow(participant, mine.get(BenefitType.THT), mine.get(BenefitType.TALI_ASIH)))
    return rows


def handover_row_get(*, event: Event, employee_id: int, scope: Scope) -> HandoverRow:
    """One participant's row of the hand-over list (after a button in it was pressed). Two queries.
    Raises Participant.DoesNotExist, also for one outside `scope`."""
    participants = Participant.objects.filter(event=event, employee_id=employee_id).select_related("employee__unit")
    participant = scope.filter(participants, "employee__unit").get()
    return handover_rows(participants=[participant])[0]


def payouts_handed_over(*, event: Event, employee_ids: list[int]) -> QuerySet[Payout]:
    """The payouts paid in cash at `event` to these employees, by name then benefit."""
    return (
        Payout.objects.filter(
            event=event, employee_id__in=employee_ids, status=PayoutStatus.PAID, method=PaymentMethod.CASH_AT_EVENT
        )
        .select_related("employee", "payee_spouse", "payee_child")
        .order_by("employee__name", "benefit_type", "pk")
    )


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
class StatusSum:
    """The rows' amounts in one payout status: THT, tali asih and both (money approved and money paid are
    never added together: a recap that did read as what was paid)."""

    status: str
    tht: Decimal
    tali_asih: Decimal
    count: int

    @property
    def total(self) -> Decimal:
        return self.tht + self.tali_asih

    @property
    def status_label(self) -> str:
        return str(PayoutStatus(self.status).label)


@dataclass(frozen=True)
class RecapTotals:
    """Sums of the rows, always per status: per benefit and status, and per status (in the pipeline's
    order, only the statuses present)."""

    by_status: dict[tuple[str, str], Decimal]
    count_by_status: dict[tuple[str, str], int]
    per_status: tuple[StatusSum, ...]


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
    unit, TMT, each benefit's amount and status) and the totals per status summed from those same rows,
    so the printed totals always equal their rows. Cancelled and reversed payouts do not count. One query."""
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
    for number, found in enumerate(by_employee.values(), start=1):
        cells = {}
        for benefit in BenefitType.values:
            payout = found.get(benefit)
            if payout is None:
                cells[benefit] = _NO_PAYOUT
                continue
            cells[benefit] = RecapCell(payout.amount, payout.status)
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
    per_status = tuple(
        StatusSum(
            status=status,
            tht=by_status.get((BenefitType.THT, status), ZERO),
            tali_asih=by_status.get((BenefitType.TALI_ASIH, status), ZERO),
            count=sum(count_by_status.get((benefit, status), 0) for benefit in BenefitType.values),
        )
        for status in PayoutStatus.values
        if any((benefit, status) in by_status for benefit in BenefitType.values)
    )
    totals = RecapTotals(by_status=by_status, count_by_status=count_by_status, per_status=per_status)
    return PayoutRecap(rows=rows, totals=totals)


# --- Heirs as payees -------------------------------------------------------------------------------------


def employee_deceased(employee: Employee) -> bool:
    """Whether the employee counts as deceased for the heirs (benefits/heirs.py): the status, or a death
    case. At most one query (none when the retirement record is loaded)."""
    try:
        kind = employee.retirement_case.kind
    except RetirementCase.DoesNotExist:
        kind = None
    return is_deceased(employee_status=employee.status, case_kind=kind)


def heir_choices(*, employee: Employee) -> list[tuple[str, str]]:
    """The employee's living spouses and children as payee choices ("spouse:<id>", "Ibu Siti, istri").
    Two queries."""
    choices = []
    for kind, model in ((heirs.SPOUSE, Spouse), (heirs.CHILD, Child)):
        for heir in model.objects.filter(employee=employee, died_on__isnull=True):
            line = heirs.payee_line(
                name=heir.name, kind=kind, employee_gender=employee.gender, child_gender=getattr(heir, "gender", "")
            )
            choices.append((f"{kind}:{heir.pk}", line))
    return choices


def heir_get(*, employee_id: int, kind: str, pk: int) -> Spouse | Child | None:
    """A spouse or child of this employee (never another's), or None."""
    model = {heirs.SPOUSE: Spouse, heirs.CHILD: Child}.get(kind)
    if model is None:
        return None
    return model.objects.filter(employee_id=employee_id, pk=pk).first()


# --- The retirees' portal (portal/): one person's own rows, no staff scope --------------------------------


def _heir_payouts(payouts: QuerySet[Payout], heir: Spouse | Child | None) -> QuerySet[Payout]:
    """An heir sees what is paid to them, and what is paid to nobody in particular yet (not another heir's)."""
    if heir is None:
        return payouts
    mine = Q(payee_spouse=heir) if isinstance(heir, Spouse) else Q(payee_child=heir)
    return payouts.filter(mine | Q(payee_spouse__isnull=True, payee_child__isnull=True))


def portal_payouts(*, employee: Employee, heir: Spouse | Child | None = None) -> list[Payout]:
    """The payouts of `employee` that count (not cancelled nor reversed), THT first, with their receipt,
    the ceremony they are handed over at and the heir they are paid to (one query). Read by an `heir`
    of a deceased employee: only theirs and those to no heir."""
    payouts = _heir_payouts(Payout.objects.filter(employee=employee).exclude(status__in=CLOSED_STATUSES), heir)
    return list(
        payouts.select_related("receipt", "event", "employee", "payee_spouse", "payee_child").order_by(
            "benefit_type", "-prepared_at"
        )
    )


def portal_tht_claim(*, employee: Employee) -> ThtClaim | None:
    """The THT claim `employee` filed with PT Taspen as recorded by the agency, or None."""
    return ThtClaim.objects.filter(employee=employee).first()


def portal_receipt_get(*, pk: int, employee: Employee, heir: Spouse | Child | None = None) -> Receipt:
    """A ready, not void receipt of a payout of `employee` that counts (for an `heir`: paid to them or to no heir).
    Raises Receipt.DoesNotExist for anyone else's."""
    # A void receipt (its hand-over undone) is the agency's record, not the retiree's proof.
    receipts = Receipt.objects.filter(payout__employee=employee, status=ReceiptStatus.DONE, voided_at__isnull=True)
    receipts = receipts.exclude(payout__status__in=CLOSED_STATUSES)
    if heir is not None:
        mine = Q(payout__payee_spouse=heir) if isinstance(heir, Spouse) else Q(payout__payee_child=heir)
        receipts = receipts.filter(mine | Q(payout__payee_spouse__isnull=True, payout__payee_child__isnull=True))
    return receipts.get(pk=pk)
