"""Reading spreadsheets (CSV, XLSX) that people upload: the file, its header, its rows and its cells.

The shared reader of every import (the employee register, employees/importer.py; PT Taspen's THT
amounts, benefits/services/tht_import.py). What the columns mean is the caller's: it passes the headers
it expects (to guess a CSV's separator) and reads the header and the cells with the functions here.

Liberal where the meaning is unambiguous, strict otherwise:
- the type is decided by the content (an XLSX is a ZIP with a workbook in it, a CSV is text), and the
  name must agree with it; an XLSX is checked as an archive first (purna/uploads.py: no zip bomb, no
  nested archive);
- CSV text is UTF-8 (with or without BOM) or UTF-16 with a BOM; if it is not UTF-8 it is read as Windows
  text (cp1252), and the sheet's notices say so; the separator is a comma, a semicolon or a tab, the one
  that splits the header into the most expected headers;
- headers match whatever their case and spacing (header_key); dates are real XLSX dates, ISO
  ("2025-10-21"), Indonesian day-first ("21/10/2025", "21-10-2025", "21.10.2025") or "21 Oktober 2025";
- a formula is refused with its cell named (an XLSX cell with a formula: Sheet.formula_cells; a CSV
  cell starting with "=" is the caller's to refuse, with formula_message).

No ORM, no settings, no clock: limits are parameters. Errors are ImportFileError (the file as a whole)
and CellValueError (one cell), with messages for the person who uploaded the file.
"""

import codecs
import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from purna import uploads

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8,
    "agt": 8, "agus": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11, "nopember": 11, "nop": 11, "desember": 12, "des": 12,
}  # fmt: skip
MIN_YEAR, MAX_YEAR = 1900, 2100


@functools.lru_cache(maxsize=4096)
def text_key(value: str) -> str:
    """Case, spacing and underscores do not matter: "Jenis_Jabatan " -> "jenis jabatan"."""
    return " ".join(value.replace("_", " ").replace("\u00a0", " ").split()).casefold()


def header_key(value: Any) -> str:
    """A header cell as a key to compare: without a byte order mark or a trailing "*" (the mark of a
    required column in our templates), whatever its case and spacing."""
    text = value.lstrip("\ufeff") if isinstance(value, str) else ("" if value is None else str(value))
    return text_key(text.strip().rstrip("*"))


# --- Errors ---------------------------------------------------------------------------------------------


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


def letter_index(letters: str) -> int:
    """ "A" -> 0, "AA" -> 26: column_letter's inverse."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def formula_message(cell: str) -> str:
    """The refusal of a cell that holds a formula ("K5")."""
    return _("Cell %(cell)s holds a formula; only values can be imported (paste as values).") % {"cell": cell}


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


def open_sheet(file: IO[bytes], *, name: str, size: int, max_bytes: int, headers: Iterable[str]) -> Sheet:
    """Open an uploaded spreadsheet (a seekable binary file) once check_file passed it; raise
    ImportFileError if it cannot be read. `headers` are the headers the caller expects (every spelling
    it accepts): a CSV's separator is the one that splits its first line into the most of them."""
    kind = check_file(file, name=name, size=size, max_bytes=max_bytes)
    if kind == XLSX:
        return _open_xlsx(file)
    return _open_csv(file, frozenset(text_key(header) for header in headers))


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


def _delimiter(first_line: str, known: frozenset[str]) -> str:
    """The separator that splits the header into the most known columns (ties: the most pieces)."""

    def score(delimiter: str) -> tuple[int, int]:
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        found = sum(1 for cell in cells if text_key(cell) in known)
        return found, len(cells)

    return max(_DELIMITERS, key=score)


def is_blank(cells: list[Any]) -> bool:
    """Whether a row holds nothing (empty or blank cells only)."""
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _csv_blank(cells: list[str]) -> bool:
    """is_blank for a CSV row, whose cells are all text: one join and strip in C instead of a test per cell
    (the file is read twice, to count and to import: 100,000 rows of 25 cells)."""
    return not "".join(cells).strip()


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


def _open_csv(file: IO[bytes], known: frozenset[str]) -> Sheet:
    encoding, notices = _csv_encoding(file)
    text = _text(file, encoding)
    first_line = text.readline()
    if not first_line.strip():
        text.detach()
        raise ImportFileError(_("The file is empty: the first line must hold the column headers."))
    delimiter = _delimiter(first_line, known)
    # Count the data rows first (for the progress bar) with the same reader that will read them.
    text.seek(0)
    reader = csv.reader(text, delimiter=delimiter)
    try:
        header = next(reader)
        total = sum(1 for cells in reader if not _csv_blank(cells))
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
                if not _csv_blank(cells):
                    yield number, cells
        finally:
            stream.detach()

    return Sheet(format=CSV, header=header, rows=rows(), total_rows=total, notices=notices)


# --- XLSX -------------------------------------------------------------------------------------------------

_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")  # "K5": column letters, row number
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
        if not is_blank(cells):
            header = [cell if isinstance(cell, str) else "" if cell is None else str(cell) for cell in cells]
            header_number = start_row + offset + 1
            break
    if not header:
        raise ImportFileError(_("The file is empty: the first line must hold the column headers."))
    total = max(sheet.height - (header_number - start_row), 0)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in enumerate(iterator, start=header_number + 1):
            if not is_blank(cells):
                yield number, cells

    return Sheet(
        format=XLSX,
        header=header,
        rows=rows(),
        total_rows=total,
        formula_cells=formula_cells,
        first_column=start_column,
    )


# --- Cells ------------------------------------------------------------------------------------------------


class CellValueError(ValueError):
    """A cell that cannot be read; the message says why, in the user's words."""


_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})")
_WORDS_DATE = re.compile(r"(\d{1,2})[ -]+([A-Za-z]+)\.?[ -]+(\d{2,4})")


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
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        # The common case first: an ISO date as our exports and most systems write it, read by the C
        # parser (a third of the regular expression's cost); anything else it refuses, or a year out of
        # range, takes the path below and its message.
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if MIN_YEAR <= day.year <= MAX_YEAR:
                return day
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


def number_text(value: float | int) -> str:
    """A number cell as written: 12.0 -> "12"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_ESCAPED = ("'=", "'+", "'-", "'@")


def cell_text(value: Any) -> str:
    """A cell as text, stripped; numbers without a trailing ".0"; our export's formula escape undone."""
    if value.__class__ is str:
        text = value.strip()
        # our exports write a text starting with = + - @ behind an apostrophe (formula injection).
        return text[1:] if text.startswith(_ESCAPED) else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return cell_text(str(value))
