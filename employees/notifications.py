"""The register's emails, planned on the outbox of purna.notifications (found at start-up like admin.py).

DESIGN.md section 5: the pension proposal should leave about 12 months before the TMT pensiun, with
the documents of the checklist. Purna reminds:

- the employee and the operators responsible: retirement approaching, PURNA_REMINDER_MONTHS (12, 6
  and 3) months before the TMT: what to prepare and which documents are still missing;
- the operators: required documents still missing PURNA_DOCUMENTS_MISSING_MONTHS (9) months before the
  TMT, while the record is being prepared (or there is none yet);
- the operators: the proposal is overdue (its deadline passed with the record still being prepared, or
  with no record at all), once per deadline;
- the head of the agency, in the weekly digest: retirements of the next three months, overdue records.

A reminder is due on its day (TMT minus n months, or the day after a deadline) and is still planned
for PURNA_REMINDER_CATCH_UP_DAYS days after it, so a day without the daily plan loses nothing, while a
register imported today does not set off a year of past reminders. The TMT is the record's when there
is a live record (an APS or a death sets its own), otherwise the computed TMT pensiun.

Reminders stop for employees who are no longer in service (died, retired early, moved away, left),
when the TMT changes (the new date gets its own reminders) and when the record is done: `still_due` is
asked by the daily plan, by a replan and again right before sending. An overdue proposal follows its
record: an open record after a death (janda/duda pension) still needs its proposal, so the operators
keep being told about it; the dead themselves receive nothing (the "employee" recipient resolver).
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from employees import cases, contact
from employees.choices import CaseStatus, EmployeeStatus
from employees.models import Employee
from employees.retirement import add_months
from employees.scope import staff_scope, staff_scopes
from employees.selectors import retirement_worklist
from employees.selectors.checklist import checklist_items, missing_by_case, uncased_missing
from employees.selectors.kinds import LeadTimes, proposal_lead_times
from purna import roles
from purna.notifications import conf, registry
from purna.notifications.builtin import staff_with_role
from purna.notifications.models import Message

MODEL = "employees.employee"
EMPLOYEE = "employee"  # recipient key prefix: "employee:<pk>"
APPROACHING = "employees.retirement_approaching"
APPROACHING_OPERATOR = "employees.retirement_approaching_operator"
DOCUMENTS_MISSING = "employees.documents_missing"
PROPOSAL_OVERDUE = "employees.proposal_overdue"

IN_SERVICE = frozenset({EmployeeStatus.AKTIF, EmployeeStatus.MPP})
# Month arithmetic clamps at month ends (31 May - 3 months = 28 February): query windows are widened
# by a few days and the exact rule is applied in Python.
CLAMP_SLACK = dt.timedelta(days=4)
DIGEST_ROWS = 25

_FIELDS = [
    "pk",
    "name",
    "front_title",
    "back_title",
    "nip",
    "email",
    "personal_email",
    "status",
    "jabatan",
    "unit_id",
    "unit__name",
    "tmt_pensiun",
    "retirement_case__pk",
    "retirement_case__status",
    "retirement_case__tmt",
    "retirement_case__proposal_due",
]


@dataclass(frozen=True)
class Facts:
    """What the reminders need to know of an employee and their retirement record."""

    pk: int
    display_name: str
    nip: str
    email: str
    status: str
    jabatan: str
    unit_id: int
    unit_name: str
    tmt: dt.date | None  # the record's TMT when the record is live, else the computed TMT pensiun
    case_pk: int | None
    case_status: str
    proposal_due: dt.date | None

    @property
    def in_service(self) -> bool:
        return self.status in IN_SERVICE

    @property
    def has_live_case(self) -> bool:
        return self.case_pk is not None and self.case_status != CaseStatus.CANCELLED

    @property
    def label(self) -> str:
        return f"{self.display_name} ({self.nip})"


def _display_name(front: str, name: str, back: str) -> str:
    full = f"{front} {name}".strip()
    return f"{full}, {back}" if back else full


def _email(row: Mapping[str, Any], *, today: dt.date) -> str:
    """The address to write to (employees/contact.py: the personal one once the person left the office)."""
    left_office = contact.has_left_office(status=row["status"], tmt_pensiun=row["tmt_pensiun"], today=today)
    return contact.contact_choose(
        left_office=left_office,
        office_email=row["email"],
        personal_email=row["personal_email"],
        office_phone="",
        personal_phone="",
        home_address="",
        unit_name="",
    ).email


def _facts(row: Mapping[str, Any]) -> Facts:
    live = row["retirement_case__pk"] is not None and row["retirement_case__status"] != CaseStatus.CANCELLED
    return Facts(
        pk=row["pk"],
        display_name=_display_name(row["front_title"], row["name"], row["back_title"]),
        nip=row["nip"],
        email=_email(row, today=timezone.localdate()),
        status=row["status"],
        jabatan=row["jabatan"],
        unit_id=row["unit_id"],
        unit_name=row["unit__name"],
        tmt=row["retirement_case__tmt"] if live else row["tmt_pensiun"],
        case_pk=row["retirement_case__pk"],
        case_status=row["retirement_case__status"] or "",
        proposal_due=row["retirement_case__proposal_due"],
    )


def employee_facts(
    *, object_ids: Collection[int] | None = None, tmt_after: dt.date | None = None, tmt_until: dt.date | None = None
) -> dict[int, Facts]:
    """Employees by id (any status), or the employees in service whose TMT is in (tmt_after, tmt_until].

    Two indexed queries for a window (by computed TMT pensiun, and by a live record's TMT, which an APS
    or a death sets earlier), one for ids; values only, so 100,000 employees cost no model instances.
    """
    rows = Employee.objects.values(*_FIELDS)
    if object_ids is not None:
        found = rows.filter(pk__in=list(object_ids))
    else:
        in_service = rows.filter(status__in=IN_SERVICE)
        found = chain(
            in_service.filter(tmt_pensiun__gt=tmt_after, tmt_pensiun__lte=tmt_until),
            in_service.filter(retirement_case__tmt__gt=tmt_after, retirement_case__tmt__lte=tmt_until).exclude(
                retirement_case__status=CaseStatus.CANCELLED
            ),
        )
    facts = {}
    for row in found:
        fact = _facts(row)
        if object_ids is None and not (fact.tmt and tmt_after < fact.tmt <= tmt_until):
            continue
        facts[fact.pk] = fact
    return facts


def _window_facts(request: registry.PlanRequest, longest_months: int) -> dict[int, Facts]:
    """The employees a plan looks at: in service, TMT after today and within `longest_months` (+ slack)."""
    until = add_months(request.today, longest_months) + CLAMP_SLACK
    if request.object_ids is None:
        return employee_facts(tmt_after=request.today, tmt_until=until)
    facts = employee_facts(object_ids=request.object_ids)
    return {pk: f for pk, f in facts.items() if f.in_service and f.tmt and request.today < f.tmt <= until}


def _missing_of(missing_of_case: dict, case_pk: int) -> list:
    record = missing_of_case.get(case_pk)
    return record.missing if record is not None else []


def missing_documents(facts: Iterable[Facts]) -> dict[int, list[str]]:
    """The names of the required documents of each employee's checklist not uploaded yet
    (employees/checklist.py: their kind and family), in checklist order; without a record, the items any
    BUP record asks for. Five queries whatever the number of employees."""
    facts = list(facts)
    items = checklist_items()
    missing_of_case = missing_by_case(items, case_ids=[f.case_pk for f in facts if f.case_pk is not None])
    uncased = [item.name for item in uncased_missing(items)]
    return {
        f.pk: uncased if f.case_pk is None else [item.name for item in _missing_of(missing_of_case, f.case_pk)]
        for f in facts
    }


def operators_responsible(unit_ids: Collection[int]) -> dict[int, list[Any]]:
    """The BKD operators who answer for the employees of each unit: the active users of the Operator
    role with an email address whose scope (employees/scope.py) covers the unit. Three queries at most."""
    operators = staff_with_role(roles.OPERATOR)
    scopes = staff_scopes(operators)
    return {unit_id: [user for user in operators if scopes[user.pk].covers(unit_id)] for unit_id in unit_ids}


def _catch_up() -> dt.timedelta:
    return dt.timedelta(days=conf.get("PURNA_REMINDER_CATCH_UP_DAYS"))


def _is_due(day: dt.date, today: dt.date) -> bool:
    """A reminder of `day` is due from that day for the catch-up period."""
    return today - _catch_up() < day <= today


def reminder_stage(tmt: dt.date, today: dt.date, stages: Sequence[int]) -> int | None:
    """The reminder stage (months before the TMT) due today, or None; the latest one if several are."""
    if tmt <= today:
        return None
    due = [months for months in stages if _is_due(add_months(tmt, -months), today)]
    return min(due) if due else None


def _occasion(f: Facts, tmt: dt.date, months: int) -> str:
    # The employee is part of the occasion: an operator gets this reminder once for each employee.
    return f"employee-{f.pk}-tmt-{tmt:%Y-%m-%d}-m{months}"


def _employee_draft(f: Facts, *, kind: str, occasion: str, context: Mapping[str, Any]) -> registry.Draft:
    return registry.Draft(
        kind=kind,
        recipient_key=registry.recipient_key(EMPLOYEE, f.pk),
        occasion=occasion,
        to_email=f.email,
        to_name=f.display_name,
        about_model=MODEL,
        about_id=f.pk,
        about_label=f.label,
        context=context,
    )


def _operator_drafts(facts: Sequence[Facts], *, kind: str, occasion_and_context) -> Iterable[registry.Draft]:
    operators = operators_responsible({f.unit_id for f in facts})
    for f in facts:
        occasion, context = occasion_and_context(f)
        for user in operators.get(f.unit_id, []):
            yield registry.Draft(
                kind=kind,
                recipient_key=registry.recipient_key("user", user.pk),
                occasion=occasion,
                to_email=user.email,
                to_name=user.get_full_name() or user.get_username(),
                about_model=MODEL,
                about_id=f.pk,
                about_label=f.label,
                context=context,
            )


# --- Retirement approaching (12, 6, 3 months) -------------------------------------------------------------


def _stages() -> list[int]:
    return sorted({int(months) for months in conf.get("PURNA_REMINDER_MONTHS")}, reverse=True)


def _approaching(request: registry.PlanRequest) -> list[tuple[Facts, int]]:
    stages = _stages()
    if not stages:
        return []
    due = []
    for f in _window_facts(request, stages[0]).values():
        if f.case_status == CaseStatus.DONE:
            continue
        stage = reminder_stage(f.tmt, request.today, stages)
        if stage is not None:
            due.append((f, stage))
    return due


def _stage_context(f: Facts, months: int) -> dict[str, Any]:
    return {"tmt": f.tmt.isoformat(), "months": months}


def approaching_plan(request: registry.PlanRequest) -> Iterable[registry.Draft]:
    """Employees whose TMT is 12, 6 or 3 months away (PURNA_REMINDER_MONTHS): one email to each."""
    for f, months in _approaching(request):
        yield _employee_draft(
            f, kind=APPROACHING, occasion=_occasion(f, f.tmt, months), context=_stage_context(f, months)
        )


def approaching_operator_plan(request: registry.PlanRequest) -> Iterable[registry.Draft]:
    """The same moments, told to the operators responsible for each employee."""
    approaching = _approaching(request)
    due = {f.pk: months for f, months in approaching}
    return _operator_drafts(
        [f for f, _months in approaching],
        kind=APPROACHING_OPERATOR,
        occasion_and_context=lambda f: (_occasion(f, f.tmt, due[f.pk]), _stage_context(f, due[f.pk])),
    )


def _tmt_still(f: Facts | None, context: Mapping[str, Any], today: dt.date) -> str:
    """Why a reminder about a TMT is no longer due, or "" (the employee left, the TMT moved or passed)."""
    if f is None:
        return _("The employee is no longer in the register.")
    if not f.in_service:
        return _("The employee is no longer in service (%(status)s).") % {"status": EmployeeStatus(f.status).label}
    if f.tmt is None or f.tmt.isoformat() != context.get("tmt"):
        return _("The TMT pensiun has changed; reminders follow the new date.")
    if f.tmt <= today:
        return _("The TMT pensiun has passed.")
    return ""


def approaching_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    facts = employee_facts(object_ids={m.object_id for m in messages if m.object_id})
    today = timezone.localdate()
    reasons = {}
    for message in messages:
        f = facts.get(message.object_id)
        reason = _tmt_still(f, message.context, today)
        if not reason and f.case_status == CaseStatus.DONE:
            reason = _("The retirement record is done.")
        if reason:
            reasons[message.pk] = reason
    return reasons


def _site_url(path: str) -> str:
    base = settings.PURNA_SITE_URL.rstrip("/")
    return f"{base}{path}" if base else ""


def employee_context(messages: Sequence[Message]) -> Mapping[int, Mapping[str, Any]]:
    """What the employees' templates show, read when sending: the person, the TMT, the documents
    still missing, the record's state and deadline. Three queries for the whole batch."""
    facts = employee_facts(object_ids={m.object_id for m in messages if m.object_id})
    missing = missing_documents(facts.values())
    today = timezone.localdate()
    lead = proposal_lead_times()  # the deadline of someone with no record: as on the work list
    contexts = {}
    for message in messages:
        f = facts[message.object_id]
        if f.has_live_case:
            deadline = cases.case_deadline(status=f.case_status, proposal_due=f.proposal_due, today=today)
        else:
            deadline = cases.uncased_deadline(tmt_pensiun=f.tmt, months_before=lead.months_on(f.tmt), today=today)
        contexts[message.pk] = {
            "employee": f,
            "tmt": f.tmt,
            "months": message.context.get("months"),
            "missing_documents": missing.get(f.pk, []),
            "has_case": f.has_live_case,
            "case_status": CaseStatus(f.case_status).label if f.has_live_case else "",
            "proposal_sent": f.has_live_case and f.case_status != CaseStatus.PREPARING,
            "deadline": deadline,
            "employee_url": _site_url(reverse("employees:detail", kwargs={"pk": f.pk})),
        }
    return contexts


# --- Documents missing (9 months) --------------------------------------------------------------------------


def documents_missing_plan(request: registry.PlanRequest) -> Iterable[registry.Draft]:
    """Operators: required documents still missing 9 months before the TMT (PURNA_DOCUMENTS_MISSING_MONTHS),
    for records still being prepared or not opened yet."""
    months = conf.get("PURNA_DOCUMENTS_MISSING_MONTHS")
    candidates = [
        f
        for f in _window_facts(request, months).values()
        if (not f.has_live_case or f.case_status == CaseStatus.PREPARING)
        and reminder_stage(f.tmt, request.today, [months]) is not None
    ]
    missing = missing_documents(candidates)
    due = [f for f in candidates if missing[f.pk]]
    return _operator_drafts(
        due,
        kind=DOCUMENTS_MISSING,
        occasion_and_context=lambda f: (_occasion(f, f.tmt, months), _stage_context(f, months)),
    )


def documents_missing_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    facts = employee_facts(object_ids={m.object_id for m in messages if m.object_id})
    missing = missing_documents(facts.values())
    today = timezone.localdate()
    reasons = {}
    for message in messages:
        f = facts.get(message.object_id)
        reason = _tmt_still(f, message.context, today)
        if not reason and f.has_live_case and f.case_status != CaseStatus.PREPARING:
            reason = _("The proposal has already left with its documents.")
        if not reason and not missing.get(f.pk):
            reason = _("Every required document has been uploaded.")
        if reason:
            reasons[message.pk] = reason
    return reasons


# --- Proposal overdue -------------------------------------------------------------------------------------


def _overdue_due(f: Facts, today: dt.date, lead: LeadTimes) -> dt.date | None:
    """The proposal deadline that passed within the catch-up period, or None."""
    if f.has_live_case:
        if f.case_status != CaseStatus.PREPARING or f.proposal_due is None:
            return None
        due = f.proposal_due
    else:
        if not f.in_service or f.tmt is None or f.tmt <= today:
            return None
        due = add_months(f.tmt, -lead.months_on(f.tmt))
    return due if _is_due(due + dt.timedelta(days=1), today) else None


def proposal_overdue_plan(request: registry.PlanRequest) -> Iterable[registry.Draft]:
    """Operators: the proposal deadline has passed (the day after it), once per deadline."""
    today = request.today
    lead = proposal_lead_times()  # the deadline of someone with no record: as on the work list
    if request.object_ids is not None:
        facts = employee_facts(object_ids=request.object_ids).values()
    else:
        # Records still being prepared whose deadline just passed (whatever the employee's status: a
        # record opened after a death still needs its proposal), and employees in service with no record.
        since = today - _catch_up() - dt.timedelta(days=1)
        with_case = Employee.objects.values(*_FIELDS).filter(
            retirement_case__status=CaseStatus.PREPARING,
            retirement_case__proposal_due__gte=since,
            retirement_case__proposal_due__lt=today,
        )
        facts = chain(
            (_facts(row) for row in with_case),
            _window_facts(request, max(span.months for span in lead.spans())).values(),
        )
    due: dict[int, tuple[Facts, dt.date]] = {}
    for f in facts:
        deadline = _overdue_due(f, today, lead)
        if deadline is not None:
            due[f.pk] = (f, deadline)
    return _operator_drafts(
        [f for f, _deadline in due.values()],
        kind=PROPOSAL_OVERDUE,
        occasion_and_context=lambda f: (
            f"employee-{f.pk}-due-{due[f.pk][1]:%Y-%m-%d}",
            {"due": due[f.pk][1].isoformat(), "tmt": f.tmt.isoformat() if f.tmt else None},
        ),
    )


def proposal_overdue_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    facts = employee_facts(object_ids={m.object_id for m in messages if m.object_id})
    today = timezone.localdate()
    lead = proposal_lead_times()
    reasons = {}
    for message in messages:
        f = facts.get(message.object_id)
        if f is None:
            reasons[message.pk] = _("The employee is no longer in the register.")
            continue
        if f.has_live_case and f.case_status != CaseStatus.PREPARING:
            reasons[message.pk] = _("The proposal has left (record: %(status)s).") % {
                "status": CaseStatus(f.case_status).label
            }
            continue
        if not f.has_live_case and not f.in_service:
            reasons[message.pk] = _("The employee is no longer in service (%(status)s).") % {
                "status": EmployeeStatus(f.status).label
            }
            continue
        due = f.proposal_due if f.has_live_case else (add_months(f.tmt, -lead.months_on(f.tmt)) if f.tmt else None)
        if due is None or due.isoformat() != message.context.get("due"):
            reasons[message.pk] = _("The proposal deadline has changed.")
        elif not today > due:
            reasons[message.pk] = _("The proposal is no longer overdue.")
    return reasons


# --- Recipients, links ------------------------------------------------------------------------------------


def employees_resolve(ids: Collection[str]) -> Mapping[str, registry.Recipient]:
    """Employees by id: their current address; the dead receive nothing."""
    pks = [int(value) for value in ids if value.isdigit()]
    found = {}
    today = timezone.localdate()
    rows = Employee.objects.filter(pk__in=pks).values(
        "pk", "email", "personal_email", "tmt_pensiun", "front_title", "name", "back_title", "status"
    )
    for row in rows:
        dead = row["status"] == EmployeeStatus.MENINGGAL
        found[str(row["pk"])] = registry.Recipient(
            email=_email(row, today=today),
            name=_display_name(row["front_title"], row["name"], row["back_title"]),
            reachable=not dead,
            reason=_("The employee has died.") if dead else "",
        )
    return found


def employees_in_scope(user: Any) -> QuerySet | None:
    """The outbox's view of messages about employees (registry.about_scope_register): None for staff
    who see every unit, else the ids of the employees of their scope."""
    scope = staff_scope(user)
    return None if scope.is_all else scope.filter(Employee.objects.all()).values("pk")


# --- Weekly digest sections -------------------------------------------------------------------------------


def digest_retirements(today: dt.date, user: Any) -> dict[str, Any]:
    """Retirements of the next three months in the reader's scope (as on their work list): how many per
    month, the first rows."""
    worklist = retirement_worklist(scope=staff_scope(user), months=3, today=today).filter(tmt_effective__gt=today)
    months: dict[dt.date, int] = {}
    for day in worklist.values_list("tmt_effective", flat=True).iterator():
        # A PPPK contract may end mid-month: counted in its month.
        months[day.replace(day=1)] = months.get(day.replace(day=1), 0) + 1
    total = sum(months.values())
    rows = list(worklist[:DIGEST_ROWS])
    return {
        "total": total,
        "per_month": sorted(months.items()),
        "rows": rows,
        "more": max(total - len(rows), 0),
        "url": _site_url(reverse("employees:retiring")),
    }


def digest_overdue(today: dt.date, user: Any) -> dict[str, Any]:
    """Proposals overdue today in the reader's scope (records still being prepared past their deadline,
    or no record yet)."""
    worklist = retirement_worklist(scope=staff_scope(user), months=24, today=today, only_overdue=True)
    total = worklist.count()
    rows = list(worklist[:DIGEST_ROWS])
    return {"total": total, "rows": rows, "more": max(total - len(rows), 0)}


# --- Registration -----------------------------------------------------------------------------------------

registry.recipient_resolver_register(EMPLOYEE, employees_resolve)
registry.about_url_register(MODEL, "employees:detail")
registry.about_scope_register(MODEL, employees_in_scope)
registry.kind_register(
    registry.Kind(
        name=APPROACHING,
        label=gettext_lazy("Retirement approaching (to the employee)"),
        template_prefix="employees/emails/retirement_approaching",
        model=MODEL,
        plan=approaching_plan,
        still_due=approaching_still_due,
        context=employee_context,
    )
)
registry.kind_register(
    registry.Kind(
        name=APPROACHING_OPERATOR,
        label=gettext_lazy("Retirement approaching (to operators)"),
        template_prefix="employees/emails/retirement_approaching_operator",
        model=MODEL,
        plan=approaching_operator_plan,
        still_due=approaching_still_due,
        context=employee_context,
    )
)
registry.kind_register(
    registry.Kind(
        name=DOCUMENTS_MISSING,
        label=gettext_lazy("Documents missing (to operators)"),
        template_prefix="employees/emails/documents_missing",
        model=MODEL,
        plan=documents_missing_plan,
        still_due=documents_missing_still_due,
        context=employee_context,
    )
)
registry.kind_register(
    registry.Kind(
        name=PROPOSAL_OVERDUE,
        label=gettext_lazy("Pension proposal overdue (to operators)"),
        template_prefix="employees/emails/proposal_overdue",
        model=MODEL,
        plan=proposal_overdue_plan,
        still_due=proposal_overdue_still_due,
        context=employee_context,
    )
)
registry.digest_section_register(
    registry.DigestSection(
        name="retirements_next_quarter",
        order=10,
        template="employees/emails/digest_retirements",
        build=digest_retirements,
    )
)
registry.digest_section_register(
    registry.DigestSection(
        name="overdue_cases", order=20, template="employees/emails/digest_overdue", build=digest_overdue
    )
)
