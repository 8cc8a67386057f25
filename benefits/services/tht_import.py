"""THT amounts that PT Taspen paid, recorded from its spreadsheet (CSV or XLSX) on the employees' claims.

Purna records what Taspen pays; it does not compute THT (DESIGN.md, THT). The file is read by
purna/spreadsheets.py; its columns are NIP and Jumlah, optionally Referensi and Tanggal (English headers
too). All or nothing: every row is checked first and nothing is written if any row has an error; a
claim's amount that a live or paid THT payout was prepared from is not changed (payouts.py
tht_claim_amount_check).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.exceptions import PayoutError
from benefits.models import ThtClaim
from benefits.services.payouts import PERM_CLAIM, amount_parse, tht_claim_amount_check
from employees.importer import parse_nip
from employees.models import Employee
from employees.scope import staff_scope
from purna import spreadsheets
from purna.spreadsheets import (
    CellError,
    CellValueError,
    ImportFileError,
    cell_text,
    column_letter,
    formula_message,
    header_key,
    parse_date,
    text_key,
)

THT_COLUMNS = {
    "nip": ("nip", "nip / ni pppk", "nip baru"),
    "amount": ("amount", "jumlah", "jumlah tht", "nominal", "amount received", "jumlah diterima"),
    "reference": ("reference", "referensi", "nomor referensi", "no referensi", "taspen reference", "referensi taspen"),
    "date": ("date", "tanggal", "tanggal diterima", "received on", "tanggal bayar"),
}
THT_HEADERS = {"nip": "NIP", "amount": "Jumlah", "reference": "Referensi", "date": "Tanggal"}


@dataclass
class ThtImportResult:
    """What an import of Taspen's THT amounts did: applied (all rows) or not (any error), and per row."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False
    errors: list[CellError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def tht_amounts_import(*, file: IO[bytes], actor: Any, name: str | None = None) -> ThtImportResult:
    """Record the THT amounts PT Taspen paid from a CSV or XLSX (columns NIP, Jumlah, Referensi, Tanggal;
    English headers too), all or nothing: every row is checked first (the NIP known and in the actor's
    scope, once in the file; the amount a valid rupiah amount; the date real and not in the future), and
    nothing is written if any row has an error; the errors name their row and cell. Raises PayoutError
    (on "file") for a file that cannot be read at all."""
    if actor is None or not actor.has_perm(PERM_CLAIM):
        raise PayoutError(_("You may not record THT claims."))
    name = name or getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    try:
        sheet = spreadsheets.open_sheet(
            file,
            name=PurePath(name).name,
            size=size,
            max_bytes=settings.PURNA_IMPORT_MAX_BYTES,
            headers=[alias for aliases in THT_COLUMNS.values() for alias in aliases],
        )
    except ImportFileError as exc:
        raise PayoutError(errors={"file": [exc.message]}) from exc
    lookup = {text_key(alias): key for key, aliases in THT_COLUMNS.items() for alias in aliases}
    positions: dict[str, int] = {}
    for index, cell in enumerate(sheet.header):
        key = lookup.get(header_key(cell))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [THT_HEADERS[key] for key in ("nip", "amount") if key not in positions]
    if missing:
        raise PayoutError(errors={"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]})

    result = ThtImportResult(notices=list(sheet.notices))
    for ref in sheet.formula_cells:
        result.errors.append(CellError(None, "", formula_message(ref), ref))
    today = timezone.localdate()
    parsed: list[tuple[int, str, Decimal, str, dt.date | None]] = []
    seen: dict[str, int] = {}

    def cell(cells: list[Any], key: str) -> Any:
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def error(row: int, key: str, message: str) -> None:
        letter = column_letter(positions[key] + sheet.first_column)
        result.errors.append(CellError(row, THT_HEADERS[key], message, f"{letter}{row}"))

    for row, cells in sheet.rows:
        result.rows += 1
        ok = True
        try:
            nip = parse_nip(cell(cells, "nip"))
        except CellValueError as exc:
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
        reference = cell_text(cell(cells, "reference"))[:100] if "reference" in positions else ""
        received_on = None
        if "date" in positions:
            try:
                received_on = parse_date(cell(cells, "date"))
            except CellValueError as exc:
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
        failures: list[CellError] = []
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
                failures.append(CellError(row, THT_HEADERS["amount"], " ".join(exc.messages)))
                continue
            # Who and why, for django-simple-history's row.
            claim._history_user = actor if getattr(actor, "is_authenticated", False) else None
            claim._change_reason = (_("THT amounts imported from %(name)s") % {"name": PurePath(name).name})[:100]
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
