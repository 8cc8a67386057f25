"""The employee spreadsheet of the import: its columns, and the reading of a header and of a row.

What a file must look like is documented on the import page (COLUMNS) and in the templates offered
there; employees/exporter.py writes the same columns, so an export can be imported again unchanged.
The file itself (type, encoding, separator, XLSX, dates, cell errors) is read by purna/spreadsheets.py;
here, liberal where the meaning is unambiguous, strict otherwise:
- headers match whatever their case and spacing, and their aliases; values of code lists match by code
  or by Indonesian label ("Fungsional", "fungsional", "Ahli Muda", "ahli_muda");
- a formula (a CSV cell starting with "=", or an XLSX cell with a formula) is refused with its cell
  named; an 18-digit NIP that Excel stored as a number (and so rounded) is refused with the reason.

The rules of the register itself (NIP against the record, golongan PNS vs PPPK, jenjang only for
fungsional...) are not here: employees/services/imports.py applies employees/services/register.py's.
No ORM, no settings, no clock: limits and the lists of units are parameters.
"""

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from employees import siasn
from employees.nip import NIP_LAMA_LENGTH, normalize_nip
from purna import spreadsheets
from purna.spreadsheets import (
    CELL_REF,
    CellError,
    CellValueError,
    ImportFileError,
    Sheet,
    cell_text,
    column_letter,
    formula_message,
    header_key,
    letter_index,
    number_text,
    parse_date,
    text_key,
)

# How many errors (and dry-run changes) a job keeps to show: the page shows these and the total.
ERRORS_KEPT = 500
CHANGES_KEPT = 100

# --- Code lists: codes of employees/choices.py with the Indonesian words written in spreadsheets. ----
# The words are the civil service's own (not translated): the export writes them and the import reads
# them back, whatever language the interface is in.
ASN_TYPES = {"PNS": "PNS", "PPPK": "PPPK"}
GENDERS = {"1": "L", "2": "P"}
GENDER_WORDS = {
    "l": "1",
    "1": "1",
    "laki-laki": "1",
    "laki laki": "1",
    "lakilaki": "1",
    "pria": "1",
    "p": "2",
    "2": "2",
    "perempuan": "2",
    "wanita": "2",
}
JENIS_JABATAN = {
    "jpt_utama": "JPT Utama",
    "jpt_madya": "JPT Madya",
    "jpt_pratama": "JPT Pratama",
    "administrator": "Administrator",
    "pengawas": "Pengawas",
    "pelaksana": "Pelaksana",
    "fungsional": "Fungsional",
}
JENJANG = {
    "ahli_utama": "Ahli Utama",
    "ahli_madya": "Ahli Madya",
    "ahli_muda": "Ahli Muda",
    "ahli_pertama": "Ahli Pertama",
    "penyelia": "Penyelia",
    "mahir": "Mahir",
    "terampil": "Terampil",
    "pemula": "Pemula",
}
RUMPUN = {
    "guru": "Guru",
    "dosen": "Dosen",
    "profesor": "Profesor",
    "peneliti": "Peneliti",
    "perekayasa": "Perekayasa",
}
STATUSES = {
    "aktif": "Aktif",
    "mpp": "MPP",
    "pensiun": "Pensiun",
    "meninggal": "Meninggal",
    "berhenti": "Berhenti",
    "pindah": "Pindah",
}
# Other ways people write these values, unambiguous ones only.
EXTRA_WORDS = {
    "jenis_jabatan": {"jabatan fungsional": "fungsional", "jf": "fungsional", "functional": "fungsional"},
    "rumpun": {"guru besar": "profesor"},
    "status": {"active": "aktif", "masa persiapan pensiun": "mpp"},
}


def _lookup(codes: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    found = {text_key(code): code for code in codes}
    found.update({text_key(label): code for code, label in codes.items()})
    found.update({text_key(word): code for word, code in (extra or {}).items()})
    return found


# --- Columns -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the employee spreadsheet: its header, the model field it fills and how to read it."""

    field: str  # the Employee attribute, or "unit_code" (resolved to unit_id)
    header: str  # as written in the template (Indonesian, the users' words)
    kind: str  # text | nip | nip_lama | date | gender | code | golongan | unit
    required: bool
    help: Promise
    example: str
    aliases: tuple[str, ...] = ()
    codes: Mapping[str, str] | None = None  # for kind "code": code -> Indonesian label
    text: bool = False  # formatted as text in the XLSX template (digits that are not numbers)


COLUMNS: list[Column] = [
    Column(
        "nip",
        "NIP",
        "nip",
        True,
        gettext_lazy("18 digits, spaces allowed; for a PPPK the NI PPPK. In Excel, format the column as Text."),
        "19700512 199503 2 001",
        aliases=("nip baru", "ni pppk", "nip / ni pppk", "nip/ni pppk"),
        text=True,
    ),
    Column(
        "nip_lama",
        "NIP lama",
        "nip_lama",
        False,
        gettext_lazy("The 9-digit NIP from before 2008, if any."),
        "010123456",
        text=True,
    ),
    Column("asn_type", "jenis ASN", "code", True, gettext_lazy("PNS or PPPK."), "PNS", codes=ASN_TYPES),
    Column("front_title", "gelar depan", "text", False, gettext_lazy("For example Drs., Dr., Ir., H."), "Dra."),
    Column("name", "nama", "text", True, gettext_lazy("The name without titles."), "Siti Aminah"),
    Column("back_title", "gelar belakang", "text", False, gettext_lazy("For example S.Pd., M.Si."), "M.Si."),
    Column("birth_place", "tempat lahir", "text", False, gettext_lazy("Place of birth."), "Semarang"),
    Column(
        "birth_date",
        "tanggal lahir",
        "date",
        True,
        gettext_lazy("A date: 12-05-1970, 12/05/1970, 1970-05-12, 12 Mei 1970 or an Excel date."),
        "12-05-1970",
    ),
    Column(
        "gender",
        "jenis kelamin",
        "gender",
        True,
        gettext_lazy("L or P (1 or 2 are accepted too)."),
        "P",
        aliases=("jk", "l/p"),
    ),
    Column(
        "golongan",
        "golongan",
        "golongan",
        False,
        gettext_lazy("PNS: I/a to IV/e. PPPK: I to XVII. Never one for the other."),
        "III/c",
        aliases=("gol", "gol.", "golongan ruang", "gol/ruang", "gol. ruang"),
    ),
    Column("jabatan", "jabatan", "text", False, gettext_lazy("The position title."), "Analis Kepegawaian"),
    Column(
        "jenis_jabatan",
        "jenis jabatan",
        "code",
        True,
        gettext_lazy("JPT Utama, JPT Madya, JPT Pratama, Administrator, Pengawas, Pelaksana or Fungsional."),
        "Pelaksana",
        codes=JENIS_JABATAN,
    ),
    Column(
        "jenjang",
        "jenjang",
        "code",
        False,
        gettext_lazy(
            "Only for Fungsional: Ahli Utama, Ahli Madya, Ahli Muda, Ahli Pertama, Penyelia, Mahir, Terampil or Pemula."
        ),
        "",
        codes=JENJANG,
    ),
    Column(
        "rumpun",
        "rumpun",
        "code",
        False,
        gettext_lazy(
            "Only for a Fungsional whose own law sets the BUP: Guru, Dosen, Profesor, Peneliti or Perekayasa."
        ),
        "",
        codes=RUMPUN,
    ),
    Column(
        "unit_code",
        "kode unit kerja",
        "unit",
        True,
        gettext_lazy("The code of an existing work unit (the list is below)."),
        "BKPSDM",
        aliases=("kode unit", "kode satker", "kode opd"),
        text=True,
    ),
    Column(
        "tmt_cpns",
        "TMT CPNS",
        "date",
        True,
        gettext_lazy("A date. For a PPPK: the first appointment."),
        "01-03-1995",
    ),
    Column("tmt_pns", "TMT PNS", "date", False, gettext_lazy("A date, if any."), "01-03-1996"),
    Column(
        "contract_end",
        "akhir kontrak",
        "date",
        False,
        gettext_lazy("Only for a PPPK: the last day of the contract."),
        "",
        aliases=("akhir kontrak pppk",),
    ),
    Column("email", "email", "text", False, gettext_lazy("Office email address."), "siti.aminah@contoh.go.id"),
    Column("phone", "telepon", "text", False, gettext_lazy("Office phone number."), "(024) 351 1234"),
    Column(
        "personal_email",
        "email pribadi",
        "text",
        False,
        gettext_lazy("Personal email address: used once the employee has retired."),
        "siti.aminah@gmail.com",
    ),
    Column(
        "personal_phone",
        "telepon pribadi",
        "text",
        False,
        gettext_lazy("Personal (mobile) phone number."),
        "0812 3456 7890",
        aliases=("no hp", "hp", "nomor hp"),
    ),
    Column("address", "alamat", "text", False, gettext_lazy("Home address."), "Jl. Pemuda No. 1, Semarang"),
    Column(
        "status",
        "status",
        "code",
        False,
        gettext_lazy(
            "Aktif, MPP, Pensiun, Meninggal, Berhenti or Pindah. Empty: Aktif for a new employee, unchanged "
            "for an existing one."
        ),
        "Aktif",
        codes=STATUSES,
    ),
    Column(
        "tmt_golongan",
        "TMT golongan",
        "date",
        False,
        gettext_lazy("A date: since when the employee holds the current golongan."),
        "01-04-2019",
    ),
]
# SIASN's export columns are aliases too (employees/siasn.py HEADERS, the one table of them).
COLUMNS = [replace(column, aliases=(*column.aliases, *siasn.aliases_of(column.field))) for column in COLUMNS]
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
# Columns that Purna computes and the export writes: an export can be imported again, and these are ignored.
COMPUTED_HEADERS = [
    "pangkat",
    "nama unit kerja",
    "BUP",
    "tanggal mencapai BUP",
    "TMT pensiun",
    "masa kerja (tahun)",
    "masa kerja (bulan)",
]
_HEADER_LOOKUP = {
    text_key(alias): column for column in COLUMNS for alias in (column.header, column.field, *column.aliases)
}
_COMPUTED_LOOKUP = {text_key(header) for header in COMPUTED_HEADERS}
_SIASN_IGNORED = {text_key(header) for header in siasn.IGNORED_HEADERS}
_CODE_LOOKUPS = {
    column.field: _lookup(column.codes, {**EXTRA_WORDS.get(column.field, {}), **siasn.WORDS.get(column.field, {})})
    for column in COLUMNS
    if column.kind == "code" and column.codes
}
# Every spelling of a header this file knows: what a CSV's separator is guessed from.
HEADERS = [alias for column in COLUMNS for alias in (column.header, column.field, *column.aliases)]
_GENDER_LOOKUP = {**GENDER_WORDS, **{text_key(word): code for word, code in siasn.WORDS["gender"].items()}}


def open_sheet(file: IO[bytes], *, name: str, size: int, max_bytes: int) -> Sheet:
    """Open an uploaded employee spreadsheet (purna/spreadsheets.py open_sheet, with these columns'
    headers); raise ImportFileError if it cannot be read."""
    return spreadsheets.open_sheet(file, name=name, size=size, max_bytes=max_bytes, headers=HEADERS)


# --- Header ---------------------------------------------------------------------------------------------


@dataclass
class Layout:
    """Which file column holds which Column; and what was ignored."""

    positions: list[tuple[int, Column]]  # (index in the row, column)
    ignored: list[str]  # computed columns of an export, ignored
    unused: list[str] = field(default_factory=list)  # columns of a SIASN export that Purna does not keep

    @functools.cached_property
    def readers(self) -> list[tuple[int, str, Any, bool, Column]]:
        """(index, field, reading function, required, column) per column: what parse_row loops over."""
        return [(index, column.field, _reader(column), column.required, column) for index, column in self.positions]

    @functools.cached_property
    def jenjang_from_jabatan(self) -> bool:
        """A file without jenjang and rumpun columns but with the jabatan (a SIASN export): a jabatan
        fungsional's jenjang and rumpun are read from its name (employees/siasn.py)."""
        return not self.fields & {"jenjang", "rumpun"} and "jabatan" in self.fields

    @property
    def fields(self) -> set[str]:
        return {column.field for _index, column in self.positions}

    def header_of(self, index: int) -> str:
        for position, column in self.positions:
            if position == index:
                return column.header
        return ""


def read_header(header: list[Any]) -> Layout:
    """Match the header's cells to COLUMNS; raise ImportFileError naming missing, unknown or repeated ones."""
    positions: list[tuple[int, Column]] = []
    seen: dict[str, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    ignored: list[str] = []
    unused: list[str] = []
    for index, raw in enumerate(header):
        text = raw.lstrip("\ufeff") if isinstance(raw, str) else ("" if raw is None else str(raw))
        key = header_key(text)
        if not key:
            continue
        column = _HEADER_LOOKUP.get(key)
        if column is None:
            if key in _COMPUTED_LOOKUP:
                ignored.append(text.strip())
            elif key in _SIASN_IGNORED:
                unused.append(text.strip())
            else:
                unknown.append(text.strip())
            continue
        if column.field in seen:
            repeated.append(text.strip())
            continue
        seen[column.field] = text
        positions.append((index, column))
    problems = []
    missing = [column.header for column in COLUMNS if column.required and column.field not in seen]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(
            _("Unknown columns: %(columns)s (check the spelling against the template).")
            % {"columns": ", ".join(unknown)}
        )
    if repeated:
        problems.append(_("Columns given twice: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        raise ImportFileError(" ".join(problems))
    return Layout(positions=positions, ignored=ignored, unused=unused)


# --- Cells ------------------------------------------------------------------------------------------------


_GOLONGAN = re.compile(r"(XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\s*(?:/\s*)?([A-Ea-e])?")


def parse_nip(value: Any) -> str:
    """The NIP without spaces; refuses a NIP that Excel stored (and rounded) as a number."""
    if value.__class__ is str and value.isdigit() and value.isascii():
        return value  # digits only, as most files write it: nothing to strip, normalise or refuse here
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = number_text(value)
        if len(digits) > 15:
            # Excel keeps 15 significant digits: an 18-digit NIP typed as a number has lost its last ones.
            raise CellValueError(
                _(
                    "The NIP was stored by Excel as a number, which loses its last digits. Format the column "
                    "as Text and type the NIPs again."
                )
            )
        return digits
    text = normalize_nip(cell_text(value))
    if re.fullmatch(r"\d(?:[.,]\d+)?[eE]\+?\d+", text):
        raise CellValueError(
            _(
                "%(value)s is a NIP shown by Excel as a number, with its last digits lost. Format the column as "
                "Text and type the NIPs again."
            )
            % {"value": text}
        )
    return text


def parse_nip_lama(value: Any) -> str:
    """The old 9-digit NIP; a number loses its leading zero in Excel, so numbers are padded back to 9 digits."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = number_text(value)
        return digits.zfill(NIP_LAMA_LENGTH) if digits.isdigit() and len(digits) < NIP_LAMA_LENGTH else digits
    return normalize_nip(cell_text(value))


def parse_gender(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return ""
    try:
        return _GENDER_LOOKUP[text_key(text)]
    except KeyError as exc:
        raise CellValueError(_("%(value)s: write L or P.") % {"value": text}) from exc


def parse_golongan(value: Any) -> str:
    """ "iii / C" -> "III/c", "ix" -> "IX", a pangkat as SIASN writes it ("Penata") -> "III/c"; anything
    else is returned as written, for the register to judge."""
    text = cell_text(value)
    match = _GOLONGAN.fullmatch(text.upper())
    if not match:
        return siasn.golongan_of_pangkat(text) or text
    return f"{match[1]}/{match[2].lower()}" if match[2] else match[1]


def parse_code(column: Column, value: Any) -> str:
    text = cell_text(value)
    if not text:
        return ""
    try:
        return _CODE_LOOKUPS[column.field][text_key(text)]
    except KeyError as exc:
        # A SIASN word with no single meaning here says why; SIASN's prefixed words ("PNS Daerah ...").
        code = siasn.code_of(column.field, text)
        if code:
            return code
        raise CellValueError(
            _("%(value)s is not one of: %(choices)s.")
            % {"value": text, "choices": ", ".join((column.codes or {}).values())}
        ) from exc


@dataclass(frozen=True)
class Unit:
    id: int
    is_active: bool


class UnitLookup:
    """Work units by code: exact code first, then the code in any case when that is unambiguous; then, for
    a SIASN export (its unor_nama), the unit's name whatever its case and spacing, when only one unit has it."""

    def __init__(self, units: Iterable[tuple[str, int, bool]], *, names: Iterable[tuple[str, int, bool]] = ()) -> None:
        self.exact: dict[str, Unit] = {}
        folded: dict[str, list[Unit]] = {}
        for code, pk, is_active in units:
            unit = Unit(pk, is_active)
            self.exact[code] = unit
            folded.setdefault(code.strip().casefold(), []).append(unit)
        self.folded = {code: found[0] for code, found in folded.items() if len(found) == 1}
        by_name: dict[str, list[Unit]] = {}
        for name, pk, is_active in names:
            by_name.setdefault(text_key(name), []).append(Unit(pk, is_active))
        self.names = {name: found[0] for name, found in by_name.items() if len(found) == 1}

    def get(self, code: str) -> Unit | None:
        return self.exact.get(code) or self.folded.get(code.casefold()) or self.names.get(text_key(code))


_READERS = {
    "text": cell_text,
    "unit": cell_text,
    "date": parse_date,
    "nip": parse_nip,
    "nip_lama": parse_nip_lama,
    "gender": parse_gender,
    "golongan": parse_golongan,
}


# Kinds whose cells take a handful of values in a file (codes, L/P, golongan): read once per value.
_REMEMBERED_KINDS = {"code", "gender", "golongan"}
_REMEMBERED_MAX = 1000  # values remembered per column: a file cannot make it grow without bound
_MISSING = object()


def _reader(column: Column) -> Any:
    """The function that reads one cell of this column."""
    read = functools.partial(parse_code, column) if column.kind == "code" else _READERS[column.kind]
    if column.kind in _REMEMBERED_KINDS:
        return _remembering(read)
    return read


def _remembering(read: Any) -> Any:
    """`read`, remembering what it made of each text (one Layout's columns: one file). A value it
    refuses raises every time, and so is never remembered; only text is (1 == True == 1.0 as keys)."""
    memory: dict[str, Any] = {}

    def remembered(raw: Any) -> Any:
        if raw.__class__ is not str:
            return read(raw)
        value = memory.get(raw, _MISSING)
        if value is _MISSING:
            value = read(raw)
            if len(memory) < _REMEMBERED_MAX:
                memory[raw] = value
        return value

    return remembered


def parse_row(
    cells: list[Any], layout: Layout, *, row: int, units: UnitLookup, first_column: int = 0
) -> tuple[dict[str, Any], list[CellError]]:
    """The values of one data row by model field, and its cell errors.

    A required column left empty, an unreadable value and a formula are errors; a field whose cell
    failed is left out of the values. "unit_code" becomes "unit_id" (with "_unit_active"), "status"
    is left out when empty (the model's default for a new employee, unchanged for an existing one).
    """
    values: dict[str, Any] = {}
    errors: list[CellError] = []
    width = len(cells)
    for index, name, read, required, column in layout.readers:
        raw = cells[index] if index < width else None
        try:
            if raw.__class__ is str and raw and (raw[0] == "=" or (raw[0] in " \t" and raw.lstrip()[:1] == "=")):
                raise CellValueError(formula_message(f"{column_letter(index + first_column)}{row}"))
            value = read(raw)
            if required and (value is None or value == ""):
                raise CellValueError(_("This column is required; the cell is empty."))
            if name == "unit_code":
                unit = units.get(value)
                if unit is None:
                    raise CellValueError(_("No work unit has the code %(code)s.") % {"code": value})
                values["unit_id"] = unit.id
                values["_unit_active"] = unit.is_active
            elif value or name != "status":
                values[name] = value
        except CellValueError as exc:
            errors.append(CellError(row, column.header, str(exc), f"{column_letter(index + first_column)}{row}"))
    if layout.jenjang_from_jabatan and values.get("jenis_jabatan") == "fungsional" and values.get("jabatan"):
        jenjang, rumpun = siasn.position_of_jabatan(values["jabatan"])
        if jenjang:
            values["jenjang"] = jenjang
        if rumpun:
            values["rumpun"] = rumpun
    return values, errors


def formula_errors(cells: Iterable[str], layout: Layout, *, first_column: int = 0) -> list[CellError]:
    """One error per XLSX cell holding a formula, with its row and column."""
    errors = []
    for ref in cells:
        match = CELL_REF.fullmatch(ref)
        row = int(match[2]) if match else None
        header = layout.header_of(letter_index(match[1]) - first_column) if match else ""
        errors.append(CellError(row, header, formula_message(ref), ref))
    return errors


# --- Results, as stored on an ImportJob -------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import found and did (or, for a dry run, would do)."""

    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)  # the first ERRORS_KEPT
    error_count: int = 0
    notices: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # the first CHANGES_KEPT: row, nip, name, fields

    # The errors already counted, so that the same error of the same cell is counted and shown once.
    _seen: set[tuple] = field(default_factory=set, repr=False, compare=False)

    def add_error(self, error: CellError) -> None:
        key = _error_key(error.as_dict())
        if key in self._seen:
            return
        self._seen.add(key)
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(error)

    def add_change(self, *, row: int, nip: str, name: str, fields: list[str]) -> None:
        if len(self.changes) < CHANGES_KEPT:
            self.changes.append({"row": row, "nip": nip, "name": name, "fields": fields})

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def pack(self) -> list[dict[str, Any]]:
        """The JSON stored in ImportJob.errors: errors, then notices, changes and the error total.

        ImportJob has one JSON field for all of it; entries carry a "kind" ("error" when absent).
        """
        packed: list[dict[str, Any]] = [error.as_dict() for error in self.errors]
        packed += [{"kind": "notice", "message": notice} for notice in self.notices]
        packed += [{"kind": "change", **change} for change in self.changes]
        if self.error_count > len(self.errors):
            packed.append({"kind": "error_count", "count": self.error_count})
        return packed


@dataclass(frozen=True)
class StoredResult:
    errors: list[dict[str, Any]]
    error_count: int
    notices: list[str]
    changes: list[dict[str, Any]]


def _error_key(error: dict[str, Any]) -> tuple:
    return error.get("row"), error.get("column"), error.get("cell"), error.get("message")


def unpack(stored: list[dict[str, Any]] | None) -> StoredResult:
    """Read back what ImportResult.pack stored (an error stored twice by an older import shown once)."""
    errors, notices, changes = [], [], []
    count = None
    seen = set()
    for entry in stored or []:
        kind = entry.get("kind", "error")
        if kind == "error":
            if (key := _error_key(entry)) not in seen:
                seen.add(key)
                errors.append(entry)
        elif kind == "notice":
            notices.append(entry["message"])
        elif kind == "change":
            changes.append(entry)
        elif kind == "error_count":
            count = entry["count"]
    return StoredResult(errors=errors, error_count=count or len(errors), notices=notices, changes=changes)
