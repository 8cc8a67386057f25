"""Retirement records (berkas purna tugas): the proposal pipeline, APS eligibility, deadlines, documents.

Rules implemented (DESIGN.md section 5, "Retirement kinds" and "Pension proposal"):

- The pension proposal runs: documents prepared by the OPD and checked by BKPSDM -> proposed to BKN
  -> BKN's technical opinion issued (pertek: its number and date are required to record it) -> SK
  pensiun issued -> done. An SK that arrives with its pertek may be recorded straight from "proposed".
  A record can be cancelled at any step before it is done. BKN's other answers, as SIASN names them: *BTL* (berkas
  tidak lengkap: returned, the agency completes the file and proposes again, directly or through
  preparation) and *TMS* (tidak memenuhi syarat: refused; the record goes back to preparation, e.g.
  under another kind, or is cancelled). Each answer needs BKN's reason, kept in the status history (the
  BTL/TMS report reads it); so do cancelling and withdrawing a proposal. Every proposal counts: the
  number of times a record went to BKN is the number of its moves to "proposed".
- A proposal is refused while a required document of the person's checklist (employees/checklist.py)
  is missing, unless a user allowed to override gives a reason; the missing list is kept with it.
- An SK pensiun is recorded with its number, date and signer (the regional head, or the President for
  JPT utama/madya and JF ahli utama); the pertek number and date are recorded with it when known.
- A record is closed (done) only from its TMT: until then the employee is still in service.
- Whether a kind carries a pension (APS, udzur, reorganisasi, deaths) is decided in
  employees/pension_kinds.py: an APS without the age or service is still opened, as an honourable
  discharge without pension.
- A TMT pensiun is the first day of a month (the month after the BUP is reached, after a death, after
  the discharge); only a PPPK contract may end on another day.
- The proposal should leave about `months_before` months (12 in practice) before the TMT. For kinds
  decided late (APS, death, disability...) the deadline is never earlier than a month after the record
  was opened: a proposal cannot be late before anyone knew it was needed.
- Which employee status follows from a kind: a death is recorded as soon as the record is opened; at
  the end a PPPK whose contract ended has left the service (PPPK receive no pension), the dead stay
  deceased and everyone else is retired.
- A pensiun terusan (a pensioner who dies) is opened only for a retired employee, and a death in
  service only for one in service: each is told which record the other is. Its proposal continues the
  pensioner's done record (one record per employee), which is why a done record can be reopened for it.
- Documents are accepted as PDF, JPEG or PNG only, recognised by their content (magic bytes), never by
  their name; a PDF that carries JavaScript or launch actions is refused (purna/uploads.py).

Pure: no queries, no settings, no clock; the reference date and the configured numbers are parameters.
Messages are translated (gettext); dates in them are written in Indonesian.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.exceptions import CaseError
from employees.retirement import add_months
from purna.formatting import tanggal

# --- The pipeline -----------------------------------------------------------------------------------

PIPELINE: tuple[str, ...] = (
    CaseStatus.PREPARING,
    CaseStatus.PROPOSED,
    CaseStatus.PERTEK,
    CaseStatus.SK_ISSUED,
    CaseStatus.DONE,
)
FINAL: frozenset[str] = frozenset({CaseStatus.DONE, CaseStatus.CANCELLED})

# Every allowed move, in the order the buttons are offered (the usual next step first).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.PREPARING: (CaseStatus.PROPOSED, CaseStatus.CANCELLED),
    CaseStatus.PROPOSED: (
        CaseStatus.PERTEK,
        # An SK may come with its pertek at once (recorded together on the SK step).
        CaseStatus.SK_ISSUED,
        CaseStatus.INCOMPLETE,
        CaseStatus.NOT_ELIGIBLE,
        CaseStatus.PREPARING,
        CaseStatus.CANCELLED,
    ),
    CaseStatus.INCOMPLETE: (CaseStatus.PROPOSED, CaseStatus.PREPARING, CaseStatus.CANCELLED),
    CaseStatus.NOT_ELIGIBLE: (CaseStatus.PREPARING, CaseStatus.CANCELLED),
    # After BKN's technical approval the SK pensiun follows; BKN does not answer BTL or TMS any more.
    CaseStatus.PERTEK: (CaseStatus.SK_ISSUED, CaseStatus.CANCELLED),
    CaseStatus.SK_ISSUED: (CaseStatus.DONE, CaseStatus.CANCELLED),
    CaseStatus.DONE: (),
    CaseStatus.CANCELLED: (),
}

# BKN's answers other than the pertek and SK: each carries BKN's reason.
BKN_ANSWERS: frozenset[str] = frozenset({CaseStatus.INCOMPLETE, CaseStatus.NOT_ELIGIBLE})

# Moves that undo work, and BKN's answers, need a reason in the status history.
NEEDS_REASON: frozenset[tuple[str, str]] = frozenset(
    {(status, CaseStatus.CANCELLED) for status in TRANSITIONS if status not in FINAL}
    | {(CaseStatus.PROPOSED, CaseStatus.PREPARING), (CaseStatus.NOT_ELIGIBLE, CaseStatus.PREPARING)}
    | {(CaseStatus.PROPOSED, answer) for answer in BKN_ANSWERS}
)

DEATH_KINDS: frozenset[str] = frozenset({RetirementKind.DEATH, RetirementKind.KILLED})
# Every death: in service, or of a pensioner (pensiun terusan).
DECEASED_KINDS: frozenset[str] = DEATH_KINDS | {RetirementKind.PENSIONER_DEATH}
# Kinds whose TMT follows from a decision taken late; their proposal deadline is floored (see proposal_due).
LATE_DECISION_GRACE_MONTHS = 1


# What the button that makes a move says.
ACTION_LABELS = {
    CaseStatus.PROPOSED: gettext_lazy("Mark as proposed to BKN"),
    CaseStatus.PERTEK: gettext_lazy("Record BKN's pertek"),
    CaseStatus.SK_ISSUED: gettext_lazy("Record the SK pensiun"),
    CaseStatus.DONE: gettext_lazy("Close the record (done)"),
    CaseStatus.PREPARING: gettext_lazy("Back to preparation"),
    CaseStatus.INCOMPLETE: gettext_lazy("BKN: incomplete (BTL)"),
    CaseStatus.NOT_ELIGIBLE: gettext_lazy("BKN: requirements not met (TMS)"),
    CaseStatus.CANCELLED: gettext_lazy("Cancel the record"),
}

# What the button says when the record comes back from BKN and goes again.
RESUBMIT_LABEL = gettext_lazy("Propose to BKN again")


def action_label(from_status: str, to_status: str) -> str:
    """The label of the button that moves a record from `from_status` to `to_status`."""
    if to_status == CaseStatus.PROPOSED and from_status == CaseStatus.INCOMPLETE:
        return str(RESUBMIT_LABEL)
    return str(ACTION_LABELS[CaseStatus(to_status)])


def label(status: str) -> str:
    return str(CaseStatus(status).label)


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The statuses a record in `status` may move to, the usual next step first."""
    return TRANSITIONS[CaseStatus(status)]


def needs_reason(from_status: str, to_status: str) -> bool:
    return (from_status, to_status) in NEEDS_REASON


@dataclass(frozen=True)
class Step:
    """One step of the pipeline as the step indicator shows it: "done", "current" or "todo"."""

    status: str
    label: str
    state: str


def steps(status: str) -> list[Step]:
    """The five steps of the pipeline with the record's position; a cancelled record has none current,
    one BKN answered with BTL or TMS stands at "proposed"."""
    if status in BKN_ANSWERS:
        status = CaseStatus.PROPOSED
    position = PIPELINE.index(status) if status in PIPELINE else -1
    states = []
    for index, step in enumerate(PIPELINE):
        if position < 0:
            state = "todo"
        elif index < position or status == CaseStatus.DONE:
            state = "done"
        elif index == position:
            state = "current"
        else:
            state = "todo"
        states.append(Step(status=step, label=label(step), state=state))
    return states


@dataclass(frozen=True)
class StepFacts:
    """What a step records: the proposal date, the pertek and the SK pensiun, and the reason given."""

    proposed_on: dt.date | None = None
    pertek_number: str = ""
    pertek_date: dt.date | None = None
    sk_number: str = ""
    sk_date: dt.date | None = None
    sk_signer: str = ""
    note: str = ""


def transition_check(
    *,
    from_status: str,
    to_status: str,
    facts: StepFacts,
    tmt: dt.date,
    proposed_on: dt.date | None,
    today: dt.date,
    missing_documents: Sequence[str] = (),
    override: bool = False,
    may_override: bool = False,
) -> None:
    """Raise CaseError (by field) unless the record may move from `from_status` to `to_status` with `facts`.

    `proposed_on` is the record's stored proposal date (the SK cannot predate the proposal). A proposal
    with `missing_documents` (the names of the person's missing required documents) is refused, with the
    list, unless `override` is asked by a user who `may_override` and the note gives the reason.
    """
    if to_status not in CaseStatus.values:
        raise CaseError(_("Unknown status: %(status)s.") % {"status": to_status})
    allowed = allowed_transitions(from_status)
    if to_status not in allowed:
        if allowed:
            message = _('A record that is "%(current)s" cannot move to "%(target)s"; it can move to: %(allowed)s.')
        else:
            message = _('A record that is "%(current)s" is closed and cannot move to "%(target)s".')
        raise CaseError(
            message
            % {
                "current": label(from_status),
                "target": label(to_status),
                "allowed": ", ".join(f'"{label(status)}"' for status in allowed),
            }
        )

    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if needs_reason(from_status, to_status) and not facts.note.strip():
        add("note", _("Give the reason: it is kept in the record's history."))

    if to_status == CaseStatus.PROPOSED:
        if missing_documents and not override:
            add(
                "__all__",
                _("Required documents are missing: %(names)s. Upload them before proposing to BKN.")
                % {"names": "; ".join(missing_documents)},
            )
        elif missing_documents and not may_override:
            add("__all__", _("You are not allowed to propose to BKN with required documents missing."))
        elif missing_documents and not facts.note.strip():
            add("note", _("Give the reason for proposing with required documents missing: it is kept in the history."))
        if facts.proposed_on is None:
            add("proposed_on", _("Give the date the proposal was sent to BKN."))
        elif facts.proposed_on > today:
            add("proposed_on", _("The proposal date cannot be in the future."))
        elif from_status == CaseStatus.INCOMPLETE and proposed_on is not None and facts.proposed_on < proposed_on:
            add(
                "proposed_on",
                _("A new proposal cannot be dated before the previous one (%(date)s).")
                % {"date": tanggal(proposed_on)},
            )

    if to_status == CaseStatus.PERTEK:
        for field, messages in pertek_errors(facts, proposed_on=proposed_on, today=today).items():
            errors.setdefault(field, []).extend(messages)

    if to_status == CaseStatus.SK_ISSUED:
        for field, messages in decision_errors(facts, proposed_on=proposed_on, today=today).items():
            errors.setdefault(field, []).extend(messages)

    if to_status == CaseStatus.DONE and today < tmt:
        add(
            "__all__",
            _("The record can be closed from its TMT (%(tmt)s) on: until then the employee is still in service.")
            % {"tmt": tanggal(tmt)},
        )

    if errors:
        raise CaseError(errors=errors)


def pertek_errors(facts: StepFacts, *, proposed_on: dt.date | None, today: dt.date) -> dict[str, list[str]]:
    """What is wrong with BKN's pertek when a record moves to "pertek issued": its number and date are both
    required, the date is not in the future nor before the proposal. Empty when nothing is."""
    errors: dict[str, list[str]] = {}
    if not facts.pertek_number.strip():
        errors["pertek_number"] = [_("Give the number of BKN's pertek.")]
    if facts.pertek_date is None:
        errors["pertek_date"] = [_("Give the date of BKN's pertek.")]
    elif facts.pertek_date > today:
        errors["pertek_date"] = [_("The pertek date cannot be in the future.")]
    elif proposed_on is not None and facts.pertek_date < proposed_on:
        errors["pertek_date"] = [
            _("The pertek cannot be dated before the proposal (%(date)s).") % {"date": tanggal(proposed_on)}
        ]
    return errors


# Records whose SK pensiun has been issued: their SK and pertek can be corrected, with a reason.
DECIDED_STATUSES = (CaseStatus.SK_ISSUED, CaseStatus.DONE)
# Records with BKN's decisions to correct (a typing error, a pertek or SK re-issued): the pertek from its
# step on, the SK once issued.
CORRECTABLE_STATUSES = (CaseStatus.PERTEK, *DECIDED_STATUSES)
PERTEK_FIELDS = frozenset({"pertek_number", "pertek_date"})


def correction_errors(
    status: str, facts: StepFacts, *, changed: Sequence[str], proposed_on: dt.date | None, today: dt.date
) -> dict[str, list[str]]:
    """What is wrong with correcting the fields `changed` of a record in `status` to `facts` (the pertek and
    SK as they would be saved), by field; empty when nothing is. The facts are checked as when they were
    first recorded: the pertek alone on the pertek step (pertek_errors), the SK with its pertek after it."""
    if status not in CORRECTABLE_STATUSES:
        return {"__all__": [_("Only a record with BKN's pertek or its SK pensiun has one to correct.")]}
    if status == CaseStatus.PERTEK:
        if set(changed) - PERTEK_FIELDS:
            return {"__all__": [_("This record has no SK pensiun yet: it is recorded with the step to SK issued.")]}
        return pertek_errors(facts, proposed_on=proposed_on, today=today)
    return decision_errors(facts, proposed_on=proposed_on, today=today)


def decision_errors(facts: StepFacts, *, proposed_on: dt.date | None, today: dt.date) -> dict[str, list[str]]:
    """What is wrong with an SK pensiun and its pertek, by field: when the SK is recorded (the move to
    "SK issued") and when it is corrected later. Empty when nothing is."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not facts.sk_number.strip():
        add("sk_number", _("Give the number of the SK pensiun."))
    if facts.sk_date is None:
        add("sk_date", _("Give the date of the SK pensiun."))
    elif facts.sk_date > today:
        add("sk_date", _("The SK date cannot be in the future."))
    elif proposed_on is not None and facts.sk_date < proposed_on:
        add("sk_date", _("The SK cannot be dated before the proposal (%(date)s).") % {"date": tanggal(proposed_on)})
    if not facts.sk_signer.strip():
        add("sk_signer", _("Give who signed the SK pensiun."))
    if facts.pertek_number.strip() and facts.pertek_date is None:
        add("pertek_date", _("Give the date of the pertek together with its number."))
    if facts.pertek_date is not None:
        if not facts.pertek_number.strip():
            add("pertek_number", _("Give the number of the pertek together with its date."))
        if facts.pertek_date > today:
            add("pertek_date", _("The pertek date cannot be in the future."))
        elif facts.sk_date is not None and facts.pertek_date > facts.sk_date:
            add("pertek_date", _("The pertek comes before the SK: its date cannot be after the SK date."))
    return errors


# --- Opening a record --------------------------------------------------------------------------------


def in_service_check(*, kind: str, employee_status: str) -> None:
    """CaseError unless a record of `kind` can be opened for an employee in `employee_status`.

    A pensiun terusan is the death of a pensioner: only for someone retired (or already recorded as
    deceased). Every other kind is for someone in service (active or on MPP), or already recorded as
    deceased for a death in service.
    """
    in_service = employee_status in (EmployeeStatus.AKTIF, EmployeeStatus.MPP)
    status = EmployeeStatus(employee_status).label
    if kind == RetirementKind.PENSIONER_DEATH:
        if employee_status not in (EmployeeStatus.PENSIUN, EmployeeStatus.MENINGGAL):
            if in_service:
                message = _(
                    "This employee is still in service (status: %(status)s): the death of an employee in service "
                    "is a janda/duda or tewas record, not a pensiun terusan."
                )
            else:
                message = _("A pensiun terusan is only for a pensioner who died (status: %(status)s).")
            raise CaseError(errors={"kind": [message % {"status": status}]})
        return
    if not in_service and not (kind in DEATH_KINDS and employee_status == EmployeeStatus.MENINGGAL):
        if kind in DEATH_KINDS and employee_status == EmployeeStatus.PENSIUN:
            raise CaseError(
                errors={
                    "kind": [
                        _(
                            "This employee is retired: the death of a pensioner is a pensiun terusan record, not a "
                            "death in service."
                        )
                    ]
                }
            )
        raise CaseError(
            _("This employee is no longer in service (status: %(status)s): no retirement record can be opened.")
            % {"status": status}
        )


def reopen_check(*, kind: str, existing_kind: str, existing_status: str) -> None:
    """CaseError unless an employee whose record is in `existing_status` may have it reopened as `kind`.

    One record per employee: a cancelled record is reopened for any kind; a done one only for the death
    of the pensioner it retired (pensiun terusan), whose proposal continues that record.
    """
    if existing_status == CaseStatus.CANCELLED:
        return
    if (
        kind == RetirementKind.PENSIONER_DEATH
        and existing_status == CaseStatus.DONE
        and existing_kind not in DECEASED_KINDS
        and existing_kind != RetirementKind.CONTRACT_END
    ):
        return
    raise CaseError(
        _("This employee already has a retirement record (%(status)s).") % {"status": label(existing_status)}
    )


def pensioner_death_possible(*, employee_status: str, case_kind: str | None, case_status: str | None) -> bool:
    """Whether the death of this employee may be recorded as a pensiun terusan: retired, with no record,
    a cancelled one, or the done record of their own retirement (reopen_check)."""
    if employee_status != EmployeeStatus.PENSIUN:
        return False
    if case_status is None:
        return True
    try:
        reopen_check(kind=RetirementKind.PENSIONER_DEATH, existing_kind=case_kind or "", existing_status=case_status)
    except CaseError:
        return False
    return True


def open_check(
    *,
    kind: str,
    tmt: dt.date | None,
    computed_tmt: dt.date | None,
    tmt_cpns: dt.date,
    is_pppk: bool,
    employee_status: str,
) -> dt.date:
    """The TMT of a new record of `kind`, or CaseError (by field) saying why it cannot be opened.

    A BUP record takes the computed TMT pensiun (`computed_tmt`); a TMT typed for it must agree. Other
    kinds need the TMT decided for them (for a death the one that follows from the date of death,
    employees/pension_kinds.py), except a PPPK contract end, which defaults to the computed end of the
    contract. Whether the kind carries a pension is not decided here: an APS without the age or the
    service is still opened, as a discharge without pension (pension_kinds.outcome).
    """
    kind = RetirementKind(kind)
    in_service_check(kind=kind, employee_status=employee_status)
    if kind == RetirementKind.CONTRACT_END and not is_pppk:
        raise CaseError(errors={"kind": [_("Only a PPPK has a contract that ends.")]})

    if kind == RetirementKind.BUP:
        if computed_tmt is None:
            raise CaseError(
                errors={
                    "kind": [_("The TMT pensiun of this employee is unknown: check the BUP rules and the position.")]
                }
            )
        if tmt is not None and tmt != computed_tmt:
            raise CaseError(
                errors={
                    "tmt": [
                        _("A BUP retirement takes the TMT pensiun that follows from the BUP (%(tmt)s): leave it empty.")
                        % {"tmt": tanggal(computed_tmt)}
                    ]
                }
            )
        return computed_tmt

    if tmt is None and kind == RetirementKind.CONTRACT_END:
        tmt = computed_tmt
    if tmt is None:
        raise CaseError(errors={"tmt": [_("Give the TMT pensiun decided for this retirement.")]})
    if tmt <= tmt_cpns:
        raise CaseError(errors={"tmt": [_("The TMT pensiun must be after the TMT CPNS.")]})
    if kind != RetirementKind.CONTRACT_END and tmt.day != 1:
        raise CaseError(errors={"tmt": [_("A TMT pensiun is always the first day of a month.")]})
    return tmt


def employee_status_on_open(kind: str) -> str | None:
    """The employee status that opening a record of `kind` records at once: only a death is already a fact."""
    return EmployeeStatus.MENINGGAL if kind in DECEASED_KINDS else None


def is_deceased(*, employee_status: str, case_kind: str | None) -> bool:
    """Whether an employee counts as deceased (for the heirs, and the portal's words): recorded as such,
    or the subject of a death record (janda/duda, tewas, pensiun terusan)."""
    return employee_status == EmployeeStatus.MENINGGAL or (case_kind or "") in DECEASED_KINDS


def employee_status_on_done(kind: str) -> str:
    """The employee status once a record of `kind` is done."""
    if kind in DECEASED_KINDS:
        return EmployeeStatus.MENINGGAL
    if kind == RetirementKind.CONTRACT_END:
        return EmployeeStatus.BERHENTI
    return EmployeeStatus.PENSIUN


# --- Deadlines --------------------------------------------------------------------------------------


def proposal_due(*, kind: str, tmt: dt.date, months_before: int, opened_on: dt.date) -> dt.date:
    """The day by which the proposal should have gone to BKN: `months_before` months before the TMT.

    For a kind decided late (anything but BUP) it is never earlier than LATE_DECISION_GRACE_MONTHS after
    the record was opened. A late BUP record keeps its real deadline: that lateness is what staff must see.
    """
    due = add_months(tmt, -months_before)
    if kind != RetirementKind.BUP:
        due = max(due, add_months(opened_on, LATE_DECISION_GRACE_MONTHS))
    return due


@dataclass(frozen=True)
class Deadline:
    """A proposal deadline on a given day. `has_case` is False for "no record yet" (belum ada berkas)."""

    due: dt.date
    overdue: bool
    has_case: bool
    days_late: int = 0


def case_deadline(*, status: str, proposal_due: dt.date, today: dt.date) -> Deadline:
    """Overdue (terlambat) when today is past the due date and the record is still being prepared."""
    overdue = status == CaseStatus.PREPARING and today > proposal_due
    return Deadline(
        due=proposal_due, overdue=overdue, has_case=True, days_late=(today - proposal_due).days if overdue else 0
    )


def uncased_deadline(*, tmt_pensiun: dt.date, months_before: int, today: dt.date) -> Deadline:
    """The deadline of an employee with no record yet (belum ada berkas): overdue once past TMT - months."""
    due = add_months(tmt_pensiun, -months_before)
    overdue = today > due
    return Deadline(due=due, overdue=overdue, has_case=False, days_late=(today - due).days if overdue else 0)


def uncased_overdue_before(*, today: dt.date, months_before: int) -> dt.date:
    """The date T such that an employee with no record is overdue exactly when their TMT is before T.

    add_months(tmt, -n) < today is monotonic in the TMT, so it is a bound that SQL can compare the stored
    TMT with. It is add_months(today, n), moved to the next day when the month's end clamped it (from
    31 March, one month ahead is 30 April, yet 30 April - 1 month = 30 March is still before 31 March).
    """
    bound = add_months(today, months_before)
    if add_months(bound, -months_before) < today:
        bound += dt.timedelta(days=1)
    return bound


# --- The work list's TMT ----------------------------------------------------------------------------

# A record that decides the employee's TMT: any but a cancelled one.
LIVE: frozenset[str] = frozenset(PIPELINE) | BKN_ANSWERS


def is_live(status: str) -> bool:
    """Whether a record in `status` decides the employee's TMT ("" is no record; a cancelled one does not)."""
    return status in LIVE


def worklist_tmt(*, case_status: str, case_tmt: dt.date | None, tmt_pensiun: dt.date | None) -> dt.date | None:
    """The TMT on which the employee leaves, as the work list sorts them: the record's while it is live (an
    APS or a death sets its own), else the TMT pensiun computed from the BUP."""
    return case_tmt if is_live(case_status) else tmt_pensiun
