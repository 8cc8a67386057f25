"""The family spreadsheet: one row per family member, keyed by the employee's NIP.

Its columns (COLUMNS) are documented on the family import page. Reading is liberal where the meaning is
unambiguous (headers whatever their case and spacing, and their aliases; "Istri", "ISTRI", "isteri"),
strict otherwise. The file itself (type, encoding, separator, dates, cell errors) is read by
purna/spreadsheets.py; the family rules are employees/family.py's, applied by
employees/services/family_import.py. No ORM, no settings, no clock.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from employees.family import normalize_nik
from employees.nip import normalize_nip
from purna.spreadsheets import CellError, CellValueError, ImportFileError, cell_text, header_key, parse_date

SPOUSE, CHILD, PARENT = "spouse", "child", "parent"
# The word in the "hubungan" column -> (kind of member, the parent's relation code).
RELATIONS: dict[str, tuple[str, str]] = {
    "suami": (SPOUSE, ""),
    "istri": (SPOUSE, ""),
    "isteri": (SPOUSE, ""),
    "suami/istri": (SPOUSE, ""),
    "anak": (CHILD, ""),
    "ayah": (PARENT, "ayah"),
    "bapak": (PARENT, "ayah"),
    "ibu": (PARENT, "ibu"),
}
CHILD_RELATIONS = {"kandung": "kandung", "tiri": "tiri", "angkat": "angkat"}
MARRIAGE_ENDS = {"cerai": "cerai", "wafat": "wafat", "meninggal": "wafat", "meninggal dunia": "wafat"}
YES = {"ya", "y", "1", "true", "benar"}
NO = {"tidak", "t", "0", "false", "", "belum"}


@dataclass(frozen=True)
class Column:
    """A column of the family sheet: its header, other spellings, the model field it fills, its reader."""

    header: str
    field: str
    kinds: tuple[str, ...] = (SPOUSE, CHILD, PARENT)
    aliases: tuple[str, ...] = ()
    required: bool = False
    reader: str = "text"


COLUMNS = [
    Column("nip", "nip", required=True, aliases=("nip_baru", "nip pegawai"), reader="nip"),
    Column("hubungan", "relation", required=True, aliases=("hubungan keluarga", "status keluarga"), reader="relation"),
    Column("nama", "name", required=True, aliases=("nama lengkap",)),
    Column("nik", "nik", reader="nik"),
    Column("tempat_lahir", "birth_place"),
    Column("tanggal_lahir", "birth_date", aliases=("tgl_lahir",), reader="date"),
    Column("tanggal_wafat", "died_on", aliases=("tgl_wafat", "tanggal meninggal"), reader="date"),
    Column("urutan", "order", kinds=(SPOUSE,), aliases=("istri ke",), reader="order"),
    Column("tanggal_menikah", "marriage_date", kinds=(SPOUSE,), aliases=("tgl_menikah",), reader="date"),
    Column("nomor_akta_nikah", "marriage_certificate", kinds=(SPOUSE,), aliases=("akta nikah", "no akta nikah")),
    Column("tanggal_berakhir", "ended_on", kinds=(SPOUSE,), aliases=("tanggal cerai", "tgl_cerai"), reader="date"),
    Column("sebab_berakhir", "end_reason", kinds=(SPOUSE,), reader="end_reason"),
    Column("status_anak", "child_relation", kinds=(CHILD,), aliases=("jenis anak",), reader="child_relation"),
    Column("orang_tua_lain", "other_parent", kinds=(CHILD,), aliases=("nama ibu/ayah", "nama pasangan")),
    Column("menikah", "is_married", kinds=(CHILD,), aliases=("sudah menikah",), reader="yes_no"),
    Column("bekerja", "is_working", kinds=(CHILD,), aliases=("berpenghasilan",), reader="yes_no"),
    Column("sekolah", "in_school", kinds=(CHILD,), aliases=("masih sekolah",), reader="yes_no"),
]
_BY_KEY = {header_key(name): column for column in COLUMNS for name in (column.header, *column.aliases)}


def header_names() -> list[str]:
    """Every header the sheet accepts (for a CSV's separator guess)."""
    return [name for column in COLUMNS for name in (column.header, *column.aliases)]


@dataclass(frozen=True)
class Layout:
    """Which column of the file holds what: (index, Column), in the file's order."""

    columns: list[tuple[int, Column]]


def read_header(header: Iterable[Any]) -> Layout:
    """The layout of a header row; ImportFileError for a missing required, an unknown or a repeated column."""
    found: list[tuple[int, Column]] = []
    unknown, seen = [], set()
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        column = _BY_KEY.get(key)
        if column is None:
            unknown.append(str(cell).strip())
        elif column.header in seen:
            raise ImportFileError(_("The column %(column)s appears twice.") % {"column": column.header})
        else:
            seen.add(column.header)
            found.append((index, column))
    if unknown:
        raise ImportFileError(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    missing = [column.header for column in COLUMNS if column.required and column.header not in seen]
    if missing:
        raise ImportFileError(_("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)})
    return Layout(found)


@dataclass
class FamilyRow:
    """One member as read from the sheet: the employee's NIP, the kind of member, and the model's fields
    (other_parent is the other parent's name, resolved by the service)."""

    row: int
    nip: str
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)


def _read(reader: str, value: Any) -> Any:
    if reader == "date":
        return parse_date(value)
    text = cell_text(value)
    if reader == "nip":
        nip = normalize_nip(text)
        if not (nip.isdigit() and len(nip) == 18):
            raise CellValueError(_("A NIP has 18 digits."))
        return nip
    if reader == "nik":
        return normalize_nik(text)
    if reader == "order":
        if not text:
            return 1
        if not text.isdigit() or not 1 <= int(text) <= 4:
            raise CellValueError(_("Write the order as a number from 1 to 4."))
        return int(text)
    if reader in ("relation", "child_relation", "end_reason"):
        words = {"relation": RELATIONS, "child_relation": CHILD_RELATIONS, "end_reason": MARRIAGE_ENDS}[reader]
        key = " ".join(text.split()).casefold()
        if not key and reader != "relation":
            return ""
        if key not in words:
            raise CellValueError(_("Write one of: %(words)s.") % {"words": ", ".join(words)})
        return words[key]
    if reader == "yes_no":
        key = text.casefold()
        if key in YES:
            return True
        if key in NO:
            return False
        raise CellValueError(_("Write ya or tidak."))
    return text


def parse_row(row: int, cells: list[Any], layout: Layout) -> tuple[FamilyRow | None, list[CellError]]:
    """A data row as a FamilyRow, or its cell errors (named by row and column)."""
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    for index, column in layout.columns:
        raw = cells[index] if index < len(cells) else None
        try:
            values[column.field] = _read(column.reader, raw)
        except CellValueError as exc:
            errors.append(CellError(row, column.header, str(exc)))
    for column in COLUMNS:
        if column.required and column.field in values and values[column.field] in ("", None):
            errors.append(CellError(row, column.header, _("This cell is required.")))
    if errors:
        return None, errors
    kind, parent_relation = values.pop("relation")
    member = FamilyRow(row=row, nip=values.pop("nip"), kind=kind)
    for _index, column in layout.columns:
        if column.field in values and kind not in column.kinds and values[column.field] not in ("", None, False, 1):
            errors.append(
                CellError(row, column.header, _("This column is not filled for this relation; leave it empty."))
            )
    if errors:
        return None, errors
    member.fields = {
        column.field: values[column.field]
        for _index, column in layout.columns
        if column.field in values and kind in column.kinds
    }
    if kind == PARENT:
        member.fields["relation"] = parent_relation
    if kind == CHILD and "child_relation" in member.fields:
        member.fields["relation"] = member.fields.pop("child_relation") or "kandung"
    return member, []
