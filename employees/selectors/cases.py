"""Reads of the retirement records: the card on the employee's page, the document checklist and the
work list (akan purna tugas).
"""

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import BooleanField, Case, Q, QuerySet, When
from django.utils import timezone

from employees import cases, checklist
from employees.choices import CaseStatus, RetirementKind
from employees.counts import CachedCountPaginator
from employees.models import CaseDocument, CaseStatusChange, DocumentType, Employee, RetirementCase
from employees.retirement import add_months
from employees.scope import Scope
from employees.selectors.checklist import (
    case_person_facts,
    checklist_items,
    item_spec,
    missing_by_case,
    uncased_missing,
)
from employees.selectors.family import Family
from employees.selectors.kinds import LeadTimes, proposal_lead_times
from employees.selectors.register import ACTIVE_STATUSES, employee_case, unit_and_subunit_ids

# The work list's filter value for "no retirement record opened yet".
CASE_NONE = "belum_ada"
# A record still in progress (not done, not cancelled), in the order of the index employee_worklist's
# condition (employees/models.py): PostgreSQL matches the condition only when the lists are the same.
CASE_OPEN_STATUSES = [
    CaseStatus.PREPARING,
    CaseStatus.PROPOSED,
    CaseStatus.INCOMPLETE,
    CaseStatus.NOT_ELIGIBLE,
    CaseStatus.PERTEK,
    CaseStatus.SK_ISSUED,
]
# A record that decides the employee's TMT: any but a cancelled one.
CASE_LIVE_STATUSES = [*CASE_OPEN_STATUSES, CaseStatus.DONE]


def retirement_case_get(*, pk: int, scope: Scope) -> RetirementCase:
    """A retirement record with its employee, unit, BUP rule and kind rule, in one query. Raises
    DoesNotExist, also for the record of an employee outside `scope`."""
    records = RetirementCase.objects.select_related("employee__unit", "employee__retirement_rule", "kind_rule")
    return scope.filter(records, "employee__unit").get(pk=pk)


def case_document_get(*, pk: int, scope: Scope) -> CaseDocument:
    """A document with its record and document type, in one query. Raises CaseDocument.DoesNotExist,
    also for a document of an employee outside `scope`."""
    documents = CaseDocument.objects.select_related("case", "document_type")
    return scope.filter(documents, "case__employee__unit").get(pk=pk)


def document_type_list() -> list[DocumentType]:
    """The active checklist items, in checklist order (one query)."""
    return list(DocumentType.objects.filter(is_active=True).order_by("order", "name"))


@dataclass(frozen=True)
class ChecklistRow:
    """One item of the person's checklist. `required` is False for an item only offered, and for a
    document uploaded under an item the person's checklist no longer asks for (kept, shown, not counted)."""

    document_type: DocumentType
    document: CaseDocument | None
    required: bool = True
    applies: bool = True

    @property
    def missing(self) -> bool:
        return self.document is None and self.required


@dataclass(frozen=True)
class NextStep:
    """A status the record may move to from where it is, and whether the move needs a reason."""

    status: str
    needs_reason: bool

    from_status: str = ""

    @property
    def label(self) -> str:
        return cases.action_label(self.from_status, self.status)

    @property
    def status_label(self) -> str:
        return cases.label(self.status)


@dataclass(frozen=True)
class RetirementCaseCard:
    """Everything the retirement card (templates/employees/_retirement_case_card.html) shows."""

    employee: Employee
    case: RetirementCase | None
    deadline: cases.Deadline | None  # the proposal deadline, or "no record yet" (has_case False)
    steps: list[cases.Step]
    checklist: list[ChecklistRow]
    history: list[CaseStatusChange]
    next_steps: list[NextStep]

    @property
    def is_live(self) -> bool:
        return self.case is not None and self.case.status != CaseStatus.CANCELLED

    @property
    def pensioner_death_possible(self) -> bool:
        """Whether the employee's death may be recorded as a pensiun terusan (employees/cases.py)."""
        return cases.pensioner_death_possible(
            employee_status=self.employee.status,
            case_kind=self.case.kind if self.case else None,
            case_status=self.case.status if self.case else None,
        )

    @property
    def missing_required(self) -> list[DocumentType]:
        return [row.document_type for row in self.checklist if row.missing]

    @property
    def required_count(self) -> int:
        return sum(1 for row in self.checklist if row.required)

    @property
    def proposal_count(self) -> int:
        """How many times the record went to BKN (the first proposal and each resubmission)."""
        return sum(1 for change in self.history if change.to_status == CaseStatus.PROPOSED)

    @property
    def bkn_answer(self) -> CaseStatusChange | None:
        """BKN's last BTL or TMS answer while the record stands on it (its reason is the note)."""
        if self.case is None or self.case.status not in cases.BKN_ANSWERS:
            return None
        return next((change for change in reversed(self.history) if change.to_status == self.case.status), None)

    @property
    def asked_count(self) -> int:
        """The items the person's checklist asks for (uploads under items no longer asked left out)."""
        return sum(1 for row in self.checklist if row.applies)

    @property
    def uploaded_count(self) -> int:
        return sum(1 for row in self.checklist if row.applies and row.document is not None)


def retirement_case_card(
    *, employee: Employee, today: dt.date | None = None, family: Family | None = None
) -> RetirementCaseCard:
    """The employee's retirement record as the card shows it: steps, deadline, checklist, history, moves.

    Five queries with a record (the checklist's document types, the record's documents with their
    uploaders, the status changes with their actors, the spouses and the children that the checklist's
    conditions read; not these two when the page passes the `family` it read), none without one, plus
    one to find the record unless the employee came from employee_get or the record from
    retirement_case_get; without a record, one for the BUP rules' lead time (the deadline of an employee
    in service). The checklist is the person's
    (employees/checklist.py): the items their kind and family ask for, then documents uploaded under
    items no longer asked for.
    """
    today = today or timezone.localdate()
    case = employee_case(employee)
    deadline = None
    if case is not None and case.status != CaseStatus.CANCELLED:
        deadline = cases.case_deadline(status=case.status, proposal_due=case.proposal_due, today=today)
    elif employee.tmt_pensiun is not None and employee.status in ACTIVE_STATUSES:
        # No live record: the deadline a BUP record would get (services.kinds.kind_outcome_set).
        months_before = proposal_lead_times().months_on(employee.tmt_pensiun)
        deadline = cases.uncased_deadline(tmt_pensiun=employee.tmt_pensiun, months_before=months_before, today=today)
    if case is None:
        return RetirementCaseCard(employee, None, deadline, [], [], [], [])

    documents = {
        document.document_type_id: document
        for document in CaseDocument.objects.filter(case=case).select_related("uploaded_by")
    }
    facts = case_person_facts(
        case=case,
        employee=employee,
        family=(family.spouses, [row.child for row in family.children]) if family is not None else None,
    )
    rows, others = [], []
    for document_type in document_type_list():
        spec = item_spec(document_type)
        if checklist.item_applies(spec, facts):
            rows.append(ChecklistRow(document_type, documents.get(document_type.pk), spec.is_required))
        elif document_type.pk in documents:
            others.append(ChecklistRow(document_type, documents[document_type.pk], required=False, applies=False))
    history = list(case.status_changes.select_related("actor").order_by("at", "pk"))
    next_steps = [
        NextStep(status, cases.needs_reason(case.status, status), case.status)
        for status in cases.allowed_transitions(case.status)
    ]
    checklist_rows = rows + others
    return RetirementCaseCard(employee, case, deadline, cases.steps(case.status), checklist_rows, history, next_steps)


# The employee fields the work list shows or reads (a narrower row reads faster).
WORKLIST_FIELDS = [
    "nip",
    "front_title",
    "name",
    "back_title",
    "jabatan",
    "status",
    "tmt_pensiun",
    "case_status",
    "case_due",
    "tmt_effective",
    "unit__name",
]


def worklist_candidates() -> Q:
    """Who can be on the work list at all: in service, or with a record still in progress (e.g. a death).

    The condition of the index employee_worklist (employees/models.py), which PostgreSQL uses only when a
    query states it in the same words: the selector filters on this Q.
    """
    return Q(status__in=ACTIVE_STATUSES) | Q(case_status__in=CASE_OPEN_STATUSES)


def retirement_worklist(
    *,
    scope: Scope,
    months: int,
    today: dt.date | None = None,
    unit_id: int | None = None,
    case_status: str = "",
    only_overdue: bool = False,
    lead: LeadTimes | None = None,
) -> QuerySet[Employee]:
    """Akan purna tugas: who retires within the next `months` months, with the state of their record.

    The TMT is the record's (an APS or a death sets its own) or, with no live record, the computed TMT
    pensiun: the employee's `tmt_effective`. Listed: employees in service (or with an open record, e.g. a
    death) whose TMT falls after today and before the first day of the month after the window, as on the
    dashboard; and every open record whose TMT has already passed: that is unfinished work. Sorted by TMT.

    Read from the employee's copy of the record alone (case_status, case_due, tmt_effective, kept in step
    by the services), through the index employee_worklist: at 100,000 employees PostgreSQL counts from
    the index without reading the table and reads a page in the index's order, where joining every row
    to its record took 270 ms. retirement_worklist_rows adds the page's records and documents. Each row
    is annotated with `overdue` (cases.case_deadline / cases.uncased_deadline, as a condition). Filters:
    a unit with its sub-units, a record status (CASE_NONE for no record at all), only overdue rows.
    Only employees in `scope` (the unit is in the index's INCLUDE: still read from the index alone).

    A record's deadline is its own (case_due, from its kind's rule); with no live record, the deadline a
    BUP record would get: `lead` (proposal_lead_times, one query when not given) for each TMT, compared
    span by span of TMTs sharing a lead time (usually one span).
    """
    today = today or timezone.localdate()
    lead = lead or proposal_lead_times()
    until = add_months(today.replace(day=1), months + 1)
    open_case = Q(case_status__in=CASE_OPEN_STATUSES)
    # Late while being prepared past its deadline; with no live record (the TMT is then the TMT pensiun),
    # late once past TMT - the lead time in force on that TMT.
    overdue = Q(case_status=CaseStatus.PREPARING, case_due__lt=today) | (
        ~Q(case_status__in=CASE_LIVE_STATUSES) & _uncased_overdue(lead, today)
    )
    qs = (
        Employee.objects.select_related("unit")
        .only(*WORKLIST_FIELDS)
        .filter(worklist_candidates())
        .filter(scope.q())
        .filter(Q(tmt_effective__lt=until) & (Q(tmt_effective__gt=today) | open_case))
        .annotate(overdue=Case(When(overdue, then=True), default=False, output_field=BooleanField()))
    )
    if unit_id:
        qs = qs.filter(unit_id__in=unit_and_subunit_ids(unit_id))
    if case_status == CASE_NONE:
        # Without a record the TMT must be after today (the open-record branch above cannot hold): said
        # again so that PostgreSQL starts the index employee_worklist_uncased at today.
        qs = qs.filter(case_status="", tmt_effective__gt=today)
    elif case_status:
        qs = qs.filter(case_status=case_status)
    if only_overdue:
        qs = qs.filter(overdue)
    return qs.order_by("tmt_effective", "name", "pk")


def _uncased_overdue(lead: LeadTimes, today: dt.date) -> Q:
    """TMTs past their proposal deadline (cases.uncased_overdue_before), each under its own lead time."""
    conditions = []
    for span in lead.spans():
        late = Q(tmt_effective__lt=cases.uncased_overdue_before(today=today, months_before=span.months))
        if span.start is not None:
            late &= Q(tmt_effective__gte=span.start)
        if span.end is not None:
            late &= Q(tmt_effective__lt=span.end)
        conditions.append(late)
    return reduce(operator.or_, conditions)


class KeysFirstPaginator(CachedCountPaginator):
    """A Paginator whose page walks its offset over the primary keys alone, then reads that page's rows.

    `qs[9950:10000]` makes PostgreSQL read (or sort) the 9,950 rows before the page; selecting the page's
    keys first lets it skip them inside the work list's index (employee_worklist has every column the
    filters and the order need, and the id), so page 200 costs about what page 1 does. One query: the
    keys are a sub-select.

    The total is cached until the register changes (employees/counts.py; the record's copy on the
    employee's row is written through Employee.objects, which replaces the register's token): counted
    on every request it grew with the register, 130 ms of a 24-month list at 1,000,000 employees, where
    the page itself reads 50 keys.
    """

    max_pages = None  # every page, over the exact total: how many must be proposed is wanted exactly

    def rows(self, bottom: int, top: int) -> QuerySet:
        keys = self.object_list.values("pk")[bottom:top]
        return self.object_list.filter(pk__in=keys)


@dataclass(frozen=True)
class WorklistRow:
    employee: Employee  # from retirement_worklist
    deadline: cases.Deadline | None
    missing: list[checklist.ItemSpec]  # required documents of the person not uploaded yet, in checklist order
    case_pk: int | None = None  # the employee's record, if any
    case_kind: str = ""

    @property
    def missing_count(self) -> int:
        return len(self.missing)

    @property
    def case_status_label(self) -> str:
        return str(CaseStatus(self.employee.case_status).label) if self.employee.case_status else ""

    @property
    def case_kind_label(self) -> str:
        return str(RetirementKind(self.case_kind).label) if self.case_kind else ""


def retirement_worklist_rows(
    employees: list[Employee], *, today: dt.date | None = None, lead: LeadTimes | None = None
) -> list[WorklistRow]:
    """One page of the work list with each row's record, deadline and missing documents.

    Five queries whatever the page's length: the checklist, then the records of the page's employees with
    their person's checklist (employees/selectors/checklist.py: the records, spouses, children and
    uploads); one more for the lead time unless `lead` is given (the work list reads it once for both).
    A row with no record shows the items any BUP record will ask for, and the deadline it would get (the
    page itself reads the employees alone, see retirement_worklist).
    """
    today = today or timezone.localdate()
    lead = lead or proposal_lead_times()
    items = checklist_items()
    with_record = [employee.pk for employee in employees if employee.case_status]
    records = {record.employee_id: record for record in missing_by_case(items, employee_ids=with_record).values()}
    uncased = uncased_missing(items)
    rows = []
    for employee in employees:
        if employee.case_status in CASE_LIVE_STATUSES:
            deadline = cases.case_deadline(status=employee.case_status, proposal_due=employee.case_due, today=today)
        elif employee.tmt_pensiun is not None:
            deadline = cases.uncased_deadline(
                tmt_pensiun=employee.tmt_pensiun, months_before=lead.months_on(employee.tmt_pensiun), today=today
            )
        else:
            deadline = None
        record = records.get(employee.pk)
        if record is None:
            rows.append(WorklistRow(employee, deadline, uncased))
        else:
            rows.append(WorklistRow(employee, deadline, record.missing, record.case_id, record.kind))
    return rows
