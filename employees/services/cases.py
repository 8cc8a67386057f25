"""The write path of retirement records (berkas purna tugas): open, move through the pipeline, documents.

The rules (which moves are allowed, what each step needs, APS eligibility, deadlines, which files are
documents) are in the pure module employees/cases.py; here they are applied under row locks, inside a
transaction, with the actor recorded in the history (django-simple-history) and, for every status
change, in a CaseStatusChange row. Employee statuses change only through employee_update. Opening or
moving a record also copies its status, deadline and TMT to the employee's row, where the "Akan purna
tugas" work list reads them (Employee.case_status; the register's services keep the TMT there in step
with the BUP). Bad input raises CaseError and changes nothing.
"""

import copy
import datetime as dt
import io
import logging
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from pathlib import PurePath
from typing import TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from employees import cases, checklist
from employees.choices import AsnType, CaseStatus, RetirementKind
from employees.exceptions import CaseError, EmployeeError
from employees.models import CaseDocument, CaseStatusChange, DocumentType, Employee, RetirementCase
from employees.selectors.cases import document_type_list
from employees.selectors.checklist import case_person_facts, item_spec
from employees.selectors.kinds import case_kpp_check
from employees.services.kinds import death_tmt_decide, kind_facts_clean, kind_outcome_set
from employees.services.register import CASE_COPY_FIELDS, employee_update
from purna import uploads
from purna.formatting import tanggal
from purna.history import history_note
from purna.notifications.services import reminders_replan_later
from purna.types import User

logger = logging.getLogger(__name__)

# An image with more pixels than this is refused before it is decoded: a 5 MB PNG can unpack to gigabytes.
MAX_IMAGE_PIXELS = 50_000_000
# The facts each step takes (see cases.StepFacts); anything else is a programming error.
STEP_FACTS: dict[str, frozenset[str]] = {
    CaseStatus.PROPOSED: frozenset({"proposed_on"}),
    CaseStatus.PERTEK: frozenset({"pertek_number", "pertek_date"}),
    CaseStatus.SK_ISSUED: frozenset({"pertek_number", "pertek_date", "sk_number", "sk_date", "sk_signer"}),
}
NOTE_MAX_LENGTH = CaseStatusChange._meta.get_field("note").max_length
# Who may propose to BKN while required documents are missing (with a reason).
OVERRIDE_PERMISSION = "employees.override_checklist"


def _note_check(note: str) -> str:
    note = note.strip()
    if NOTE_MAX_LENGTH is not None and len(note) > NOTE_MAX_LENGTH:
        raise CaseError(errors={"note": [_("The note may have at most %(n)d characters.") % {"n": NOTE_MAX_LENGTH}]})
    return note


def _clean(case: RetirementCase) -> None:
    # Field checks only (lengths, dates): the pure rules have said everything else with better words,
    # and the database constraint stays the last guard.
    try:
        case.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise CaseError(errors=exc.message_dict) from exc


def _employee_status_set(employee: Employee, status: str, actor: User) -> Employee:
    """Change the employee's status through the register's write path; its errors become CaseError."""
    if employee.status == status:
        return employee
    try:
        return employee_update(employee=employee, actor=actor, status=status)
    except EmployeeError as exc:
        raise CaseError(
            _("The employee's status could not be changed: correct the employee's record first."), errors=exc.errors
        ) from exc


def _status_change_record(
    case: RetirementCase, *, from_status: str, actor: User, note: str, missing: Iterable[str] = ()
) -> None:
    CaseStatusChange.objects.create(
        case=case,
        from_status=from_status,
        to_status=case.status,
        actor=actor,
        note=note,
        missing_documents="\n".join(missing),
    )


def _worklist_copy(employee: Employee, case: RetirementCase) -> None:
    """Copy the record's state to its employee's row, where the work list reads it (see Employee.case_status).

    `employee` is locked, so its TMT pensiun (the work list's TMT once a record is cancelled) is current.
    An UPDATE, not save(): the copy is not an employee change for the history. updated_at moves, so an
    import that checked this row before writes nothing over it (employees/services/imports.py).
    """
    employee.case_status = case.status
    employee.case_due = case.proposal_due
    employee.tmt_effective = cases.worklist_tmt(
        case_status=case.status, case_tmt=case.tmt, tmt_pensiun=employee.tmt_pensiun
    )
    employee.updated_at = timezone.now()
    Employee.objects.filter(pk=employee.pk).update(
        **{name: getattr(employee, name) for name in [*CASE_COPY_FIELDS, "updated_at"]}
    )
    # The record's reminders (documents missing, proposal overdue) follow its new state right away.
    reminders_replan_later(model=Employee, object_ids=[employee.pk])


def retirement_worklist_sync(*, employee_ids: Iterable[int] | None = None, batch_size: int = 500) -> int:
    """Rewrite the work list's copy of the records (Employee.case_status, case_due, tmt_effective) from the
    records themselves, for the given employees (or everyone); return how many rows were out of step.

    The services keep the copy in step as they write; this is for records written around them in bulk
    (demo data, benchmarks, a repair). Set-based: the rows are locked and compared in one query (sub-selects
    on the record's unique employee key), and those out of step rewritten `batch_size` at a time.
    """
    record = RetirementCase.objects.filter(employee_id=OuterRef("pk"))
    copy = {
        "case_status": Coalesce(Subquery(record.values("status")), Value("")),
        "case_due": Subquery(record.values("proposal_due")),
        "tmt_effective": Coalesce(Subquery(record.filter(status__in=cases.LIVE).values("tmt")), F("tmt_pensiun")),
    }
    employees = Employee.objects.all() if employee_ids is None else Employee.objects.filter(pk__in=list(employee_ids))
    with transaction.atomic():
        rows = (
            employees.select_for_update()
            .annotate(**{f"new_{name}": expression for name, expression in copy.items()})
            .values_list("pk", *CASE_COPY_FIELDS, *(f"new_{name}" for name in CASE_COPY_FIELDS))
        )
        width = len(CASE_COPY_FIELDS)
        stale = [row[0] for row in rows if row[1 : 1 + width] != row[1 + width :]]
        for start in range(0, len(stale), batch_size):
            Employee.objects.filter(pk__in=stale[start : start + batch_size]).update(**copy, updated_at=Now())
    return len(stale)


def retirement_case_open(
    *,
    employee: Employee,
    kind: str,
    actor: User,
    tmt: dt.date | None = None,
    note: str = "",
    died_on: dt.date | None = None,
    caused_by_duty: bool = False,
    last_income: Decimal | None = None,
) -> RetirementCase:
    """Open the retirement record of an employee, in "documents being prepared".

    A BUP record takes the employee's computed TMT pensiun; a death (janda/duda, tewas) needs the date of
    death (`died_on`) and takes the TMT pensiun janda/duda that follows from it; so does the death of a
    pensioner (pensiun terusan), opened only for a retired employee, whose done record it continues; other kinds need the TMT
    decided for them (a PPPK contract end defaults to the end of the contract). The outcome is computed
    under the rule of the kind in force (employees/services/kinds.py): with or without pension, from when,
    for a death the first payment month and the uang duka (from `last_income`, when given). An APS, udzur
    or reorganisasi that gives no pension is opened all the same, as an honourable discharge without
    pension, with the reason in its outcome. The proposal deadline is the TMT minus the kind's lead time
    (see cases.proposal_due). A death marks the employee deceased at once. An employee whose earlier
    record was cancelled gets that record back, reopened with the new kind and TMT (one record per
    employee; the history keeps the old one). Raises CaseError; nothing is saved then.
    """
    if kind not in RetirementKind.values:
        raise CaseError(errors={"kind": [_("Choose a retirement kind.")]})
    note = _note_check(note)
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        case = RetirementCase.objects.select_for_update().filter(employee=locked).first()
        # The employee's status first: someone no longer in service is told so before anything else.
        cases.in_service_check(kind=kind, employee_status=locked.status)
        if case is not None:
            cases.reopen_check(kind=kind, existing_kind=case.kind, existing_status=case.status)
        today = timezone.localdate()
        died_on, caused_by_duty, last_income = kind_facts_clean(
            kind=kind, died_on=died_on, caused_by_duty=caused_by_duty, last_income=last_income
        )
        # A pensioner's death counts from their own retirement: the done record's TMT, else the BUP's.
        retired_on = None
        if kind == RetirementKind.PENSIONER_DEATH:
            retired_on = case.tmt if case is not None and case.status == CaseStatus.DONE else locked.tmt_pensiun
        tmt = death_tmt_decide(kind=kind, employee=locked, tmt=tmt, died_on=died_on, today=today, retired_on=retired_on)
        tmt = cases.open_check(
            kind=kind,
            tmt=tmt,
            computed_tmt=locked.tmt_pensiun,
            tmt_cpns=locked.tmt_cpns,
            is_pppk=locked.asn_type == AsnType.PPPK,
            employee_status=locked.status,
        )
        from_status = ""
        if case is None:
            case = RetirementCase(employee=locked)
        else:
            # Reopened: what the cancelled (or, for a pensioner's death, done) record had decided no longer
            # holds; its history keeps it, and the status change names the deceased's SK pensiun.
            from_status = case.status
            if from_status == CaseStatus.DONE and not note and case.sk_number:
                note = _("Pensiun terusan after the death of the pensioner (SK pensiun %(number)s of %(date)s).") % {
                    "number": case.sk_number,
                    "date": tanggal(case.sk_date) if case.sk_date else "-",
                }
            case.proposed_on = case.pertek_date = case.sk_date = case.sk_received_on = None
            case.pertek_number = case.sk_number = case.sk_signer = ""
            case.sk_received_by = case.sk_receiver_relation = case.sk_received_where = case.sk_received_place = ""
            case.kpp_requested = False
        case.kind, case.tmt, case.status = kind, tmt, CaseStatus.PREPARING
        case.died_on, case.caused_by_duty, case.last_income = died_on, caused_by_duty, last_income
        case.pensioner_tmt = retired_on
        kind_outcome_set(case=case, employee=locked, opened_on=today)
        _clean(case)
        history_note(case, actor=actor)
        case.save()
        _status_change_record(case, from_status=from_status, actor=actor, note=note)
        _worklist_copy(locked, case)
        new_status = cases.employee_status_on_open(kind)
        if new_status:
            case.employee = _employee_status_set(locked, new_status, actor)
    return case


class DecisionFacts(TypedDict, total=False):
    """The SK pensiun and pertek facts retirement_case_decision_correct takes (DECISION_FIELDS)."""

    pertek_number: str
    pertek_date: dt.date | None
    sk_number: str
    sk_date: dt.date | None
    sk_signer: str


class StepInput(DecisionFacts, total=False):
    """What retirement_case_transition takes besides the note: the SK and pertek facts and the proposal
    date (cases.StepFacts); each step takes only its own (STEP_FACTS)."""

    proposed_on: dt.date | None


def _missing_documents(case: RetirementCase, employee: Employee) -> list[str]:
    """The names of the required documents of the person's checklist with nothing uploaded (4 queries)."""
    items = [item_spec(document_type) for document_type in document_type_list()]
    uploaded = set(CaseDocument.objects.filter(case=case).values_list("document_type__code", flat=True))
    facts = case_person_facts(case=case, employee=employee)
    return [item.name for item in checklist.missing_required(items, facts, uploaded)]


def retirement_case_transition(
    *,
    case: RetirementCase,
    to_status: str,
    actor: User,
    note: str = "",
    override: bool = False,
    **facts: Unpack[StepInput],
) -> RetirementCase:
    """Move a record to the next step of the pipeline and return the saved row.

    Allowed moves and what each needs are in cases.transition_check: "proposed to BKN" records the
    proposal date (`proposed_on`, today by default); "pertek issued" needs BKN's `pertek_number` and
    `pertek_date`; "SK issued" needs `sk_number`, `sk_date` and
    `sk_signer` (and takes `pertek_number` / `pertek_date`); cancelling or sending back needs a `note`;
    "done" is possible from the TMT on and sets the employee's status (retired, left the service for a
    PPPK contract end, deceased for a death). BKN's answers BTL and TMS need BKN's reason (`note`); a
    BTL record may be proposed again. A proposal is refused while a required document of the person's
    checklist is missing, unless `override` is asked by an actor with employees.override_checklist and
    `note` gives the reason: the missing list is then kept on the status change. Each move writes a
    CaseStatusChange and a history row with the actor. Raises CaseError (nothing changed) for a move that is not allowed or bad facts, TypeError
    for facts the step does not take.
    """
    unknown = sorted(set(facts) - STEP_FACTS.get(to_status, frozenset()))
    if unknown:
        raise TypeError(f"Facts not taken by the step to {to_status}: {', '.join(unknown)}")
    note = _note_check(note)
    with transaction.atomic():
        # The employee first, then the record: the order retirement_case_open locks them in.
        employee = Employee.objects.select_for_update().get(pk=case.employee_id)
        locked = RetirementCase.objects.select_for_update().get(pk=case.pk)
        today = timezone.localdate()
        step = cases.StepFacts(
            proposed_on=facts.get("proposed_on") or (today if to_status == CaseStatus.PROPOSED else None),
            pertek_date=facts.get("pertek_date"),
            sk_date=facts.get("sk_date"),
            note=note,
            pertek_number=(facts.get("pertek_number") or "").strip(),
            sk_number=(facts.get("sk_number") or "").strip(),
            sk_signer=(facts.get("sk_signer") or "").strip(),
        )
        from_status = locked.status
        if to_status == CaseStatus.SK_ISSUED and not step.pertek_number and locked.pertek_number:
            # The pertek recorded on its own step: the SK is checked against it (not dated before it).
            step = replace(step, pertek_number=locked.pertek_number, pertek_date=locked.pertek_date)
        missing: list[str] = []
        if to_status == CaseStatus.PROPOSED and to_status in cases.allowed_transitions(from_status):
            missing = _missing_documents(locked, employee)
        cases.transition_check(
            from_status=from_status,
            to_status=to_status,
            facts=step,
            tmt=locked.tmt,
            proposed_on=locked.proposed_on,
            today=today,
            missing_documents=missing,
            override=override,
            may_override=actor.has_perm(OVERRIDE_PERMISSION),
        )
        if to_status == CaseStatus.PROPOSED:
            locked.proposed_on = step.proposed_on
        elif to_status == CaseStatus.PREPARING:
            # Returned by BKN: the next proposal gets its own date; the history keeps this one.
            locked.proposed_on = None
        elif to_status == CaseStatus.PERTEK:
            locked.pertek_number, locked.pertek_date = step.pertek_number, step.pertek_date
        elif to_status == CaseStatus.SK_ISSUED:
            locked.sk_number, locked.sk_date, locked.sk_signer = step.sk_number, step.sk_date, step.sk_signer
            if step.pertek_number:
                locked.pertek_number, locked.pertek_date = step.pertek_number, step.pertek_date
        locked.status = to_status
        _clean(locked)
        history_note(locked, actor=actor, reason=note)
        locked.save()
        _status_change_record(locked, from_status=from_status, actor=actor, note=note, missing=missing)
        _worklist_copy(employee, locked)
        locked.employee = employee
        if to_status == CaseStatus.DONE:
            locked.employee = _employee_status_set(employee, cases.employee_status_on_done(locked.kind), actor)
    return locked


DECISION_FIELDS = ("pertek_number", "pertek_date", "sk_number", "sk_date", "sk_signer")


def retirement_case_decision_validate(case: RetirementCase, changed: Iterable[str] = DECISION_FIELDS) -> None:
    """Raise CaseError unless `case` (its pertek and SK pensiun as they would be saved, `changed` the fields
    corrected) may be stored: the pertek from the pertek step on, the SK once issued (cases.correction_errors)."""
    facts = cases.StepFacts(**{name: getattr(case, name) for name in DECISION_FIELDS})
    errors = cases.correction_errors(
        case.status, facts, changed=list(changed), proposed_on=case.proposed_on, today=timezone.localdate()
    )
    if errors:
        raise CaseError(errors=errors)


def _correction_note(before: RetirementCase, after: RetirementCase, changed: Sequence[str], reason: str) -> str:
    """The status history's line of a correction: what changed (old -> new), then the reason; cut to the
    note's length (the full values stay in the record's history)."""

    def shown(value: dt.date | str | None) -> str:
        return (tanggal(value) if isinstance(value, dt.date) else str(value or "")) or "-"

    def label(name: str) -> str:
        field = RetirementCase._meta.get_field(name)
        return str(getattr(field, "verbose_name", name))

    changes = "; ".join(
        f"{label(name)} {shown(getattr(before, name))} -> {shown(getattr(after, name))}" for name in changed
    )
    text = _("Corrected: %(changes)s. Reason: %(reason)s") % {"changes": changes, "reason": reason}
    limit = NOTE_MAX_LENGTH or len(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def retirement_case_decision_correct(
    *, case: RetirementCase, actor: User, note: str, **facts: Unpack[DecisionFacts]
) -> RetirementCase:
    """Correct BKN's pertek (from the pertek step on) or the SK pensiun (once issued) of a record: a typing
    error, a pertek or SK re-issued by BKN; return the saved row.

    Takes any of DECISION_FIELDS (only the pertek's before the SK), checked as when they were first
    recorded. The reason (`note`) is required; the correction is kept in the record's status history (what
    changed, the reason, the actor; the status stays) and in its history. Facts equal to the record's change
    nothing. Raises CaseError (nothing changed) otherwise.
    """
    unknown = sorted(set(facts) - set(DECISION_FIELDS))
    if unknown:
        raise TypeError(f"Not an SK or pertek fact: {', '.join(unknown)}")
    note = _note_check(note)
    if not note:
        raise CaseError(errors={"note": [_("Give the reason: it is kept in the record's history.")]})
    with transaction.atomic():
        locked = RetirementCase.objects.select_for_update().get(pk=case.pk)
        before = copy.copy(locked)
        for name, value in facts.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        changed = [name for name in DECISION_FIELDS if getattr(locked, name) != getattr(before, name)]
        if not changed:
            return before
        retirement_case_decision_validate(locked, changed)
        _clean(locked)
        history_note(locked, actor=actor, reason=note)
        locked.save()
        _status_change_record(
            locked, from_status=locked.status, actor=actor, note=_correction_note(before, locked, changed, note)
        )
    return locked


def retirement_case_notes_update(*, case: RetirementCase, actor: User, notes: str) -> RetirementCase:
    """Replace the record's free-text notes (for the staff who handle it); the history keeps the old ones."""
    with transaction.atomic():
        locked = RetirementCase.objects.select_for_update().get(pk=case.pk)
        locked.notes = notes.strip()
        _clean(locked)
        history_note(locked, actor=actor)
        locked.save(update_fields=["notes"])
    return locked


def retirement_case_kind_facts_update(
    *,
    case: RetirementCase,
    actor: User,
    died_on: dt.date | None = None,
    caused_by_duty: bool = False,
    last_income: Decimal | None = None,
    kpp_requested: bool = False,
    note: str = "",
) -> RetirementCase:
    """Correct the facts a record's kind depends on and recompute its outcome (employees/services/kinds.py).

    The date of death (a death), 'caused by duty' (udzur), the last monthly income (the uang duka) and the
    KPP request. A new date of death moves the TMT, so it can change only while the documents are being
    prepared; a KPP may be requested only when the employee is eligible (selectors.kinds.case_kpp_check).
    The outcome and the deadline follow the rule in force, as when the record was opened. Refused for a
    closed record. Raises CaseError; nothing is saved then.
    """
    note = _note_check(note)
    with transaction.atomic():
        employee = Employee.objects.select_for_update().get(pk=case.employee_id)
        locked = RetirementCase.objects.select_for_update().get(pk=case.pk)
        if locked.status in cases.FINAL:
            raise CaseError(
                _("This record is closed (%(status)s): its facts can no longer change.")
                % {"status": locked.get_status_display()}
            )
        today = timezone.localdate()
        died_on, caused_by_duty, last_income = kind_facts_clean(
            kind=locked.kind, died_on=died_on, caused_by_duty=caused_by_duty, last_income=last_income
        )
        if died_on != locked.died_on:
            if locked.status != CaseStatus.PREPARING:
                raise CaseError(
                    errors={"died_on": [_("The date of death moves the TMT: it can change only before the proposal.")]}
                )
            new_tmt = death_tmt_decide(
                kind=locked.kind,
                employee=employee,
                tmt=None,
                died_on=died_on,
                today=today,
                retired_on=locked.pensioner_tmt,
            )
            if new_tmt is not None:
                locked.tmt = new_tmt
        locked.died_on, locked.caused_by_duty, locked.last_income = died_on, caused_by_duty, last_income
        kind_outcome_set(case=locked, employee=employee, opened_on=timezone.localdate(locked.created_at))
        if kpp_requested:
            kpp = case_kpp_check(locked, employee)
            if not kpp.eligible:
                raise CaseError(
                    errors={"kpp_requested": [_("A KPP cannot be requested: %(reason)s") % {"reason": kpp.reason}]}
                )
        locked.kpp_requested = kpp_requested
        _clean(locked)
        history_note(locked, actor=actor, reason=note)
        locked.save()
        _worklist_copy(employee, locked)
        locked.employee = employee
    return locked


# --- Documents --------------------------------------------------------------------------------------


def _image_check(data: bytes, content_type: str) -> None:
    """Pillow must read the image as the format its magic bytes announce, whole and of a sane size."""
    expected = {uploads.PNG: "PNG", uploads.JPEG: "JPEG"}[content_type]
    problem = _("The image could not be read: it is damaged or not really a JPG or PNG file.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    raise CaseError(errors={"file": [problem]})
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise CaseError(
                        errors={"file": [_("The image is too large in pixels; scan it at a lower resolution.")]}
                    )
                image.verify()
            # verify() checks the structure (PNG checksums) but does not decode; load() does, to the end.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except CaseError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:  # fmt: skip
        raise CaseError(errors={"file": [problem]}) from exc


def _pdf_check(data: bytes) -> None:
    if b"%%EOF" not in data[-4096:]:
        raise CaseError(errors={"file": [_("The PDF is incomplete (its end is missing): save or scan it again.")]})
    active = uploads.pdf_active_content(data)
    if active:
        logger.warning("PDF refused for active content: %s", ", ".join(active))
        raise CaseError(
            errors={
                "file": [
                    _(
                        "The PDF contains active content (%(names)s), which is not accepted: print it to a new PDF "
                        "or scan the paper document."
                    )
                    % {"names": ", ".join(active)}
                ]
            }
        )


def document_content_check(data: bytes) -> str:
    """The content type of an acceptable document (PDF, JPEG or PNG, judged by content), or CaseError."""
    content_type = uploads.sniff_content_type(data[: uploads.SNIFF_BYTES])
    if content_type is None:
        raise CaseError(
            errors={"file": [_("Only PDF, JPG or PNG files are accepted; the content of this file is none of them.")]}
        )
    if content_type == uploads.PDF:
        _pdf_check(data)
    else:
        _image_check(data, content_type)
    return content_type


def _case_open_for_documents(case: RetirementCase) -> None:
    if case.status in cases.FINAL:
        raise CaseError(
            _("This record is closed (%(status)s): its documents can no longer change.")
            % {"status": case.get_status_display()}
        )


def case_document_upload(
    *, case: RetirementCase, document_type: DocumentType, uploaded_file: UploadedFile, actor: User
) -> CaseDocument:
    """Store the document of one checklist item, replacing the previous one (kept in the history).

    Accepted: PDF, JPEG and PNG, recognised by their content (not their name), not empty, at most
    PURNA_DOCUMENT_MAX_BYTES; images must decode with Pillow and PDFs must be complete and free of
    JavaScript, launch actions and embedded files. The file goes to private storage under a generated
    name with the extension of its real type; the uploaded name is kept only as data. Raises CaseError;
    nothing is saved then (a file already written is removed again).
    """
    try:
        data = uploads.read_upload(uploaded_file, settings.PURNA_DOCUMENT_MAX_BYTES)
    except uploads.UploadError as exc:
        raise CaseError(errors={"file": [exc.message]}) from exc
    content_type = document_content_check(data)
    if not document_type.is_active:
        raise CaseError(errors={"document_type": [_("This document is no longer on the checklist.")]})
    original_name = PurePath(uploaded_file.name or "").name[:255] or f"dokumen.{uploads.EXTENSIONS[content_type]}"

    stored_name: str | None = ""
    document: CaseDocument | None = None
    try:
        with transaction.atomic():
            locked = RetirementCase.objects.select_for_update().get(pk=case.pk)
            _case_open_for_documents(locked)
            document = CaseDocument.objects.filter(case=locked, document_type=document_type).first()
            replaced = document is not None
            if document is None:
                document = CaseDocument(case=locked, document_type=document_type)
            # The file is written first so that its generated name is known if the row cannot be saved.
            document.file.save(f"upload.{uploads.EXTENSIONS[content_type]}", ContentFile(data), save=False)
            stored_name = document.file.name
            document.original_name = original_name
            document.content_type = content_type
            document.size = len(data)
            document.uploaded_by = actor
            document.uploaded_at = timezone.now()
            history_note(document, actor=actor, reason=_("Document replaced") if replaced else "")
            document.save()
    except Exception:
        if stored_name and document is not None:
            document.file.storage.delete(stored_name)
        raise
    return document


def case_document_delete(*, document: CaseDocument, actor: User) -> None:
    """Remove a document from its record (the history keeps the row and the stored file, for audit)."""
    with transaction.atomic():
        locked = RetirementCase.objects.select_for_update().get(pk=document.case_id)
        _case_open_for_documents(locked)
        history_note(document, actor=actor)
        document.delete()
