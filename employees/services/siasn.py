"""SIASN reconciliation: the write path behind the page that compares a pension list exported from SIASN with
the retirement records, and applies what SIASN knows more (employees/siasn_reconcile.py says what that is).

- reconciliation_create reads the upload (purna/uploads.py read_upload, bounded by PURNA_SIASN_MAX_BYTES;
  purna/spreadsheets.py for CSV/XLSX, no zip bombs), refuses the whole file for any bad cell, compares every
  row with the records of the uploader's units (anyone else's NIP is "unknown", as a NIP not in the
  register), and stores the file privately with the verdicts.
- reconciliation_apply applies every update of a stored list in one transaction, all or nothing: status
  changes through the record's own services (employees/services/cases.py, so the status history is kept),
  facts with their history (purna.history.history_note). The list's row is locked first and marked
  applied in the same transaction: a second click, or two at once, finds it applied and changes nothing.
  Each record is compared again under its lock; one that changed since the upload stops the whole apply.
"""

import datetime as dt
import io
import os
import uuid
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees import cases, siasn_reconcile
from employees.choices import CaseStatus
from employees.exceptions import CaseError, SiasnError
from employees.models import Employee, RetirementCase, SiasnReconciliation
from employees.scope import staff_scope
from employees.services.cases import (
    DECISION_FIELDS,
    NOTE_MAX_LENGTH,
    _clean,
    retirement_case_decision_correct,
    retirement_case_transition,
)
from employees.siasn_reconcile import UPDATE, Change, Line, OurCase, SiasnRow
from purna import spreadsheets, uploads
from purna.history import history_note
from purna.spreadsheets import CellError, ImportFileError
from purna.types import User

# The cell errors a refused file shows (the page says how many more there are).
ERRORS_SHOWN = 100
_CASE_FIELDS = ("status", "tmt", "pertek_number", "pertek_date", "sk_number", "sk_date", "sk_signer", "proposed_on")
_ROW_DATES = ("pertek_date", "sk_date", "proposed_on", "tmt")


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _changes(changes: tuple[Change, ...]) -> list[dict[str, Any]]:
    return [{"field": c.field, "ours": _plain(c.ours), "theirs": _plain(c.theirs)} for c in changes]


def _row_json(row: SiasnRow) -> dict[str, Any]:
    return {name: _plain(getattr(row, name)) for name in SiasnRow.__dataclass_fields__}


def _row_from(stored: dict[str, Any]) -> SiasnRow:
    values = dict(stored)
    for name in _ROW_DATES:
        if values.get(name):
            values[name] = dt.date.fromisoformat(values[name])
    return SiasnRow(**values)


def _our_case(case: RetirementCase) -> OurCase:
    return OurCase(case_id=case.pk, **{name: getattr(case, name) for name in _CASE_FIELDS})


def _read(file: Any) -> tuple[bytes, str, list[SiasnRow]]:
    """The upload's bytes, its format and its rows; SiasnError for a file or cells that cannot be read."""
    max_bytes = settings.PURNA_SIASN_MAX_BYTES
    name = os.path.basename(getattr(file, "name", "") or "")
    try:
        data = uploads.read_upload(file, max_bytes)
        stream = io.BytesIO(data)
        kind = spreadsheets.check_file(stream, name=name, size=len(data), max_bytes=max_bytes)
        sheet = spreadsheets.open_sheet(
            stream, name=name, size=len(data), max_bytes=max_bytes, headers=siasn_reconcile.HEADERS
        )
        positions = siasn_reconcile.read_header(sheet.header)
    except uploads.UploadError as exc:
        raise SiasnError(exc.message) from exc
    except ImportFileError as exc:
        raise SiasnError(exc.message) from exc
    if sheet.formula_cells:
        raise SiasnError(
            cells=[CellError(None, "", spreadsheets.formula_message(ref), ref) for ref in sheet.formula_cells]
        )
    if sheet.total_rows > siasn_reconcile.MAX_ROWS:
        raise SiasnError(
            _("The list has %(rows)d rows; at most %(max)d are compared at once. Split it into smaller files.")
            % {"rows": sheet.total_rows, "max": siasn_reconcile.MAX_ROWS}
        )
    rows: list[SiasnRow] = []
    errors: list[CellError] = []
    for number, cells in sheet.rows:
        row, row_errors = siasn_reconcile.read_row(cells, positions, row=number, first_column=sheet.first_column)
        errors += row_errors
        if row is not None:
            rows.append(row)
    errors += siasn_reconcile.duplicate_errors(rows)
    if errors:
        raise SiasnError(
            _("The list was not stored: %(count)d cells cannot be read. Correct them and upload it again.")
            % {"count": len(errors)},
            cells=errors[:ERRORS_SHOWN],
        )
    if not rows:
        raise SiasnError(_("The file has column headers but no rows."))
    return data, kind, rows


def reconciliation_create(*, actor: User, file: Any) -> SiasnReconciliation:
    """Read a SIASN pension list (CSV or XLSX), compare it with the records of `actor`'s units and store the
    file (privately) with the verdict on each row. Raises SiasnError, storing nothing, for a file that is
    empty, too large, not a spreadsheet, without the list's columns, or with a cell that cannot be read."""
    data, kind, rows = _read(file)
    scope = staff_scope(actor)
    nips = sorted({row.nip for row in rows})
    employees = scope.filter(Employee.objects.filter(nip__in=nips)).values_list(
        "nip", "pk", "name", "front_title", "back_title", "unit__name"
    )
    people = {nip: (pk, f"{front} {name}".strip() + (f", {back}" if back else ""), unit)
              for nip, pk, name, front, back, unit in employees}  # fmt: skip
    records = {
        case.employee.nip: case
        for case in RetirementCase.objects.filter(employee_id__in=[pk for pk, _n, _u in people.values()])
        .select_related("employee")
        .only("employee__nip", *_CASE_FIELDS)
    }
    lines = []
    for row in rows:
        case = records.get(row.nip)
        line = siasn_reconcile.compare(row, _our_case(case) if case else None, known=row.nip in people)
        stored: dict[str, Any] = {
            "row": line.row,
            "nip": line.nip,
            "kind": line.kind,
            "changes": _changes(line.changes),
            "conflicts": _changes(line.conflicts),
            "notes": list(line.notes),
            "siasn": _row_json(row),
        }
        if row.nip in people:
            employee_id, display_name, unit = people[row.nip]
            stored.update(employee_id=employee_id, name=display_name, unit=unit, case_id=case.pk if case else None)
        lines.append(stored)
    counts = {kind: sum(1 for line in lines if line["kind"] == kind) for kind in siasn_reconcile.KINDS}
    reconciliation = SiasnReconciliation(
        original_name=os.path.basename(getattr(file, "name", "") or "")[:255],
        lines=lines,
        matched_count=counts[siasn_reconcile.MATCHED],
        update_count=counts[siasn_reconcile.UPDATE],
        conflict_count=counts[siasn_reconcile.CONFLICT],
        unknown_count=counts[siasn_reconcile.UNKNOWN],
        created_by=actor,
    )
    # The stored name is not the uploaded one: names carry personal data and may be hostile.
    reconciliation.file.save(f"{uuid.uuid4().hex}.{kind}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            reconciliation.save()
    except Exception:
        if reconciliation.file.name:
            reconciliation.file.storage.delete(reconciliation.file.name)
        raise
    return reconciliation


def reconciliation_apply(*, reconciliation: SiasnReconciliation, actor: User) -> int:
    """Apply every update of a stored SIASN list, all or nothing; return how many records changed.

    Raises SiasnError, changing nothing, when the list was applied already (a second click, two at once),
    has nothing to apply, or a record changed since the upload, left the actor's units, or refuses a change
    (its message names the NIP). Conflicts and unknown NIPs are never applied.
    """
    with transaction.atomic():
        locked = SiasnReconciliation.objects.select_for_update().get(pk=reconciliation.pk)
        if locked.applied_at is not None:
            raise SiasnError(_("This list has already been applied; it cannot be applied again."))
        updates = [line for line in locked.lines if line["kind"] == UPDATE]
        if not updates:
            raise SiasnError(_("This list has nothing to apply."))
        scope = staff_scope(actor)
        today = timezone.localdate()
        note = _("From the SIASN list %(name)s") % {"name": locked.original_name[:200]}
        for line in updates:
            _line_apply(line, scope=scope, actor=actor, today=today, note=note)
        locked.applied_at = timezone.now()
        locked.applied_by = actor
        locked.save(update_fields=["applied_at", "applied_by"])
    return len(updates)


def _stale(nip: str) -> SiasnError:
    return SiasnError(
        _("The record of NIP %(nip)s changed since the list was uploaded; nothing was applied. Upload the list again.")
        % {"nip": nip}
    )


def _line_apply(line: dict[str, Any], *, scope: Any, actor: User, today: dt.date, note: str) -> None:
    nip = line["nip"]
    # The employee first, then the record: the order the record's services lock them in.
    employee = Employee.objects.select_for_update().filter(pk=line.get("employee_id") or 0, nip=nip).first()
    case = RetirementCase.objects.select_for_update().filter(pk=line.get("case_id") or 0, employee=employee).first()
    if employee is None or case is None or not scope.covers(employee.unit_id):
        raise _stale(nip)
    row = _row_from(line["siasn"])
    now = siasn_reconcile.compare(row, _our_case(case), known=True)
    if now.kind != UPDATE or _changes(now.changes) != line["changes"]:
        raise _stale(nip)
    try:
        _changes_apply(case, row, now, actor=actor, today=today, note=note)
    except CaseError as exc:
        raise SiasnError(
            _("NIP %(nip)s: %(messages)s Nothing was applied.") % {"nip": nip, "messages": " ".join(exc.messages)}
        ) from exc


def _changes_apply(case: RetirementCase, row: SiasnRow, line: Line, *, actor: User, today: dt.date, note: str) -> None:
    theirs = {change.field: change.theirs for change in line.changes}
    target = theirs.pop("status", None)
    theirs.pop("sk_signer", None)
    reason = theirs.pop(siasn_reconcile.REASON, "")
    if target is not None:
        proposed_on = siasn_reconcile.proposal_date(row, today)
        if target in cases.BKN_ANSWERS:
            # BKN's answer with BKN's reason alone as its note: the BTL/TMS report groups reasons as written.
            answer_note = reason[: NOTE_MAX_LENGTH or None]
            case = retirement_case_transition(case=case, to_status=target, actor=actor, note=answer_note)
            target = None
    if target is not None:
        if target in cases.PIPELINE[1:] and case.status == CaseStatus.PREPARING:
            # Further than "proposed": the proposal went first.
            case = retirement_case_transition(
                case=case, to_status=CaseStatus.PROPOSED, actor=actor, note=note, proposed_on=proposed_on
            )
        if target == CaseStatus.PERTEK:
            pertek = {name: theirs.pop(name, getattr(case, name)) for name in ("pertek_number", "pertek_date")}
            case = retirement_case_transition(case=case, to_status=target, actor=actor, note=note, **pertek)
        elif target == CaseStatus.SK_ISSUED:
            facts = {name: theirs.pop(name, getattr(case, name)) for name in DECISION_FIELDS if name != "sk_signer"}
            case = retirement_case_transition(
                case=case,
                to_status=target,
                actor=actor,
                note=note,
                sk_signer=row.sk_signer or case.sk_signer,
                **facts,
            )
        elif case.status != target:
            # A step one move away (a resubmission, BKN's own answers once the pipeline has them).
            if target == CaseStatus.PROPOSED:
                case = retirement_case_transition(
                    case=case, to_status=target, actor=actor, note=note, proposed_on=proposed_on
                )
            else:
                case = retirement_case_transition(case=case, to_status=target, actor=actor, note=note)
    facts = {name: value for name, value in theirs.items() if getattr(case, name) != value}
    if not facts:
        return
    if case.status in cases.DECIDED_STATUSES:
        retirement_case_decision_correct(case=case, actor=actor, note=note, **facts)
    else:
        _pertek_record(case, facts, actor=actor, today=today, note=note)


def _pertek_record(case: RetirementCase, facts: dict[str, Any], *, actor: User, today: dt.date, note: str) -> None:
    """BKN's pertek on a record whose SK is not issued yet (the SK step records both otherwise)."""
    for name, value in facts.items():
        setattr(case, name, value)
    step = cases.StepFacts(**{name: getattr(case, name) for name in DECISION_FIELDS})
    errors = {
        name: messages
        for name, messages in cases.decision_errors(step, proposed_on=case.proposed_on, today=today).items()
        if name.startswith("pertek")
    }
    if set(facts) - {"pertek_number", "pertek_date"} or errors:
        raise CaseError(errors=errors or {"__all__": [_("An SK is recorded with the step to SK issued.")]})
    _clean(case)
    history_note(case, actor=actor, reason=note)
    case.save(update_fields=["pertek_number", "pertek_date"])
