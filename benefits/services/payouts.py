"""The write path of THT claims and payouts: prepare, verify, approve, pay (or hand over), cancel, reverse.

The tali asih rules are in benefits/tali_asih.py; here they are applied under row locks, inside a
transaction, with the actor recorded in the history (django-simple-history) and every status change in
a PayoutStatusChange row (the timeline). Who may do what is the pipeline's table (benefits/payouts.py), a
permission per step (purna/roles.py): preparing and correcting drafts `add_payout`/`change_payout`
(Operator), verifying `verify_payout` (Verifikator), approving `approve_payout` (Pimpinan), paying and
handing over `pay_payout` (Bendahara), reversing a paid payout `reverse_payout` (Pimpinan); Admin
Kepegawaian holds them all. Whoever prepared a payout can neither verify nor approve it (four eyes).
Every service refuses employees outside the actor's staff scope (employees/scope.py). Bad input raises
PayoutError and changes nothing. Money is Decimal throughout.

This module holds the THT claims and Taspen's amounts; the payouts' steps are in payout_preparation.py
(the amounts and the drafts) and payout_flow.py (verify to reverse), their shared checks in
payout_base.py. Callers import all of them from here.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.exceptions import PayoutError
from benefits.models import BenefitType, Payout, ThtClaim
from benefits.payouts import COUNTED_STATUSES as COUNTED_STATUSES
from benefits.payouts import LIVE_STATUSES as LIVE_STATUSES
from benefits.payouts import PERM_APPROVE as PERM_APPROVE
from benefits.payouts import PERM_CHANGE as PERM_CHANGE
from benefits.payouts import PERM_CLAIM as PERM_CLAIM
from benefits.payouts import PERM_PAY as PERM_PAY
from benefits.payouts import PERM_PREPARE as PERM_PREPARE
from benefits.payouts import PERM_REVERSE as PERM_REVERSE
from benefits.payouts import PERM_VERIFY as PERM_VERIFY
from benefits.services.payout_base import NOTE_MAX_LENGTH as NOTE_MAX_LENGTH
from benefits.services.payout_base import BulkReport as BulkReport
from benefits.services.payout_base import _history as _history
from benefits.services.payout_base import _permission_check as _permission_check
from benefits.services.payout_base import _scope_check as _scope_check
from benefits.services.payout_base import amount_parse as amount_parse
from benefits.services.payout_flow import payout_amount_override as payout_amount_override
from benefits.services.payout_flow import payout_approve as payout_approve
from benefits.services.payout_flow import payout_cancel as payout_cancel
from benefits.services.payout_flow import payout_hand_over as payout_hand_over
from benefits.services.payout_flow import payout_pay as payout_pay
from benefits.services.payout_flow import payout_reverse as payout_reverse
from benefits.services.payout_flow import payout_verify as payout_verify
from benefits.services.payout_flow import payouts_approve_bulk as payouts_approve_bulk
from benefits.services.payout_flow import payouts_verify_bulk as payouts_verify_bulk
from benefits.services.payout_preparation import RetirementTerms as RetirementTerms
from benefits.services.payout_preparation import payout_prepare as payout_prepare
from benefits.services.payout_preparation import payouts_prepare_bulk as payouts_prepare_bulk
from benefits.services.payout_preparation import rate_from_model as rate_from_model
from benefits.services.payout_preparation import retirement_terms as retirement_terms
from benefits.services.payout_preparation import tali_asih_compute as tali_asih_compute
from employees import importer
from employees.models import Employee
from employees.scope import staff_scope

# --- THT claims -----------------------------------------------------------------------------------------

CLAIM_FIELDS = frozenset(
    {
        "claim_filed_on",
        "taspen_reference",
        "documents_complete",
        "documents_complete_on",
        "amount_received",
        "received_on",
        "notes",
    }
)


def _claim_apply(claim: ThtClaim, fields: dict[str, Any], today: dt.date) -> None:
    """Set and check a claim's fields (without saving); raises PayoutError by field."""
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name == "amount_received" and value not in (None, ""):
            try:
                value = amount_parse(value, "amount_received")
            except PayoutError as exc:
                errors.update(exc.errors)
                continue
        elif name == "amount_received":
            value = None
        elif name in ("taspen_reference", "notes"):
            value = (value or "").strip()
        setattr(claim, name, value)
    for name in ("claim_filed_on", "documents_complete_on", "received_on"):
        value = getattr(claim, name)
        if isinstance(value, dt.date) and value > today:
            errors.setdefault(name, []).append(_("The date cannot be in the future."))
    if claim.documents_complete and claim.documents_complete_on is None:
        claim.documents_complete_on = today
    if not claim.documents_complete:
        claim.documents_complete_on = None
    if claim.received_on is not None and claim.amount_received is None:
        errors.setdefault("amount_received", []).append(_("Enter the amount received with its date."))
    if errors:
        raise PayoutError(errors=errors)
    try:
        claim.full_clean(exclude=["employee"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise PayoutError(errors=exc.message_dict) from exc


def tht_claim_amount_check(*, claim: ThtClaim, before: Decimal | None) -> None:
    """Raise PayoutError if the claim's amount changed (from `before`) while a THT payout prepared from it is
    live or paid: the amount a payout was prepared from cannot change under it; cancel or reverse it first."""
    if claim.amount_received == before or claim.pk is None:
        return
    live = Payout.objects.filter(
        employee_id=claim.employee_id, benefit_type=BenefitType.THT, status__in=COUNTED_STATUSES
    ).first()
    if live is not None:
        raise PayoutError(
            errors={
                "amount_received": [
                    _("A THT payout (%(status)s) was prepared from the amount received: cancel or reverse it first.")
                    % {"status": live.get_status_display()}
                ]
            }
        )


def tht_claim_validate(claim: ThtClaim) -> None:
    """Raise PayoutError unless `claim` (as it would be saved) may be stored (for the admin's form)."""
    _claim_apply(claim, {}, timezone.localdate())


def tht_claim_save(*, employee: Employee, actor: Any, **fields: Any) -> ThtClaim:
    """Create or update the THT claim of an employee (one each) with the given fields (CLAIM_FIELDS):
    when it was filed, Taspen's reference, whether the documents are complete (dated today if no date
    is given), and the amount PT Taspen paid and when. Amounts may be text ("Rp 25.000.000")."""
    unknown = sorted(set(fields) - CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"Not a THT claim field: {', '.join(unknown)}")
    _permission_check(actor, PERM_CLAIM, _("You may not record THT claims."))
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        _scope_check(actor, locked)
        claim = ThtClaim.objects.select_for_update().filter(employee=locked).first() or ThtClaim(employee=locked)
        before = claim.amount_received
        _claim_apply(claim, fields, timezone.localdate())
        tht_claim_amount_check(claim=claim, before=before)
        _history(claim, actor)
        claim.save()
    return claim


# --- THT amounts from PT Taspen (CSV/XLSX) ----------------------------------------------------------------

THT_COLUMNS = {
    "nip": ("nip", "nip / ni pppk", "nip baru"),
    "amount": ("amount", "jumlah", "jumlah tht", "nominal", "amount received", "jumlah diterima"),
    "reference": ("reference", "referensi", "nomor referensi", "no referensi", "taspen reference", "referensi taspen"),
    "date": ("date", "tanggal", "tanggal diterima", "received on", "tanggal bayar"),
}
THT_HEADERS = {"nip": "NIP", "amount": "Jumlah", "reference": "Referensi", "date": "Tanggal"}


def _header_key(value: Any) -> str:
    text = value.lstrip("\ufeff") if isinstance(value, str) else ("" if value is None else str(value))
    return " ".join(text.strip().rstrip("*").casefold().replace("_", " ").split())


@dataclass
class ThtImportResult:
    """What an import of Taspen's THT amounts did: applied (all rows) or not (any error), and per row."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False
    errors: list[importer.CellError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def tht_amounts_import(*, file: IO[bytes], actor: Any, name: str | None = None) -> ThtImportResult:
    """Record the THT amounts PT Taspen paid from a CSV or XLSX (columns NIP, Jumlah, Referensi, Tanggal;
    English headers too), all or nothing: every row is checked first (the NIP known and in the actor's
    scope, once in the file; the amount a valid rupiah amount; the date real and not in the future), and
    nothing is written if any row has an error; the errors name their row and cell. Raises PayoutError
    (on "file") for a file that cannot be read at all."""
    _permission_check(actor, PERM_CLAIM, _("You may not record THT claims."))
    name = name or getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    try:
        sheet = importer.open_sheet(
            file, name=PurePath(name).name, size=size, max_bytes=settings.PURNA_IMPORT_MAX_BYTES
        )
    except importer.ImportFileError as exc:
        raise PayoutError(errors={"file": [exc.message]}) from exc
    lookup = {alias: key for key, aliases in THT_COLUMNS.items() for alias in aliases}
    positions: dict[str, int] = {}
    for index, cell in enumerate(sheet.header):
        key = lookup.get(_header_key(cell))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [THT_HEADERS[key] for key in ("nip", "amount") if key not in positions]
    if missing:
        raise PayoutError(errors={"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]})

    result = ThtImportResult(notices=list(sheet.notices))
    for ref in sheet.formula_cells:
        result.errors.append(
            importer.CellError(
                None,
                "",
                _("Cell %(cell)s holds a formula; only values can be imported (paste as values).") % {"cell": ref},
                ref,
            )
        )
    today = timezone.localdate()
    parsed: list[tuple[int, str, Decimal, str, dt.date | None]] = []
    seen: dict[str, int] = {}

    def cell(cells: list[Any], key: str) -> Any:
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def error(row: int, key: str, message: str) -> None:
        letter = importer.column_letter(positions[key] + sheet.first_column)
        result.errors.append(importer.CellError(row, THT_HEADERS[key], message, f"{letter}{row}"))

    for row, cells in sheet.rows:
        result.rows += 1
        ok = True
        try:
            nip = importer.parse_nip(cell(cells, "nip"))
        except importer.CellValueError as exc:
            error(row, "nip", str(exc))
            nip, ok = "", False
        if ok and not nip:
            error(row, "nip", _("The NIP is empty."))
            ok = False
        elif ok and nip in seen:
            error(row, "nip", _("This NIP is also on row %(row)d.") % {"row": seen[nip]})
            ok = False
        elif ok:
            seen[nip] = row
        try:
            amount = amount_parse(cell(cells, "amount"))
        except PayoutError as exc:
            error(row, "amount", " ".join(exc.messages))
            amount, ok = Decimal(0), False
        reference = importer.cell_text(cell(cells, "reference"))[:100] if "reference" in positions else ""
        received_on = None
        if "date" in positions:
            try:
                received_on = importer.parse_date(cell(cells, "date"))
            except importer.CellValueError as exc:
                error(row, "date", str(exc))
                ok = False
            if received_on is not None and received_on > today:
                error(row, "date", _("The date cannot be in the future."))
                ok = False
        if ok:
            parsed.append((row, nip, amount, reference, received_on))
    if not result.rows:
        raise PayoutError(errors={"file": [_("The file has no rows under its header.")]})

    scope = staff_scope(actor)
    employees = {
        employee.nip: employee
        for employee in Employee.objects.filter(nip__in=[item[1] for item in parsed]).only(
            "pk", "nip", "unit_id", "name"
        )
    }
    for row, nip, *_rest in parsed:
        employee = employees.get(nip)
        if employee is None or not scope.covers(employee.unit_id):
            # Outside the scope reads as unknown: the import does not confirm who exists elsewhere.
            error(row, "nip", _("No employee with this NIP in your work units."))
    if result.errors:
        return result

    with transaction.atomic():
        claims = {
            claim.employee_id: claim
            for claim in ThtClaim.objects.select_for_update().filter(employee__in=[e.pk for e in employees.values()])
        }
        failures: list[importer.CellError] = []
        for row, nip, amount, reference, received_on in parsed:
            employee = employees[nip]
            claim = claims.get(employee.pk) or ThtClaim(employee=employee)
            created = claim.pk is None
            if (claim.amount_received, claim.taspen_reference or "", claim.received_on) == (
                amount,
                reference or claim.taspen_reference or "",
                received_on or claim.received_on,
            ):
                result.unchanged += 1
                continue
            before = claim.amount_received
            claim.amount_received = amount
            if reference:
                claim.taspen_reference = reference
            claim.received_on = received_on or claim.received_on or today
            try:
                tht_claim_amount_check(claim=claim, before=before)
            except PayoutError as exc:
                failures.append(importer.CellError(row, THT_HEADERS["amount"], " ".join(exc.messages)))
                continue
            _history(claim, actor, _("THT amounts imported from %(name)s") % {"name": PurePath(name).name})
            claim.save()
            if created:
                result.created += 1
            else:
                result.updated += 1
        if failures:
            result.errors = failures
            result.created = result.updated = result.unchanged = 0
            transaction.set_rollback(True)
            return result
    result.applied = True
    return result
