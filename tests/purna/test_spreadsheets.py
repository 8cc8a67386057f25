"""purna/spreadsheets.py: the shared CSV/XLSX reader, with the headers its caller expects passed in."""

import datetime as dt
import io
import zipfile

import pytest
from django.utils.translation import gettext as _

from purna import spreadsheets

D = dt.date


def open_csv(data: bytes, headers: list[str]) -> spreadsheets.Sheet:
    return spreadsheets.open_sheet(
        io.BytesIO(data), name="data.csv", size=len(data), max_bytes=1024 * 1024, headers=headers
    )


def test_the_separator_is_the_one_that_splits_out_the_callers_headers():
    # Split by comma or by semicolon, this header has two cells: only the expected headers tell which.
    data = b"Kode;Nilai,Rupiah\r\nA;1,5\r\n"

    sheet = open_csv(data, headers=["kode", "nilai,rupiah"])

    assert sheet.header == ["Kode", "Nilai,Rupiah"]
    assert list(sheet.rows) == [(2, ["A", "1,5"])]
    assert open_csv(data, headers=["kode;nilai", "rupiah"]).header == ["Kode;Nilai", "Rupiah"]


def test_header_key_ignores_the_bom_the_required_mark_case_and_spacing():
    assert spreadsheets.header_key("\ufeff  Tanggal_Diterima * ") == "tanggal diterima"
    assert spreadsheets.header_key(None) == ""


def test_column_letters_and_back():
    for index in (0, 25, 26, 701, 702):
        assert spreadsheets.letter_index(spreadsheets.column_letter(index)) == index


# --- XLSX, read as a stream -------------------------------------------------------------------------------
#
# Workbooks written part by part, so that each test says exactly what XML the reader gets.

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="4">'
    '<numFmt numFmtId="164" formatCode="[$-421]d mmmm yyyy;@"/>'
    '<numFmt numFmtId="165" formatCode="&quot;hari&quot; 0"/>'
    '<numFmt numFmtId="166" formatCode="[h]:mm"/>'
    '<numFmt numFmtId="167" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="166"/>'
    '<xf numFmtId="14"/><xf numFmtId="167"/></cellXfs></styleSheet>'
)  # styles: 1 a custom date, 2 a number with a quoted "d", 3 a duration, 4 Excel's built-in date, 5 a datetime


CONTENT_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def xlsx(
    sheet_data: str,
    *,
    shared: list[str] | None = None,
    prefix: str = "",
    date1904: bool = False,
    hidden_first: bool = False,
    raw_sheet: str | None = None,
) -> bytes:
    p = f"{prefix}:" if prefix else ""
    declaration = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    sheet = raw_sheet or (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {declaration}>'
        f"<{p}sheetData>{sheet_data}</{p}sheetData></{p}worksheet>"
    )
    sheets = '<sheet name="Lama" sheetId="2" state="hidden" r:id="rId9"/>' if hidden_first else ""
    sheets += '<sheet name="Data" sheetId="1" r:id="rId1"/>'
    relation = f'<Relationship Id="%s" Type="{RELATIONS}/%s" Target="%s"/>'
    relations = [relation % ("rId1", "worksheet", "worksheets/sheet1.xml"), relation % ("rId2", "styles", "styles.xml")]
    members = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}">'
        + ('<workbookPr date1904="1"/>' if date1904 else "")
        + f"<sheets>{sheets}</sheets></workbook>",
        "xl/styles.xml": STYLES,
        "xl/worksheets/sheet1.xml": sheet,
    }
    if hidden_first:
        relations.append(relation % ("rId9", "worksheet", "worksheets/sheet9.xml"))
        members["xl/worksheets/sheet9.xml"] = (
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>bukan ini</t></is>'
            "</c></row></sheetData></worksheet>"
        )
    if shared is not None:
        relations.append(relation % ("rId3", "sharedStrings", "sharedStrings.xml"))
        members["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}">' + "".join(shared) + "</sst>"
    members["xl/_rels/workbook.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(relations)
        + "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def open_xlsx(data: bytes) -> spreadsheets.Sheet:
    return spreadsheets.open_sheet(
        io.BytesIO(data), name="data.xlsx", size=len(data), max_bytes=1024 * 1024, headers=[]
    )


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def number(ref: str, value: str, style: int | None = None) -> str:
    return f'<c r="{ref}"' + (f' s="{style}"' if style is not None else "") + f"><v>{value}</v></c>"


HEADER = '<row r="1">' + inline("A1", "NIP") + inline("B1", "Nama") + inline("C1", "Tanggal") + "</row>"
# Both readers must give the same values for these cells: the stream, and python-calamine (which now reads
# only the sheets the stream leaves to it).
CELLS = (
    HEADER
    + '<row r="2">'
    + '<c r="A2" t="s"><v>0</v></c>'  # a shared string
    + '<c r="B2" t="s"><v>1</v></c>'  # a shared rich text with a phonetic guide
    + number("C2", "25700", 1)  # a date in a custom (Indonesian) format
    + number("D2", "25700", 4)  # a date in Excel's built-in format
    + number("E2", "45000.5625", 5)  # a datetime
    + number("F2", "1.5", 3)  # a duration
    + number("G2", "5", 2)  # a number whose format has a quoted "d"
    + "</row>"
    + '<row r="3">'
    + number("A3", "1.96804261998082E+17")  # a NIP that Excel stored as a number
    + inline("B3", "Siti &amp; Budi_x000D_")  # an inline string with a reference and Excel's escape
    + '<c r="C3" t="str"><f>A1&amp;"x"</f><v>NIPx</v></c>'  # a formula's text
    + '<c r="D3" t="b"><v>1</v></c><c r="E3" t="e"><v>#N/A</v></c>'
    + '<c r="F3" t="inlineStr"><is><r><rPr><b/></rPr><t xml:space="preserve">a </t></r><r><t>b</t></r></is></c>'
    + '<c r="G3" s="4"/>'  # a style and no value: empty
    + "</row>"
)
SHARED = ["<si><t>196804261998082001</t></si>", "<si><r><t>Ani</t></r><rPh sb='0' eb='1'><t>ア</t></rPh></si>"]
EXPECTED = [
    (
        2,
        [
            "196804261998082001",
            "Ani",
            D(1970, 5, 12),
            D(1970, 5, 12),
            dt.datetime(2023, 3, 15, 13, 30),  # noqa: DTZ001 (a spreadsheet's times are naive)
            dt.timedelta(days=1.5),
            5.0,
        ],
    ),
    (3, [1.96804261998082e17, "Siti & Budi\r", "NIPx", True, "", "a b"]),
]


def trimmed(rows):
    """Rows without their empty cells at the end (calamine makes every row as wide as the widest)."""
    result = []
    for number, cells in rows:
        while cells and cells[-1] == "":
            cells = cells[:-1]
        result.append((number, cells))
    return result


def test_xlsx_cells_are_read_as_calamine_reads_them():
    sheet = open_xlsx(xlsx(CELLS, shared=SHARED))

    assert sheet.header == ["NIP", "Nama", "Tanggal"]
    assert trimmed(sheet.rows) == EXPECTED
    assert (sheet.total_rows, sheet.first_column, sheet.formula_cells) == (2, 0, ["C3"])


def test_xlsx_with_a_comment_is_read_by_calamine_with_the_same_values():
    sheet = open_xlsx(xlsx("<!-- written by hand -->" + CELLS, shared=SHARED))

    assert sheet.header == ["NIP", "Nama", "Tanggal", "", "", "", ""]
    assert trimmed(sheet.rows) == EXPECTED
    assert (sheet.total_rows, sheet.first_column, sheet.formula_cells) == (2, 0, ["C3"])


def test_xlsx_in_the_1904_date_system():
    sheet = open_xlsx(xlsx(HEADER + '<row r="2">' + number("C2", "24238", 1) + "</row>", date1904=True))

    assert list(sheet.rows) == [(2, ["", "", D(1970, 5, 12)])]


def test_xlsx_sparse_rows_keep_their_columns_with_or_without_references():
    rows = (
        HEADER
        + '<row r="2">'
        + inline("C2", "12-05-1970")
        + "</row>"
        # no r on the row nor on its cells: the next row, cells from column A on
        + "<row>"
        + '<c t="inlineStr"><is><t>x</t></is></c><c/><c t="inlineStr"><is><t>z</t></is></c>'
        + "</row>"
        + '<row r="7">'
        + inline("B7", "y")
        + "</row>"
    )

    sheet = open_xlsx(xlsx(rows))

    assert list(sheet.rows) == [(2, ["", "", "12-05-1970"]), (3, ["x", "", "z"]), (7, ["", "y", ""])]
    assert sheet.total_rows == 3


def test_xlsx_header_below_a_blank_row_and_right_of_column_a():
    rows = (
        '<row r="1"><c r="A1" s="4"/></row>'
        + '<row r="3">'
        + inline("B3", "NIP")
        + inline("C3", "Nama")
        + "</row>"
        + '<row r="4">'
        + inline("B4", "1")
        + inline("C4", "Ani")
        + "</row>"
        + '<row r="6">'
        + inline("C6", "Budi")
        + "</row>"
    )

    sheet = open_xlsx(xlsx(rows))

    assert (sheet.header, sheet.first_column) == (["NIP", "Nama"], 1)
    # Row numbers as the spreadsheet shows them: cells are named from them and first_column ("C6").
    assert list(sheet.rows) == [(4, ["1", "Ani"]), (6, ["", "Budi"])]
    assert sheet.total_rows == 2


def test_xlsx_written_with_a_namespace_prefix_and_attributes_in_another_order():
    p = "x:"
    rows = (
        f'<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>NIP</{p}t></{p}is></{p}c>'
        f"<{p}c t='s'\n r='B1'><{p}v>0</{p}v></{p}c></{p}row>"
        f'<{p}row r="2" spans="1:2"><{p}c s="1" r="B2"><{p}v>25700</{p}v></{p}c>'
        f'<{p}c r="A2" ><{p}v>7</{p}v></{p}c></{p}row >'
    )

    sheet = open_xlsx(xlsx(rows, prefix="x", shared=["<si><t>Tanggal</t></si>"]))

    assert sheet.header == ["NIP", "Tanggal"]
    assert list(sheet.rows) == [(2, [7.0, D(1970, 5, 12)])]


def test_xlsx_hidden_first_sheet_is_skipped_by_the_stream():
    sheet = open_xlsx(xlsx(HEADER, hidden_first=True))

    assert sheet.header == ["NIP", "Nama", "Tanggal"]


@pytest.mark.parametrize(
    "sheet_xml",
    [
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{inline("A1", "NIP")}</row><row r="2">',  # cut short
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1"><v>1</c></row></sheetData></worksheet>',
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{inline("A1", "a &nbsp; b")}</row></sheetData></worksheet>',
    ],
    ids=["truncated", "tags crossed", "unknown entity"],
)
def test_xlsx_whose_sheet_xml_is_damaged_is_refused_when_opened(sheet_xml):
    # Refused before any row is handed over, so that no import stops halfway (and no page answers 500).
    with pytest.raises(spreadsheets.ImportFileError) as caught:
        open_xlsx(xlsx("", raw_sheet=sheet_xml))

    assert caught.value.message == _("The Excel file is damaged or incomplete: save it again and upload it.")


def test_xlsx_rows_are_read_as_they_are_asked_for():
    # 3,000 rows of about 100 bytes: the reader holds one piece of the sheet at a time, not every row.
    rows = HEADER + "".join(
        f'<row r="{n}">{inline(f"A{n}", "x" * 80)}{number(f"B{n}", str(n))}</row>' for n in range(2, 3002)
    )
    sheet = open_xlsx(xlsx(rows))

    first = next(sheet.rows)
    assert first == (2, ["x" * 80, 2.0, ""])
    assert sum(1 for _row in sheet.rows) == 2999
    assert sheet.total_rows == 3000


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("dd-mm-yyyy", "date"),
        ("[$-421]d mmmm yyyy;@", "date"),
        ("h:mm AM/PM", "date"),
        ("[h]:mm:ss", "duration"),
        ("0.00", None),
        ('"hari" 0', None),
        ("#,##0_);[Red](#,##0)", None),
        ("0*d", None),
        ("@", None),
        ("General", None),
    ],
)
def test_number_formats_that_are_dates(code, kind):
    assert spreadsheets._format_kind(code) == kind
