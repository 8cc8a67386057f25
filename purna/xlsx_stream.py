"""Writing one large sheet as an XLSX file, row by row, in bounded memory: the employee register's export.

Why not xlsxwriter (which every other workbook of Purna uses, and which does far more): at 100,000
employees and 32 columns it spent about 3.5 µs of Python per cell even in its constant-memory mode and
through its undecorated write methods: the XLSX export took 5.4 to 9.5x the time of the CSV export of
the same rows (issue 19's goal: 2.5x). bench/export.py writes the register's first 20,000 rows, held in
memory, with each writer (CPU seconds of writing alone, 7 December 2026): Purna's CSV 0.30 s,
xlsxwriter 3.4 s, pyexcelerate 3.5 s (it also holds the whole sheet in memory, and writes a text
starting with "=" as a formula), this module 0.53 s. xlsx_streaming renders every cell through
ElementTree (slower still). rustpy-xlsxwriter (a Rust extension over rust_xlsxwriter) took the same
0.53 s, but it is young with a single maintainer, takes each row as a dict, and cannot mark single
cells "quote prefix"; a few hundred lines of our own, tested, were the better trade. Whole export of
100,000 rows (bench/export.py, docs/benchmarks.md): 3.3 s of CPU against 19.5 s with xlsxwriter,
1.6x the CSV's.

What it writes, and what a spreadsheet needs from it:
- one worksheet with inline strings (no shared-string table, so nothing accumulates), written into the
  ZIP archive as it is produced, a few hundred rows at a time;
- a bold header row (the house's header look), frozen, with an autofilter over the data; column widths;
- text as text, always (an inline string is never a formula, whatever it starts with); a text that
  would start a formula if typed (= + - @, tab, carriage return) is also marked "quote prefix", so that
  Excel keeps it text when the cell is edited;
- dates as real dates (day numbers of Excel's 1900 system) in the given number format; dates before
  1 March 1900, which that system cannot show rightly, as ISO text;
- a text longer than Excel's limit of 32,767 characters cut there (as xlsxwriter does);
- numbers as numbers (int, float, Decimal, as doubles: what a sheet holds; NaN, infinities and numbers
  beyond a double, which a sheet cannot hold, as text); booleans as booleans;
- None and "" as no cell at all (a blank, as Excel makes it);
- XML escaping of & < >; characters that XML 1.0 forbids (control characters other than tab and line
  feed; lone surrogates; U+FFFE, U+FFFF) and the carriage return (which XML readers would turn into a
  line feed) written as Excel's _xHHHH_ escapes, as Excel itself writes them, which spreadsheets read
  back as the character; a text that already holds "_xHHHH_" escaped as "_x005F_xHHHH_" so that it is
  read back as typed; leading or trailing spaces kept (xml:space).
"""

import datetime as dt
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from purna.spreadsheets import column_letter

TEXT, DATE, NUMBER = "text", "date", "number"
_KINDS = {TEXT: TEXT, DATE: DATE, NUMBER: NUMBER}
ROWS_PER_WRITE = 500
# Day 0 of Excel's 1900 date system, counting its fictitious 29 February 1900: right from March 1900 on.
_EPOCH_ORDINAL = dt.date(1899, 12, 30).toordinal()
_FIRST_DATE_ORDINAL = dt.date(1900, 3, 1).toordinal()
_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 does not allow in a document, and text that Excel would take for one of its escapes.
# A carriage return too: XML readers turn it into a line feed, so it is escaped (as Excel itself does).
_UNWRITABLE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
# Integers that a double (what a sheet holds) keeps exactly; larger ones are written as doubles.
_EXACT_INTEGER = 2**53
# Excel's limit for the text of one cell, in UTF-16 code units (a longer one makes Excel repair the file).
_MAX_TEXT = 32_767
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Style indexes in styles.xml's cellXfs.
_HEADER_STYLE, _DATE_STYLE, _QUOTED_STYLE = 1, 2, 3

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@dataclass(frozen=True)
class Column:
    """One column of the sheet: its header, the kind of its values (TEXT, DATE, NUMBER), its width in
    characters (as Excel's column width dialog counts them)."""

    header: str
    kind: str = TEXT
    width: float = 14


def _unwritable_escape(match: re.Match) -> str:
    character = match.group()
    if character == "_":
        return "_x005F_"  # the "_" of a literal "_xHHHH_" escaped, so that the text is read back as typed
    return f"_x{ord(character):04X}_"


def _text_xml(value: str) -> str:
    """The value as the content of a <t> element (without the element)."""
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    if "_x" in value or not value.isprintable():
        # Not printable: a line break or tab (allowed), or a forbidden control character; rare.
        value = _UNWRITABLE.sub(_unwritable_escape, value)
    return value


def _cell_slow(reference: str, kind: str, value: Any) -> str:
    """A cell whose value is not the usual type of its column (or is a rare case of it)."""
    if kind == DATE and isinstance(value, dt.date):
        ordinal = value.toordinal()
        if ordinal >= _FIRST_DATE_ORDINAL:
            serial: float = ordinal - _EPOCH_ORDINAL
            if isinstance(value, dt.datetime):
                serial += (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
            return f'<c r="{reference}" s="{_DATE_STYLE}"><v>{serial!r}</v></c>'
        value = value.isoformat()
    elif kind == TEXT:
        pass  # a text column's values are text, whatever their type (an 18-digit NIP stays whole)
    elif isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    elif isinstance(value, int | float | Decimal):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            exact = isinstance(value, int) and -_EXACT_INTEGER < value < _EXACT_INTEGER
            return f'<c r="{reference}"><v>{value if exact else repr(number)}</v></c>'
    text = value if isinstance(value, str) else str(value)
    if len(text) > _MAX_TEXT // 2:
        units = text.encode("utf-16-le", "surrogatepass")
        if len(units) > 2 * _MAX_TEXT:
            text = units[: 2 * _MAX_TEXT].decode("utf-16-le", "ignore")
    style = f' s="{_QUOTED_STYLE}"' if text.startswith(_RISKY_START) else ""
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{_text_xml(text)}</t></is></c>'


def _write_rows(
    rows: Iterable[Sequence[Any]], kinds: Sequence[str], letters: Sequence[str], write: Callable[[str], object]
) -> int:
    """Write the <row> elements of `rows`, numbered from 2 (under the header), ROWS_PER_WRITE at a time
    through `write` (a function taking a string); return the number of rows."""
    columns = list(zip(kinds, letters, strict=True))
    width = len(columns)
    pieces: list[str] = []
    count = 0
    for count, row in enumerate(rows, start=1):
        if len(row) != width:
            raise ValueError(f"row {count} has {len(row)} values for {width} columns")
        number = count + 1
        pieces.append(f'<row r="{number}">')
        for value, (kind, letter) in zip(row, columns, strict=False):  # the length is checked above
            if value is None or value == "":
                continue
            # The usual cases are written here, inline (a function call per cell would cost a tenth of
            # the time); anything else through _cell_slow.
            if kind is TEXT and value.__class__ is str:
                if (
                    value.startswith(_RISKY_START)
                    or value[0].isspace()
                    or value[-1].isspace()
                    or "&" in value
                    or "<" in value
                    or ">" in value
                    or "_x" in value
                    or not value.isprintable()
                    or len(value) > _MAX_TEXT // 2
                ):
                    pieces.append(_cell_slow(f"{letter}{number}", kind, value))
                else:
                    pieces.append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
            elif kind is DATE and value.__class__ is dt.date:
                ordinal = value.toordinal()
                if ordinal >= _FIRST_DATE_ORDINAL:
                    pieces.append(f'<c r="{letter}{number}" s="{_DATE_STYLE}"><v>{ordinal - _EPOCH_ORDINAL}</v></c>')
                else:
                    pieces.append(_cell_slow(f"{letter}{number}", kind, value))
            elif kind is NUMBER and value.__class__ is int and -_EXACT_INTEGER < value < _EXACT_INTEGER:
                pieces.append(f'<c r="{letter}{number}"><v>{value}</v></c>')
            else:
                pieces.append(_cell_slow(f"{letter}{number}", kind, value))
        pieces.append("</row>")
        if count % ROWS_PER_WRITE == 0:
            write("".join(pieces))
            pieces = []
    if pieces:
        write("".join(pieces))
    return count


def _column_width(width: float) -> float:
    """Excel's stored width for a width in characters (Calibri 11: 7 pixels a digit, 5 of padding), as
    xlsxwriter computes it, so the columns are as wide as they were."""
    digit, padding = 7, 5
    pixels = int(width * (digit + padding) + 0.5) if width < 1 else int(width * digit + 0.5) + padding
    return int(pixels / digit * 256) / 256


def _sheet_start(columns: Sequence[Column], letters: Sequence[str]) -> str:
    cols = "".join(
        f'<col min="{index}" max="{index}" width="{_column_width(column.width)}" customWidth="1"/>'
        for index, column in enumerate(columns, start=1)
    )
    header = "".join(
        f'<c r="{letter}1" s="{_HEADER_STYLE}" t="inlineStr"><is><t>{_text_xml(column.header)}</t></is></c>'
        for column, letter in zip(columns, letters, strict=True)
    )
    return (
        f'{_XML_DECLARATION}<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/><cols>{cols}</cols><sheetData><row r="1">{header}</row>'
    )


def _styles(date_format: str) -> str:
    return (
        f'{_XML_DECLARATION}<styleSheet xmlns="{_NS}">'
        f'<numFmts count="1"><numFmt numFmtId="164" formatCode={quoteattr(date_format)}/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="3"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill>'
        '<fill><patternFill patternType="solid"><fgColor rgb="FFE8F1EE"/><bgColor indexed="64"/></patternFill>'
        "</fill></fills>"
        '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
        '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
        '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/>'
        "</border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
        'applyBorder="1" applyAlignment="1"><alignment wrapText="1"/></xf>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
    )


def _workbook(sheet_name: str, filter_range: str) -> str:
    quoted = "'" + sheet_name.replace("'", "''") + "'"
    return (
        f'{_XML_DECLARATION}<workbook xmlns="{_NS}" xmlns:r="{_NS_R}">'
        "<bookViews><workbookView/></bookViews>"
        f'<sheets><sheet name={quoteattr(sheet_name)} sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{escape(quoted)}!{filter_range}</definedName></definedNames></workbook>"
    )


_CONTENT_TYPES = (
    f'{_XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
)
_ROOT_RELS = (
    f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_NS_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_NS_R}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_NS_R}/styles" Target="styles.xml"/></Relationships>'
)


def write_sheet(
    file: IO[bytes] | str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str,
    date_format: str = "dd-mm-yyyy",
    compresslevel: int = 2,
) -> int:
    """Write `rows` (sequences of values in the order of `columns`) under a header row to `file` (a
    binary file or a path) as an XLSX workbook of one sheet; return the number of rows.

    compresslevel: zlib's. Measured on the register's 20,000 first rows: 2 took the time of 1 for a
    file 5% smaller; 6 (zipfile's default, and xlsxwriter's) 1.5x the time of the whole writing for a
    file 15% smaller (3.7 MB against 4.3).

    The archive is written without ZIP64 extensions, so zipfile refuses a sheet whose XML passes 2 GiB:
    about 1.5 million rows of the register's export (1.3 KB of XML a row)."""
    if not 1 <= len(sheet_name) <= 31 or _SHEET_NAME_FORBIDDEN.search(sheet_name):
        raise ValueError(f"not a worksheet name Excel accepts: {sheet_name!r}")
    if not columns:
        raise ValueError("a sheet needs at least one column")
    letters = [column_letter(index) for index in range(len(columns))]
    if unknown := {column.kind for column in columns} - set(_KINDS):
        raise ValueError(f"unknown column kinds: {sorted(unknown)}")
    kinds = [_KINDS[column.kind] for column in columns]  # the constants themselves: _write_rows tests with `is`
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _styles(date_format))
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(_sheet_start(columns, letters).encode())
            count = _write_rows(rows, kinds, letters, lambda text: sheet.write(text.encode()))
            last = f"{letters[-1]}{count + 1}"
            sheet.write(
                f'</sheetData><autoFilter ref="A1:{last}"/>'
                '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                "</worksheet>".encode()
            )
        archive.writestr("xl/workbook.xml", _workbook(sheet_name, f"$A$1:${letters[-1]}${count + 1}"))
    return count
