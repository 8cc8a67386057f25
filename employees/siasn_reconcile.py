"""Reconciling the retirement records with a pension list exported from SIASN (BKN's system).

BKN answers pension proposals in SIASN: the status of the proposal, the technical opinion (pertek) and
the SK pensiun with their numbers and dates, and the TMT pensiun. An agency downloads that list; Purna
compares it with its own records, row by row (compare), and says for each NIP:

- matched: SIASN says nothing Purna does not already know;
- update: SIASN knows more, and only more: a pertek or SK that Purna has not recorded yet, a date
  missing beside a number Purna has, a status further along the pipeline. These are applied together,
  by a person, in one action;
- conflict: SIASN says something else than Purna (another TMT, another pertek or SK number or date, a
  status Purna cannot take from a file): both are shown side by side and nothing of that row is
  applied; a person decides on the record's page;
- unknown: no employee with that NIP in the register, or one outside the staff member's units (the
  two are not told apart: a list must not reveal other units' employees).

SIASN's status texts are read through one table (STATUS_TEXTS); a text mapped to None is known but has
no step in Purna's pipeline yet, and is shown, not applied. BKN's answers BTL and TMS are applied with
BKN's reason, read from a reason column (alasan, keterangan, catatan...); a BTL or TMS row without a
reason is a conflict that says it needs one: an answer is never recorded without its reason. A status is applied when it is further
along the pipeline than the record's (cases.PIPELINE), or, for a status outside it, when the record may
move to it directly (cases.allowed_transitions). The SK pensiun step needs its signer: from the file
(optional column) or the record; without one, the step is a conflict to finish by hand.

Pure: no ORM, no settings, no clock; the rows and the records are parameters.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from employees import cases
from employees.choices import CaseStatus
from employees.importer import parse_nip
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

MATCHED, UPDATE, CONFLICT, UNKNOWN = "matched", "update", "conflict", "unknown"
# The fact of a line that carries BKN's reason for a BTL or TMS answer.
REASON = "reason"
KINDS = (UPDATE, CONFLICT, UNKNOWN, MATCHED)
MAX_ROWS = 5000

# SIASN's proposal status texts (whatever their case and spacing) -> Purna's record status; None: known,
# but Purna has no step for it yet (shown, not applied). BKN's BTL and TMS answers take one line each
# once the pipeline has them.
STATUS_TEXTS: dict[str, str | None] = {
    "input berkas": CaseStatus.PREPARING,
    "berkas disiapkan": CaseStatus.PREPARING,
    "usul": CaseStatus.PROPOSED,
    "usulan": CaseStatus.PROPOSED,
    "usulan dikirim": CaseStatus.PROPOSED,
    "diusulkan": CaseStatus.PROPOSED,
    "verifikasi": CaseStatus.PROPOSED,
    "verifikasi bkn": CaseStatus.PROPOSED,
    "proses bkn": CaseStatus.PROPOSED,
    "pertek": CaseStatus.PERTEK,
    "pertek terbit": CaseStatus.PERTEK,
    "sudah pertek": CaseStatus.PERTEK,
    "menunggu sk": CaseStatus.PERTEK,
    "sk terbit": CaseStatus.SK_ISSUED,
    "sk pensiun terbit": CaseStatus.SK_ISSUED,
    "sudah sk": CaseStatus.SK_ISSUED,
    "selesai": CaseStatus.SK_ISSUED,
    # BKN's answers BTL and TMS: applied with BKN's reason (the reason column); a row without one is
    # listed as needing it, never applied.
    "btl": CaseStatus.INCOMPLETE,
    "berkas tidak lengkap": CaseStatus.INCOMPLETE,
    "tms": CaseStatus.NOT_ELIGIBLE,
    "tidak memenuhi syarat": CaseStatus.NOT_ELIGIBLE,
}
_STATUS_KEYS = {text_key(text): status for text, status in STATUS_TEXTS.items()}

# --- The file ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as shown to people
    aliases: tuple[str, ...]
    kind: str  # nip | text | date | status


COLUMNS = [
    Column("nip", "NIP", ("nip", "nip_baru", "nip baru", "nip/ni pppk"), "nip"),
    Column("status_text", "status usulan", ("status usulan", "status_usulan", "status"), "status"),
    Column("pertek_number", "nomor pertek", ("nomor pertek", "no pertek", "no_pertek", "nomor_pertek"), "text"),
    Column("pertek_date", "tanggal pertek", ("tanggal pertek", "tgl pertek", "tgl_pertek", "tanggal_pertek"), "date"),
    Column("sk_number", "nomor SK", ("nomor sk", "no sk", "no_sk", "nomor_sk", "nomor sk pensiun", "no_sk_pensiun"), "text"),
    Column("sk_date", "tanggal SK", ("tanggal sk", "tgl sk", "tgl_sk", "tanggal_sk", "tgl sk pensiun", "tgl_sk_pensiun"), "date"),
    Column("sk_signer", "penandatangan SK", ("penandatangan sk", "pejabat penandatangan", "penandatangan"), "text"),
    Column("proposed_on", "tanggal usulan", ("tanggal usulan", "tgl usulan", "tgl_usulan", "tanggal_usulan"), "date"),
    Column("tmt", "TMT pensiun", ("tmt pensiun", "tmt_pensiun"), "date"),
    # BKN's reason for a BTL or TMS answer, under the names exports and agencies give it.
    Column("reason", "alasan", ("alasan", "keterangan", "catatan", "alasan btl", "alasan tms", "alasan btl/tms",
                                "alasan btl tms", "keterangan btl/tms", "alasan penolakan", "catatan bkn"), "text"),
]  # fmt: skip
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
HEADERS = [alias for column in COLUMNS for alias in (column.header, *column.aliases)]
_LOOKUP = {text_key(alias): column for column in COLUMNS for alias in (column.header, *column.aliases)}
# What a file must say besides the NIP: at least one of these.
FACTS = ("status_text", "pertek_number", "pertek_date", "sk_number", "sk_date", "tmt")


@dataclass(frozen=True)
class SiasnRow:
    """One row of the SIASN list, read."""

    row: int
    nip: str
    status_text: str = ""
    status: str | None = None
    pertek_number: str = ""
    pertek_date: dt.date | None = None
    sk_number: str = ""
    sk_date: dt.date | None = None
    sk_signer: str = ""
    proposed_on: dt.date | None = None
    tmt: dt.date | None = None
    reason: str = ""


def read_header(header: list[Any]) -> list[tuple[int, Column]]:
    """The file's columns that this list knows (others, and there are many in a SIASN export, are
    ignored); raise ImportFileError when the NIP or every fact is missing, or a column is given twice."""
    positions: list[tuple[int, Column]] = []
    seen: set[str] = set()
    repeated = []
    for index, raw in enumerate(header):
        column = _LOOKUP.get(header_key(raw))
        if column is None:
            continue
        if column.field in seen:
            repeated.append(cell_text(raw))
            continue
        seen.add(column.field)
        positions.append((index, column))
    if repeated:
        raise ImportFileError(_("Columns given twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    if "nip" not in seen or not seen & set(FACTS):
        raise ImportFileError(
            _(
                "The file does not have the columns of a SIASN pension list: it needs NIP and at least one of "
                "%(columns)s."
            )
            % {"columns": ", ".join(COLUMN_BY_FIELD[name].header for name in FACTS)}
        )
    return positions


def status_of(text: str) -> str | None:
    """Purna's status for a SIASN status text (None: known, no step in Purna yet); CellValueError if unknown."""
    key = text_key(text)
    if key not in _STATUS_KEYS:
        raise CellValueError(
            _("%(value)s is not a SIASN proposal status Purna knows: %(known)s.")
            % {"value": text, "known": ", ".join(sorted({t.title() for t in STATUS_TEXTS if len(t) > 3}))}
        )
    return _STATUS_KEYS[key]


def read_row(
    cells: list[Any], positions: list[tuple[int, Column]], *, row: int, first_column: int = 0
) -> tuple[SiasnRow | None, list[CellError]]:
    """One data row, read; or None with its cell errors."""
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    for index, column in positions:
        raw = cells[index] if index < len(cells) else None
        cell = f"{column_letter(index + first_column)}{row}"
        try:
            if isinstance(raw, str) and raw.lstrip().startswith("="):
                raise CellValueError(formula_message(cell))
            if column.kind == "date":
                values[column.field] = parse_date(raw)
            elif column.kind == "nip":
                nip = parse_nip(raw)
                if not nip:
                    raise CellValueError(_("This column is required; the cell is empty."))
                if not (nip.isdigit() and len(nip) == 18):
                    raise CellValueError(_("%(value)s is not an 18-digit NIP.") % {"value": nip})
                values["nip"] = nip
            elif column.kind == "status":
                text = cell_text(raw)
                values["status_text"] = text
                values["status"] = status_of(text) if text else None
            else:
                values[column.field] = " ".join(cell_text(raw).split())
        except CellValueError as exc:
            errors.append(CellError(row, column.header, str(exc), cell))
    if errors:
        return None, errors
    return SiasnRow(row=row, **values), []


# --- The comparison ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OurCase:
    """A retirement record as Purna has it (the facts SIASN also has)."""

    case_id: int
    status: str
    tmt: dt.date
    pertek_number: str = ""
    pertek_date: dt.date | None = None
    sk_number: str = ""
    sk_date: dt.date | None = None
    sk_signer: str = ""
    proposed_on: dt.date | None = None


@dataclass(frozen=True)
class Change:
    """A fact as Purna has it and as SIASN has it."""

    field: str
    ours: Any
    theirs: Any


@dataclass(frozen=True)
class Line:
    """The verdict on one row of the list."""

    row: int
    nip: str
    kind: str
    changes: tuple[Change, ...] = ()
    conflicts: tuple[Change, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def change(self, name: str) -> Change | None:
        return next((change for change in self.changes if change.field == name), None)


def _same_number(ours: str, theirs: str) -> bool:
    return text_key(ours).replace(" ", "") == text_key(theirs).replace(" ", "")


def _ahead(target: str, current: str) -> bool:
    """Whether a record in `current` may take `target` from SIASN: further along the pipeline, or (a status
    outside it) one move away."""
    if current in cases.FINAL:
        return False
    if target in cases.PIPELINE and current in cases.PIPELINE:
        return cases.PIPELINE.index(target) > cases.PIPELINE.index(current)
    return target in cases.allowed_transitions(current)


def compare(row: SiasnRow, ours: OurCase | None, *, known: bool) -> Line:
    """The verdict on one SIASN row against the record of the employee with its NIP.

    `known`: an employee with that NIP is in the register and in the staff member's units; `ours` is their
    retirement record (None when they have none, or only a cancelled one).
    """
    if not known:
        return Line(row.row, row.nip, UNKNOWN)
    if ours is None:
        return Line(
            row.row,
            row.nip,
            CONFLICT,
            notes=(_("Purna has no retirement record for this employee: open one on the employee's page."),),
        )
    changes: list[Change] = []
    conflicts: list[Change] = []
    notes: list[str] = []
    if row.tmt is not None and row.tmt != ours.tmt:
        conflicts.append(Change("tmt", ours.tmt, row.tmt))
    for number, date in (("pertek_number", "pertek_date"), ("sk_number", "sk_date")):
        their_number, their_date = getattr(row, number), getattr(row, date)
        our_number, our_date = getattr(ours, number), getattr(ours, date)
        if their_number and our_number and not _same_number(our_number, their_number):
            conflicts.append(Change(number, our_number, their_number))
        elif their_number and not our_number:
            if their_date is None and our_date is None:
                # A number is recorded with its date (cases.decision_errors): a person completes it.
                conflicts.append(Change(date, None, None))
                notes.append(_("SIASN gives the number %(number)s without its date.") % {"number": their_number})
            else:
                changes.append(Change(number, our_number, their_number))
        if their_date is not None and our_date is not None and their_date != our_date:
            conflicts.append(Change(date, our_date, their_date))
        elif their_date is not None and our_date is None and (their_number or our_number):
            changes.append(Change(date, our_date, their_date))

    # The status SIASN implies: what it says, and at least "SK issued" once an SK is known, "pertek issued"
    # once a pertek is (with its date, from the file or the record).
    target = row.status
    if row.status is None and row.status_text:
        notes.append(
            _('SIASN says "%(status)s": Purna has no such step yet; not applied.') % {"status": row.status_text}
        )
    has_sk = bool((row.sk_number or ours.sk_number) and (row.sk_date or ours.sk_date))
    has_pertek = bool((row.pertek_number or ours.pertek_number) and (row.pertek_date or ours.pertek_date))
    if target in cases.BKN_ANSWERS:
        pass  # BKN's answer is what the row says, whatever numbers it carries
    elif has_sk and row.sk_number and (target is None or _ahead(CaseStatus.SK_ISSUED, target)):
        target = CaseStatus.SK_ISSUED
    elif row.pertek_number and (target is None or _ahead(CaseStatus.PERTEK, target)):
        target = CaseStatus.PERTEK
    if target is not None and target != ours.status:
        if ours.status == CaseStatus.CANCELLED:
            conflicts.append(Change("status", ours.status, target))
        elif target in cases.BKN_ANSWERS:
            answer_label = cases.label(target)
            if not _ahead(target, ours.status):
                conflicts.append(Change("status", ours.status, target))
                notes.append(
                    _('SIASN says "%(answer)s", but a record that is "%(current)s" cannot take that answer.')
                    % {"answer": answer_label, "current": cases.label(ours.status)}
                )
            elif not row.reason:
                # BKN's answer is kept with its reason (the BTL/TMS report reads it): never without one.
                conflicts.append(Change("status", ours.status, target))
                conflicts.append(Change(REASON, None, None))
                notes.append(
                    _('SIASN says "%(answer)s" without BKN\'s reason: add the reason column (alasan, keterangan or '
                      "catatan) to the list, or record the answer with its reason on the record's page.")
                    % {"answer": answer_label}
                )  # fmt: skip
            else:
                changes.append(Change("status", ours.status, target))
                changes.append(Change(REASON, "", row.reason))
        elif _ahead(target, ours.status):
            if target == CaseStatus.SK_ISSUED and not (row.sk_signer or ours.sk_signer):
                conflicts.append(Change("status", ours.status, target))
                notes.append(_("SIASN does not say who signed the SK: record the SK on the record's page."))
            elif target == CaseStatus.SK_ISSUED and not has_sk:
                conflicts.append(Change("status", ours.status, target))
                notes.append(_("SIASN does not give the SK's number and date: record the SK on the record's page."))
            elif target == CaseStatus.PERTEK and not has_pertek:
                conflicts.append(Change("status", ours.status, target))
                notes.append(
                    _("SIASN does not give the pertek's number and date: record the pertek on the record's page.")
                )
            else:
                changes.append(Change("status", ours.status, target))
                if row.sk_signer and not ours.sk_signer and target == CaseStatus.SK_ISSUED:
                    changes.append(Change("sk_signer", "", row.sk_signer))
    if (changes or conflicts) and ours.status in cases.FINAL and not conflicts:
        # A closed record is not changed by a file.
        conflicts.extend(changes)
        changes = []
        notes.append(_("The record is closed (%(status)s).") % {"status": cases.label(ours.status)})
    if conflicts:
        return Line(row.row, row.nip, CONFLICT, tuple(changes), tuple(conflicts), tuple(notes))
    if changes:
        return Line(row.row, row.nip, UPDATE, tuple(changes), (), tuple(notes))
    return Line(row.row, row.nip, MATCHED, notes=tuple(notes))


def proposal_date(row: SiasnRow, today: dt.date) -> dt.date:
    """The date a record moved to "proposed" by a SIASN list was proposed: the file's, else no later than
    BKN's first answer (the pertek or the SK), else the day the list is applied."""
    known = [date for date in (row.proposed_on, row.pertek_date, row.sk_date) if date is not None]
    return row.proposed_on or min(known, default=today)


def compare_all(rows: Iterable[SiasnRow], records: Mapping[str, OurCase | None], known: Iterable[str]) -> list[Line]:
    """The verdict on every row: `records` by NIP (the known employees' records), `known` the NIPs of the
    register inside the staff member's units."""
    known = set(known)
    return [compare(row, records.get(row.nip), known=row.nip in known) for row in rows]


def duplicate_errors(rows: Iterable[SiasnRow]) -> list[CellError]:
    """A NIP given twice in the list: which of its rows would SIASN mean?"""
    first: dict[str, int] = {}
    errors = []
    for row in rows:
        seen = first.setdefault(row.nip, row.row)
        if seen != row.row:
            errors.append(
                CellError(
                    row.row,
                    "NIP",
                    _("NIP %(nip)s is also in row %(first)d: a NIP may appear only once in the list.")
                    % {"nip": row.nip, "first": seen},
                )
            )
    return errors
