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

import array
import codecs
import csv
import datetime as dt
import functools
import io
import pyexpat
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
        raise ImportFileError(uploads.too_large_message(size, max_bytes))


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
#
# The worksheet is read as a stream, a row at a time, in bounded memory. python-calamine 0.9.1, which read it
# before (and still reads the rare workbooks the stream leaves to it, below), builds the whole worksheet in
# memory first: the register's 100,000 x 25 sheet took the import to 328 MB where the CSV of the same rows
# takes 160 MB. The streaming readers measured on that sheet (docs/benchmarks.md, 7 December 2026), against
# calamine's 2.3 s of CPU: openpyxl's read-only mode (with lxml) 24 s, xlsx2csv 14 s, expat with a Python
# handler per element 5.7 s before converting a single value. Hence two passes over the sheet's XML here:
# 1. _sheet_scan: expat, without a Python handler (all in C, ~1 s), checks that the whole XML is well formed,
#    so that a damaged sheet is refused when it is opened, never halfway through an import; the same pass
#    counts the rows (the progress bar's total) and looks for formulas;
# 2. _sheet_rows: a regular expression takes the rows and cells out of the XML the parser accepted (~2 s).
#    It reads XML as spreadsheet programs write it: UTF-8, the sheet's namespace declared once on its root,
#    no comments, CDATA, processing instructions or DTD; a sheet with any of those (the scan says so) is
#    read by python-calamine as before.
# The values are calamine's: text, float, bool, date/datetime/time/timedelta when the cell's number format
# is a date or a duration, "" for an empty or error cell.

_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")  # "K5": column letters, row number
_MAX_FORMULA_CELLS = 50
_CHUNK = 1024 * 1024
_MAIN_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # ISO 29500 strict
)
_ROOT_TAG = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet[\s/>]")
_DECLARATION = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)""")
_XML_DECLARATION = re.compile(rb"""^(?:\xef\xbb\xbf)?<\?xml\b[^>]*?\?>""")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([\w.-]+)""")
_ATTRIBUTE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ROW_NUMBER = re.compile(r"""(?:^|\s)r\s*=\s*["'](\d+)""")
_TEXT = re.compile(r"<(?:[\w.-]+:)?t(?:\s[^>]*)?(?:/>|>([^<]*)<)")
_VALUE = re.compile(r"<(?:[\w.-]+:)?v(?:\s[^>]*)?(?:/>|>([^<]*)<)")
_PHONETIC = re.compile(r"<((?:[\w.-]+:)?)rPh[\s>].*?</\1rPh\s*>", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_DATE, _DURATION = "date", "duration"
# Number formats that calamine takes for a date (or a duration): the built-in ones by id, the others
# by their code (_format_kind).
_BUILTIN_FORMATS = {**dict.fromkeys((*range(14, 23), 45, 47), _DATE), 46: _DURATION}
_MAX_DATES = 100_000
_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 (Excel's serials are naive times)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _damaged() -> ImportFileError:
    return ImportFileError(_("The Excel file is damaged or incomplete: save it again and upload it."))


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
        return sheet.get("name", ""), _part_path(target)
    raise ImportFileError(_("The workbook has no visible worksheet."))


def _part_path(target: str) -> str:
    """A workbook relationship's target as a path in the archive ("worksheets/sheet1.xml" -> "xl/...")."""
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _formula_cells(archive: zipfile.ZipFile, part: str) -> list[str]:
    """The cells of a worksheet that hold a formula ("K5", ...), at most _MAX_FORMULA_CELLS (parsed only
    when _sheet_scan found a formula element)."""
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


@dataclass(frozen=True)
class _Scan:
    """What _sheet_scan found: the worksheet's row elements, whether a formula is in it, and the prefix of
    its namespace ("" when it is the default one) or None when the sheet is left to python-calamine."""

    rows: int
    formula: bool
    prefix: str | None


def _sheet_scan(archive: zipfile.ZipFile, part: str) -> _Scan:
    """Check a worksheet's XML from end to end (expat, no Python per element) and look at it once: its row
    elements, a formula, and whether the regular expressions of _sheet_rows can read it."""
    parser = pyexpat.ParserCreate()
    formula = plain = False
    prefix: bytes | None = None
    row_tag: re.Pattern[bytes] | None = None
    formula_tag: bytes | None = None
    rows = 0
    declarations: list[tuple[bytes, bytes]] = []
    carry = b""
    first = True
    with archive.open(part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            try:
                parser.Parse(chunk, not chunk)
            except pyexpat.ExpatError as exc:
                raise _damaged() from exc
            # Look at whole tags only: a piece ends before the last "<", which starts the next piece.
            data = carry + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            data, carry = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
            if not data and chunk:
                continue
            if first:
                first = False
                declaration = _XML_DECLARATION.match(data)
                encoding = _ENCODING.search(declaration[0]) if declaration else None
                plain = not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and (
                    encoding is None or encoding[1].lower() in (b"utf-8", b"utf8")
                )
                body = data[declaration.end() :] if declaration else data
            else:
                body = data
            # (one-byte searches first: they are a hundred times faster than two-byte ones over 100 MB)
            if (b"!" in body and b"<!" in body) or (b"?" in body and b"<?" in body):
                plain = False  # a comment, CDATA, a DTD, a processing instruction
            if b"xmlns" in body:
                declarations += _DECLARATION.findall(body)
            if prefix is None and (root := _ROOT_TAG.search(body)):
                prefix = root[1] or b""
                row_tag = re.compile(b"<" + (re.escape(prefix + b":") if prefix else b"") + rb"row[\s/>]")
                formula_tag = b"<" + (prefix + b":" if prefix else b"") + b"f"
            if row_tag is not None:
                rows += len(row_tag.findall(body))
            # (a regular expression that starts with "<" tries every tag: look for the element's name first)
            if not formula and (formula_tag is None or formula_tag in body) and _FORMULA_TAG.search(body):
                formula = True
            if not chunk:
                break
    main = [name for name, uri in declarations if uri.decode("utf-8", "replace") in _MAIN_NAMESPACES]
    if prefix is None or main != [prefix] or [name for name, _uri in declarations].count(prefix) != 1:
        plain = False  # the namespace declared again inside the sheet, or under another prefix
    return _Scan(rows=rows, formula=formula, prefix=prefix.decode() if plain and prefix is not None else None)


def _format_kind(code: str) -> str | None:
    """_DATE or _DURATION when a custom number format shows a date, a time or a duration, as calamine
    decides it: a d, m, y, h or s outside quotes, brackets and escapes, in the format's first section;
    [h], [m] or [s] for a duration; "a" then "p", "m" or "/" (AM/PM)."""
    escaped = quoted = after_a = elapsed = False
    brackets = 0
    previous = " "
    for char in code:
        if escaped:
            escaped = False
        elif char in "_\\*":  # an escape, a width or a fill: the next character is a literal
            escaped = True
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == ";":
            return None
        elif char == "[":
            brackets += 1
        elif char == "]":
            if brackets == 1 and elapsed:
                return _DURATION
            brackets = max(brackets - 1, 0)
        elif brackets == 0 and not after_a and char in "aA":
            after_a = True
        elif brackets == 0 and (char in "pmPM/" if after_a else char in "dmhysDMHYS"):
            return _DATE
        elif not (elapsed and char.lower() == previous.lower()):
            elapsed = previous == "[" and char in "mhsMHS"
        previous = char
    return None


@dataclass(frozen=True)
class _Book:
    """What a cell's value depends on outside its sheet: the shared strings, the styles whose number format
    is a date or a duration (by style index, as written in the cell), and the 1904 date system."""

    shared: "_SharedStrings"
    date_styles: dict[str, str]
    date1904: bool


def _book(archive: zipfile.ZipFile) -> _Book:
    try:
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    except (KeyError, ElementTree.ParseError) as exc:
        raise _damaged() from exc
    parts = {
        rel.get("Type", "").rsplit("/", 1)[-1]: _part_path(rel.get("Target", ""))
        for rel in relations
        if _local(rel.tag) == "Relationship"
    }
    date1904 = any(
        _local(element.tag) == "workbookPr" and element.get("date1904", "").lower() in ("1", "true")
        for element in workbook
    )
    names = set(archive.namelist())
    shared = _shared_strings(archive, parts["sharedStrings"]) if parts.get("sharedStrings") in names else None
    date_styles = _date_styles(archive, parts["styles"]) if parts.get("styles") in names else {}
    return _Book(shared=shared or _SharedStrings(), date_styles=date_styles, date1904=date1904)


class _SharedStrings:
    """The workbook's shared strings, in order, kept as one UTF-8 buffer and where each ends: the 455,000
    distinct values of the 100,000-row register of bench/import.py take 14 MB so, 35 MB as Python strings
    (measured with tracemalloc), where its import with inline strings peaks at 171 MB (goal < 200 MB)."""

    def __init__(self) -> None:
        self._text = bytearray()
        self._ends = array.array("Q")

    def append(self, text: str) -> None:
        self._text += text.encode()
        self._ends.append(len(self._text))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        start = self._ends[index - 1] if index else 0
        return self._text[start : self._ends[index]].decode()


def _shared_strings(archive: zipfile.ZipFile, part: str) -> _SharedStrings:
    """The workbook's shared strings: each item's text, its runs joined, phonetic guides left out."""
    strings = _SharedStrings()
    root = None
    try:
        with archive.open(part) as stream:
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):  # noqa: S314 (see above)
                if root is None:
                    root = element
                elif event == "end" and _local(element.tag) == "si":
                    strings.append(_excel_unescape("".join(_item_texts(element))))
                    root.clear()  # each item is dropped once read: the list holds only the strings
    except ElementTree.ParseError as exc:
        raise _damaged() from exc
    return strings


def _item_texts(item: ElementTree.Element) -> Iterator[str]:
    for child in item:
        name = _local(child.tag)
        if name == "t":
            yield child.text or ""
        elif name == "r":
            yield from (run.text or "" for run in child if _local(run.tag) == "t")


def _date_styles(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """{style index: _DATE or _DURATION} for the cell styles whose number format is a date or a duration."""
    try:
        styles = ElementTree.fromstring(archive.read(part))  # noqa: S314 (see above)
    except ElementTree.ParseError as exc:
        raise _damaged() from exc
    custom = {
        element.get("numFmtId", ""): _format_kind(element.get("formatCode", ""))
        for element in styles.iter()
        if _local(element.tag) == "numFmt"
    }
    kinds: dict[str, str] = {}
    for section in styles:
        if _local(section.tag) != "cellXfs":
            continue
        for index, xf in enumerate(element for element in section if _local(element.tag) == "xf"):
            number_format = xf.get("numFmtId", "0")
            if number_format in custom:
                kind = custom[number_format]
            else:
                kind = _BUILTIN_FORMATS.get(int(number_format)) if number_format.isdigit() else None
            if kind:
                kinds[str(index)] = kind
    return kinds


def _unescape(text: str) -> str:
    """A text as the XML parser gives it (references replaced, line ends normalised to "\\n"), then with
    Excel's own escapes undone ("_x000D_" is a carriage return), as calamine reads it."""
    if "&" in text:
        text = _ENTITY.sub(_reference, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _excel_unescape(text)


def _excel_unescape(text: str) -> str:
    return _EXCEL_ESCAPE.sub(lambda match: chr(int(match[1], 16)), text) if "_x" in text else text


def _reference(match: re.Match[str]) -> str:
    name = match[1]
    if name[0] != "#":
        return _ENTITIES[name]
    return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))


def _serial_value(serial: float, kind: str, date1904: bool) -> Any:
    """A number in a date or duration format as calamine gives it: a timedelta for a duration; a time below
    1, a date at midnight, a datetime otherwise (to the millisecond); the number when it is out of range.
    Excel's 1900 calendar has a 29 February 1900: serials below 60 count from 31 December 1899."""
    try:
        if kind == _DURATION:
            return dt.timedelta(days=serial)
        days = serial + 1462 if date1904 else serial
        value = _EPOCH + dt.timedelta(milliseconds=round((days if days >= 60 else days + 1) * 86_400_000))
    except OverflowError:
        return serial
    if serial < 1:
        return value.time()
    return value.date() if value.time() == dt.time() else value


def _typed_value(text: str, kind: str | None, style: str | None, book: _Book) -> Any:
    """A cell's value from its text (unescaped), its type attribute and its style index."""
    if kind is None or kind == "n":
        try:
            number = float(text)
        except ValueError:
            return text
        date_kind = book.date_styles.get(style) if style is not None else None
        return _serial_value(number, date_kind, book.date1904) if date_kind else number
    if kind == "s":
        return book.shared[int(text)] if text.isdigit() and int(text) < len(book.shared) else ""
    if kind == "b":
        return text.strip() in ("1", "true")
    if kind == "e":
        return ""
    if kind == "d":
        try:
            if "T" in text or " " in text.strip():
                moment = dt.datetime.fromisoformat(text.strip())
                return moment
            return dt.date.fromisoformat(text.strip())
        except ValueError:
            return text
    return text  # "inlineStr", "str" (a formula's text)


def _cell_attributes(attributes: str) -> tuple[str | None, str | None, str | None]:
    """(column letters, style index, type) of a cell whose attributes are written otherwise than usual."""
    column = style = kind = None
    for name, double, single in _ATTRIBUTE.findall(attributes):
        value = double or single
        if name == "r":
            column = match[1] if (match := CELL_REF.match(value)) else None
        elif name == "s":
            style = value
        elif name == "t":
            kind = value
    return column, style, kind


def _body_value(body: str, kind: str | None, style: str | None, book: _Book) -> Any:
    """The value of a cell whose content is not a lone <v> or inline string (a formula's cached value, rich
    text, phonetic guides...); None when it has none."""
    if kind == "inlineStr":
        texts = _TEXT.findall(_PHONETIC.sub("", body))
        return _unescape("".join(texts)) if texts else None
    found = _VALUE.search(body)
    if found is None or found[1] is None:
        return None
    return _typed_value(_unescape(found[1]), kind, style, book)


_COLUMN_INDEX: dict[str, int] = {}


def _sheet_rows(stream: IO[bytes], prefix: str, book: _Book) -> Iterator[tuple[int, list[Any]]]:
    """Every row element of a worksheet that _sheet_scan accepted, as (row number, cells from column A),
    an empty cell as "". Reads the XML a megabyte at a time; see the comment at the top of this part."""
    p = re.escape(f"{prefix}:") if prefix else ""
    token = re.compile(
        # a cell: attributes in the usual order (r, s, t) or any other way; its value as <v> or an inline
        # string, or any other content
        rf'<{p}c(?:\s+r="([A-Z]{{1,3}})\d+"(?:\s+s="(\d+)")?(?:\s+t="(\w+)")?\s*|(\s[^>]*?))?'
        rf'(?:/>|>(?:<{p}v>([^<]*)</{p}v>|<{p}is><{p}t(?:\s+xml:space="preserve")?>([^<]*)</{p}t></{p}is>'
        rf"|(.*?))</{p}c\s*>)"
        # a row's start (or a row without cells), a row's end
        rf'|<{p}(row)(?:\s+r="(\d+)")?(?=[\s/>])([^>]*?)(/?)>|</{p}row\s*(>)',
        re.S,
    )
    row_end = f"</{prefix}:row" if prefix else "</row"
    shared, date_styles, date1904 = book.shared, book.date_styles, book.date1904
    shared_count = len(shared)
    columns = _COLUMN_INDEX
    dates: dict[tuple[str, str], Any] = {}
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    number = 0
    cells: list[Any] = []
    pending = ""
    while True:
        chunk = stream.read(_CHUNK)
        text = pending + decoder.decode(chunk, final=not chunk)
        if chunk:
            # Whole rows only, up to the last row's end tag, which starts the next piece.
            cut = text.rfind(row_end)
            if cut < 0:
                pending = text
                continue
            text, pending = text[:cut], text[cut:]
        escaped = "&" in text or "\r" in text or "_x" in text
        # findall (tuples made in C, "" for a group that did not take part) is faster than finditer here.
        for (
            column,
            style,
            kind,
            attributes,
            value,
            inline,
            body,
            row,
            row_number,
            row_attributes,
            empty,
            end,
        ) in token.findall(text):
            if attributes:
                column, style, kind = _cell_attributes(attributes)
            if inline:
                cell = _unescape(inline) if escaped else inline
            elif value:
                if not kind:
                    try:
                        cell = float(value)
                    except ValueError:
                        cell = value
                    else:
                        if style and (date_kind := date_styles.get(style)):
                            # A register repeats its dates (births, TMTs): each serial is converted once.
                            if (known := dates.get((value, date_kind))) is None:
                                known = _serial_value(cell, date_kind, date1904)
                                if len(dates) < _MAX_DATES:
                                    dates[value, date_kind] = known
                            cell = known
                elif kind == "s":
                    cell = shared[int(value)] if value.isdigit() and int(value) < shared_count else ""
                else:
                    cell = _typed_value(_unescape(value), kind, style, book)
            elif body:
                if (cell := _body_value(body, kind or None, style or None, book)) is None:
                    if not column:
                        cells.append("")  # a cell without a reference still takes its column
                    continue
            elif end:
                yield number, cells
                continue
            elif row:
                if not row_number:
                    found = _ROW_NUMBER.search(row_attributes)
                    row_number = found[1] if found else ""
                number = int(row_number) if row_number else number + 1
                cells = []
                if empty:
                    yield number, cells
                continue
            else:  # a cell without a value (a style only)
                if not column:
                    cells.append("")  # without a reference, it still takes its column
                continue
            if not column:
                index = len(cells)
            elif (index := columns.get(column, -1)) < 0:
                index = columns[column] = letter_index(column)
            if index == len(cells):
                cells.append(cell)
            elif index > len(cells):
                cells.extend([""] * (index - len(cells)))
                cells.append(cell)
            else:
                cells[index] = cell
        if not chunk:
            return


def _open_xlsx(file: IO[bytes]) -> Sheet:
    # check_file has unpacked every member of the archive first (purna/uploads.py): no zip bomb gets here.
    try:
        archive = zipfile.ZipFile(file)
    except zipfile.BadZipFile as exc:
        raise _damaged() from exc
    try:
        sheet_name, part = _first_sheet_part(archive)
        if part not in archive.namelist():
            raise _damaged()
        scan = _sheet_scan(archive, part)
        formula_cells = _formula_cells(archive, part) if scan.formula else []
        if scan.prefix is None:
            archive.close()
            return _open_xlsx_calamine(file, sheet_name, formula_cells)
        stream = archive.open(part)
        elements = _sheet_rows(stream, scan.prefix, _book(archive))
        # The header is the first row with something in it (a title row above the table is not supported);
        # its first cell is the table's first column.
        consumed = 0
        for _number, cells in elements:
            consumed += 1
            if not is_blank(cells):
                break
        else:
            raise ImportFileError(_("The file is empty: the first line must hold the column headers."))
    except BaseException:
        archive.close()
        raise
    first_column = next(index for index, cell in enumerate(cells) if not is_blank([cell]))
    header = [cell if isinstance(cell, str) else str(cell) for cell in cells[first_column:]]
    width = len(header)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, cells in elements:
                if first_column:
                    cells = cells[first_column:]
                if len(cells) < width:
                    cells.extend([""] * (width - len(cells)))
                if not is_blank(cells):
                    yield number, cells
        finally:
            elements.close()
            stream.close()
            archive.close()

    return Sheet(
        format=XLSX,
        header=header,
        rows=rows(),
        total_rows=max(scan.rows - consumed, 0),  # an upper bound: empty rows are counted
        formula_cells=formula_cells,
        first_column=first_column,
    )


def _open_xlsx_calamine(file: IO[bytes], sheet_name: str, formula_cells: list[str]) -> Sheet:
    """A sheet that _sheet_rows does not read (see the comment at the top of this part), read whole by
    python-calamine: such sheets are rare and small."""
    # Imported here: the rest of Purna does not need the Rust extension loaded.
    from python_calamine import CalamineError, CalamineWorkbook

    file.seek(0)
    try:
        sheet = CalamineWorkbook.from_filelike(file).get_sheet_by_name(sheet_name)
    except CalamineError as exc:
        raise ImportFileError(_("The Excel file cannot be read: %(error)s") % {"error": exc}) from exc
    _start_row, start_column = sheet.start or (0, 0)
    # iter_rows starts at the sheet's first row (row 1), whatever row its first cell is in.
    iterator = enumerate(sheet.iter_rows(), start=1)
    header_number, cells = next(((number, cells) for number, cells in iterator if not is_blank(cells)), (0, []))
    if not cells:
        raise ImportFileError(_("The file is empty: the first line must hold the column headers."))
    header = [cell if isinstance(cell, str) else "" if cell is None else str(cell) for cell in cells]
    last_row = (sheet.end or (0, 0))[0] + 1

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, cells in iterator:
            if not is_blank(cells):
                yield number, cells

    return Sheet(
        format=XLSX,
        header=header,
        rows=rows(),
        total_rows=max(last_row - header_number, 0),
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
