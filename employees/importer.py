"""Reading employee spreadsheets (CSV, XLSX) for the import: the file, its columns and its cells.

What a file must look like is documented on the import page (COLUMNS) and in the templates offered
there; employees/exporter.py writes the same columns, so an export can be imported again unchanged.

Liberal where the meaning is unambiguous, strict otherwise:
- the type is decided by the content (an XLSX is a ZIP with a workbook in it, a CSV is text), and the
  name must agree with it;
- CSV text is UTF-8 (with or without BOM) or UTF-16 with a BOM; if it is not UTF-8 it is read as Windows
  text (cp1252), and the result says so; the separator is a comma, a semicolon or a tab;
- headers match whatever their case and spacing; values of code lists match by code or by Indonesian
  label ("Fungsional", "fungsional", "Ahli Muda", "ahli_muda"); dates are real XLSX dates, ISO
  ("2025-10-21"), Indonesian day-first ("21/10/2025", "21-10-2025", "21.10.2025") or "21 Oktober 2025";
- a formula (a CSV cell starting with "=", or an XLSX cell with a formula) is refused with its cell
  named; an 18-digit NIP that Excel stored as a number (and so rounded) is refused with the reason.

The rules of the register itself (NIP against the record, golongan PNS vs PPPK, jenjang only for
fungsional...) are not here: employees/services/imports.py applies employees/services/register.py's.
No ORM, no settings, no clock: limits and the lists of units are parameters.
"""

import codecs
import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree import ElementTree

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from employees.nip import NIP_LAMA_LENGTH, normalize_nip
from purna import uploads

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
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
MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8,
    "agt": 8, "agus": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "nopember": 11, "nop": 11, "desember": 12, "des": 12,
}  # fmt: skip
MIN_YEAR, MAX_YEAR = 1900, 2100


@functools.lru_cache(maxsize=4096)
def _key(value: str) -> str:
    """Case, spacing and underscores do not matter: "Jenis_Jabatan " -> "jenis jabatan"."""
    return " ".join(value.replace("_", " ").replace("\u00a0", " ").split()).casefold()


def _lookup(codes: Mapping[str, str], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    found = {_key(code): code for code in codes}
    found.update({_key(label): code for code, label in codes.items()})
    found.update({_key(word): code for word, code in (extra or {}).items()})
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
    Column("email", "email", "text", False, gettext_lazy("Email address."), "siti.aminah@contoh.go.id"),
    Column("phone", "telepon", "text", False, gettext_lazy("Phone number."), "0812 3456 7890", aliases=("no hp", "hp")),
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
]
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
_HEADER_LOOKUP = {_key(alias): column for column in COLUMNS for alias in (column.header, column.field, *column.aliases)}
_COMPUTED_LOOKUP = {_key(header) for header in COMPUTED_HEADERS}
_CODE_LOOKUPS = {
    column.field: _lookup(column.codes, EXTRA_WORDS.get(column.field))
    for column in COLUMNS
    if column.kind == "code" and column.codes
}


# --- Errors and results ---------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported (type, size, encoding, columns): nothing was read from it."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class CellError:
    """An error in one row (row is the spreadsheet's row number, the header being row 1), or in the file."""

    row: int | None
    column: str  # the column's header, or "" for the row as a whole
    message: str
    cell: str = ""  # "K5" when known

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "cell": self.cell, "message": self.message}


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA" (spreadsheet column names)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _letter_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


# --- The file -------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    """An opened spreadsheet: its header, its data rows as (row number, cells), and what was noticed."""

    format: str
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    total_rows: int  # an upper bound for XLSX (empty rows at the end are counted), exact for CSV
    notices: list[str] = field(default_factory=list)
    formula_cells: list[str] = field(default_factory=list)  # "K5", ... (XLSX)
    first_column: int = 0  # index of the header's first cell (the sheet may start in column B)


def detect_format(head: bytes, name: str) -> str:
    """CSV or XLSX, decided by the first bytes and checked against the name's extension.

    Raises ImportFileError for an empty file, another type (PDF, Word, old .xls, a password-protected
    workbook, an image...) or a name that says one type while the content is the other.
    """
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not head:
        raise ImportFileError(_("The file is empty."))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "The file is an old Excel workbook (.xls) or a password-protected one. Save it as an Excel "
                "Workbook (.xlsx) without a password, or as CSV UTF-8."
            )
        )
    if head.startswith(b"PK\x03\x04"):
        detected = XLSX
    elif head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf")) or _looks_binary(head):
        raise ImportFileError(_("The file is not a spreadsheet: upload a CSV or an Excel (.xlsx) file."))
    else:
        detected = CSV
    if extension not in FORMATS:
        raise ImportFileError(
            _("Files ending in .%(extension)s are not accepted: upload a .csv or .xlsx file.")
            % {"extension": extension or "?"}
        )
    if extension != detected:
        raise ImportFileError(
            _("The file is named .%(extension)s but its content is %(content)s. Save it again in the right format.")
            % {"extension": extension, "content": _("an Excel workbook") if detected == XLSX else _("text (CSV)")}
        )
    return detected


def _looks_binary(head: bytes) -> bool:
    # Text with a UTF-16 byte order mark has NUL bytes, and is still text.
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    return b"\x00" in head


def check_size(size: int, max_bytes: int) -> None:
    """Raise ImportFileError for a file larger than the limit (setting PURNA_IMPORT_MAX_BYTES)."""
    if size > max_bytes:
        raise ImportFileError(
            _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
            % {"size": _megabytes(size), "limit": _megabytes(max_bytes)}
        )


def check_file(file: IO[bytes], *, name: str, size: int, max_bytes: int) -> str:
    """Check an uploaded spreadsheet (a seekable binary file) before it is stored or parsed: its size, its
    type by content (the name must agree) and, for an XLSX, the archive it is (purna/uploads.py: no zip
    bomb, no nested archive, every member unpacked as a stream first). Return the format; raise
    ImportFileError."""
    check_size(size, max_bytes)
    file.seek(0)
    kind = detect_format(file.read(4096), name)
    file.seek(0)
    if kind == XLSX:
        try:
            uploads.archive_check(file)
        except uploads.UploadError as exc:
            raise ImportFileError(exc.message) from exc
    return kind


def open_sheet(file: IO[bytes], *, name: str, size: int, max_bytes: int) -> Sheet:
    """Open an uploaded spreadsheet (a seekable binary file) once check_file passed it; raise
    ImportFileError if it cannot be read."""
    kind = check_file(file, name=name, size=size, max_bytes=max_bytes)
    return _open_xlsx(file) if kind == XLSX else _open_csv(file)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


# --- CSV --------------------------------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t")


def _csv_encoding(file: IO[bytes]) -> tuple[str, list[str]]:
    """The text encoding of a CSV, checked over the whole file, and a notice when it is not UTF-8."""
    file.seek(0)
    head = file.read(4)
    file.seek(0)
    # Excel's "Unicode text" is UTF-16 with a byte order mark (and tab-separated).
    is_utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    candidates = ["utf-16"] if is_utf16 else ["utf-8-sig", "cp1252"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        file.seek(0)
        try:
            while chunk := file.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        notices = []
        if encoding == "cp1252":
            notices.append(
                _(
                    "The file is not UTF-8 text: it was read as Windows text (cp1252). Check names with "
                    'special letters; next time save it as "CSV UTF-8".'
                )
            )
        return encoding, notices
    raise ImportFileError(
        _('The file\'s text encoding is not readable (neither UTF-8 nor Windows text). Save it as "CSV UTF-8".')
    )


def _text(file: IO[bytes], encoding: str) -> io.TextIOWrapper:
    file.seek(0)
    # newline="" as the csv module requires: line breaks inside quoted cells stay in the cell.
    return io.TextIOWrapper(file, encoding=encoding, newline="")


def _delimiter(first_line: str) -> str:
    """The separator that splits the header into the most known columns (ties: the most pieces)."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        known = sum(1 for cell in cells if _key(cell) in _HEADER_LOOKUP)
        return known, len(cells)

    return max(_DELIMITERS, key=score)


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _csv_error_text(error: csv.Error) -> str:
    """The csv module's reason in the person's language (its own text is English)."""
    text = str(error)
    if "field larger than field limit" in text:
        return _("a cell is longer than %(limit)s characters") % {
            "limit": f"{csv.field_size_limit():,}".replace(",", ".")
        }
    if "NUL" in text:
        return _("the file holds null characters (is it really a CSV file?)")
    return _("the quotes or line breaks are not closed properly")


def _open_csv(file: IO[bytes]) -> Sheet:
    encoding, notices = _csv_encoding(file)
    text = _text(file, encoding)
    first_line = text.readline()
    if not first_line.strip():
        text.detach()
        raise ImportFileError(_("The file is empty: the first line must hold the column headers."))
    delimiter = _delimiter(first_line)
    # Count the data rows first (for the progress bar) with the same reader that will read them.
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
        total = sum(1 for cells in reader if not _is_blank(cells))
    except csv.Error as exc:
        text.detach()
        raise ImportFileError(
            _("The CSV file cannot be read near line %(line)d: %(error)s")
            % {"line": reader.line_num, "error": _csv_error_text(exc)}
        ) from exc
    text.detach()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        stream = _text(file, encoding)
        try:
            reader = csv.reader(stream, delimiter=delimiter)
            next(reader)
            # Row numbers as a spreadsheet shows the file: the header is row 1.
            for number, cells in enumerate(reader, start=2):
                if not _is_blank(cells):
                    yield number, cells
        finally:
            stream.detach()

    return Sheet(format=CSV, header=header, rows=rows(), total_rows=total, notices=notices)


# --- XLSX -------------------------------------------------------------------------------------------------

_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")
_MAX_FORMULA_CELLS = 50


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _first_sheet_part(archive: zipfile.ZipFile) -> tuple[str, str]:
    """(name, path in the archive) of the workbook's first visible worksheet, as calamine orders them."""
    # The standard library's parser is safe here: it never fetches external entities, and expat >= 2.4.1
    # (Python 3.11 ships 2.5) stops entity expansion bombs.
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    except (KeyError, ElementTree.ParseError) as exc:
        raise ImportFileError(_("The file is not an Excel workbook: upload a CSV or an Excel (.xlsx) file.")) from exc
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations if _local(rel.tag) == "Relationship"}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet" or sheet.get("state") in ("hidden", "veryHidden"):
            continue
        rel_id = next((value for key, value in sheet.attrib.items() if _local(key) == "id"), None)
        target = targets.get(rel_id, "")
        if "worksheet" not in target and "sheet" not in target.rsplit("/", 1)[-1]:
            continue
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        return sheet.get("name", ""), path
    raise ImportFileError(_("The workbook has no visible worksheet."))


def _formula_cells(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The cells of a worksheet that hold a formula ("K5", ...), at most _MAX_FORMULA_CELLS.

    A fast scan of the XML for a formula element first; only a sheet that has one is parsed to name
    the cells (so a clean sheet of 100,000 rows costs a decompression, not an XML parse).
    """
    with archive.open(part) as stream:
        tail = b""
        found = False
        while chunk := stream.read(1024 * 1024):
            if _FORMULA_TAG.search(tail + chunk):
                found = True
                break
            tail = chunk[-16:]
    if not found:
        return []
    cells: list[str] = []
    with archive.open(part) as stream:
        for _event, element in ElementTree.iterparse(stream, events=("end",)):  # noqa: S314 (see above)
            if _local(element.tag) == "c":
                if any(_local(child.tag) == "f" for child in element):
                    cells.append(element.get("r", "?"))
                    if len(cells) >= _MAX_FORMULA_CELLS:
                        break
                element.clear()
    return cells


def _open_xlsx(file: IO[bytes]) -> Sheet:
    # check_file has unpacked every member of the archive first (purna/uploads.py): no zip bomb gets here.
    # Imported here: the CSV path (and the rest of Purna) does not need the Rust extension loaded.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(_("The Excel file is damaged or incomplete: save it again and upload it.")) from exc
    with archive:
        sheet_name, part = _first_sheet_part(archive)
        if part not in archive.namelist():
            raise ImportFileError(_("The Excel file is damaged or incomplete: save it again and upload it."))
        formula_cells = _formula_cells(archive, part)
    file.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(file)
        sheet = workbook.get_sheet_by_name(sheet_name)
    except CalamineError as exc:
        raise ImportFileError(_("The Excel file cannot be read: %(error)s") % {"error": exc}) from exc
    start_row, start_column = sheet.start or (0, 0)
    iterator = iter(sheet.iter_rows())
    header: list[Any] = []
    header_number = start_row + 1
    # The header is the first row with something in it (a title row above the table is not supported).
    for offset, cells in enumerate(iterator):
        if not _is_blank(cells):
            header = [cell if isinstance(cell, str) else "" if cell is None else str(cell) for cell in cells]
            header_number = start_row + offset + 1
            break
    if not header:
        raise ImportFileError(_("The file is empty: the first line must hold the column headers."))
    total = max(sheet.height - (header_number - start_row), 0)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in enumerate(iterator, start=header_number + 1):
            if not _is_blank(cells):
                yield number, cells

    return Sheet(
        format=XLSX,
        header=header,
        rows=rows(),
        total_rows=total,
        formula_cells=formula_cells,
        first_column=start_column,
    )


# --- Header ---------------------------------------------------------------------------------------------


@dataclass
class Layout:
    """Which file column holds which Column; and what was ignored."""

    positions: list[tuple[int, Column]]  # (index in the row, column)
    ignored: list[str]  # computed columns of an export, ignored

    @functools.cached_property
    def readers(self) -> list[tuple[int, str, Any, bool, Column]]:
        """(index, field, reading function, required, column) per column: what parse_row loops over."""
        return [(index, column.field, _reader(column), column.required, column) for index, column in self.positions]

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
    for index, raw in enumerate(header):
        text = raw.lstrip("\ufeff") if isinstance(raw, str) else ("" if raw is None else str(raw))
        key = _key(text.strip().rstrip("*"))
        if not key:
            continue
        column = _HEADER_LOOKUP.get(key)
        if column is None:
            if key in _COMPUTED_LOOKUP:
                ignored.append(text.strip())
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
    return Layout(positions=positions, ignored=ignored)


# --- Cells ------------------------------------------------------------------------------------------------


class CellValueError(ValueError):
    """A cell that cannot be read; the message says why, in the user's words."""


_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})")
_WORDS_DATE = re.compile(r"(\d{1,2})[ -]+([A-Za-z]+)\.?[ -]+(\d{2,4})")
_GOLONGAN = re.compile(r"(XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I)\s*(?:/\s*)?([A-Ea-e])?")


def _date(year: int, month: int, day: int, raw: str) -> dt.date:
    if year < 100:
        raise CellValueError(_("%(value)s: write the year with four digits.") % {"value": raw})
    try:
        value = dt.date(year, month, day)
    except ValueError as exc:
        raise CellValueError(_("%(value)s is not a real date.") % {"value": raw}) from exc
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellValueError(_("%(value)s: the year is not plausible.") % {"value": raw})
    return value


def parse_date(value: Any) -> dt.date | None:
    """A date from an XLSX date cell or from text; None when empty. Raises CellValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool | int | float):
        raise CellValueError(
            _("%(value)s is a number, not a date: format the cell as a date or write it as dd-mm-yyyy.")
            % {"value": value}
        )
    raw = str(value).strip()
    if not raw:
        return None
    if match := _ISO_DATE.fullmatch(raw):
        return _date(int(match[1]), int(match[2]), int(match[3]), raw)
    if match := _DAY_FIRST.fullmatch(raw):
        return _date(int(match[3]), int(match[2]), int(match[1]), raw)
    if (match := _WORDS_DATE.fullmatch(raw)) and match[2].casefold() in MONTHS:
        return _date(int(match[3]), MONTHS[match[2].casefold()], int(match[1]), raw)
    raise CellValueError(
        _("%(value)s is not a date: write it as dd-mm-yyyy (for example 21-10-2025).") % {"value": raw}
    )


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_ESCAPED = ("'=", "'+", "'-", "'@")


def cell_text(value: Any) -> str:
    """A cell as text, stripped; numbers without a trailing ".0"; our export's formula escape undone."""
    if value.__class__ is str:
        text = value.strip()
        # employees/exporter.py writes a text starting with = + - @ behind an apostrophe (formula injection).
        return text[1:] if text.startswith(_ESCAPED) else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return cell_text(str(value))


def parse_nip(value: Any) -> str:
    """The NIP without spaces; refuses a NIP that Excel stored (and rounded) as a number."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = _number_text(value)
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
        digits = _number_text(value)
        return digits.zfill(NIP_LAMA_LENGTH) if digits.isdigit() and len(digits) < NIP_LAMA_LENGTH else digits
    return normalize_nip(cell_text(value))


def parse_gender(value: Any) -> str:
    text = cell_text(value)
    if not text:
        return ""
    try:
        return GENDER_WORDS[_key(text)]
    except KeyError as exc:
        raise CellValueError(_("%(value)s: write L or P.") % {"value": text}) from exc


def parse_golongan(value: Any) -> str:
    """ "iii / C" -> "III/c", "ix" -> "IX"; anything else is returned as written, for the register to judge."""
    text = cell_text(value)
    match = _GOLONGAN.fullmatch(text.upper())
    if not match:
        return text
    return f"{match[1]}/{match[2].lower()}" if match[2] else match[1]


def parse_code(column: Column, value: Any) -> str:
    text = cell_text(value)
    if not text:
        return ""
    try:
        return _CODE_LOOKUPS[column.field][_key(text)]
    except KeyError as exc:
        raise CellValueError(
            _("%(value)s is not one of: %(choices)s.")
            % {"value": text, "choices": ", ".join((column.codes or {}).values())}
        ) from exc


@dataclass(frozen=True)
class Unit:
    id: int
    is_active: bool


class UnitLookup:
    """Work units by code: exact code first, then the code in any case when that is unambiguous."""

    def __init__(self, units: Iterable[tuple[str, int, bool]]) -> None:
        self.exact: dict[str, Unit] = {}
        folded: dict[str, list[Unit]] = {}
        for code, pk, is_active in units:
            unit = Unit(pk, is_active)
            self.exact[code] = unit
            folded.setdefault(code.strip().casefold(), []).append(unit)
        self.folded = {code: found[0] for code, found in folded.items() if len(found) == 1}

    def get(self, code: str) -> Unit | None:
        return self.exact.get(code) or self.folded.get(code.casefold())


_READERS = {
    "text": cell_text,
    "unit": cell_text,
    "date": parse_date,
    "nip": parse_nip,
    "nip_lama": parse_nip_lama,
    "gender": parse_gender,
    "golongan": parse_golongan,
}


def _reader(column: Column) -> Any:
    """The function that reads one cell of this column."""
    if column.kind == "code":
        return functools.partial(parse_code, column)
    return _READERS[column.kind]


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
                raise CellValueError(
                    _("Cell %(cell)s holds a formula; only values can be imported (paste as values).")
                    % {"cell": f"{column_letter(index + first_column)}{row}"}
                )
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
    return values, errors


def formula_errors(cells: Iterable[str], layout: Layout, *, first_column: int = 0) -> list[CellError]:
    """One error per XLSX cell holding a formula, with its row and column."""
    errors = []
    for ref in cells:
        match = _CELL_REF.fullmatch(ref)
        row = int(match[2]) if match else None
        header = layout.header_of(_letter_index(match[1]) - first_column) if match else ""
        errors.append(
            CellError(
                row,
                header,
                _("Cell %(cell)s holds a formula; only values can be imported (paste as values).") % {"cell": ref},
                ref,
            )
        )
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

    def add_error(self, error: CellError) -> None:
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


def unpack(stored: list[dict[str, Any]] | None) -> StoredResult:
    """Read back what ImportResult.pack stored."""
    errors, notices, changes = [], [], []
    count = None
    for entry in stored or []:
        kind = entry.get("kind", "error")
        if kind == "error":
            errors.append(entry)
        elif kind == "notice":
            notices.append(entry["message"])
        elif kind == "change":
            changes.append(entry)
        elif kind == "error_count":
            count = entry["count"]
    return StoredResult(errors=errors, error_count=count or len(errors), notices=notices, changes=changes)
