"""The streaming sheet writer (purna/xlsx_stream.py): what a hand-written XLSX writer can get wrong."""

import datetime as dt
import io
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from python_calamine import CalamineWorkbook

from purna import xlsx_stream
from purna.xlsx_stream import DATE, NUMBER, TEXT, Column

D = dt.date
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
NOON = dt.datetime(2025, 1, 2, 12)  # noqa: DTZ001 (an XLSX cell holds no time zone)
COLUMNS = [Column("teks"), Column("tanggal", DATE, 12), Column("angka", NUMBER, 6)]


def written(rows, columns=COLUMNS, **options) -> bytes:
    buffer = io.BytesIO()
    xlsx_stream.write_sheet(buffer, columns, rows, sheet_name=options.pop("sheet_name", "Data"), **options)
    return buffer.getvalue()


def read_back(content: bytes, sheet: str = "Data") -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_name(sheet).to_python()


def parts(content: bytes) -> dict[str, ElementTree.Element]:
    """Every part of the archive, parsed (ElementTree raises on XML that is not well-formed)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: ElementTree.fromstring(archive.read(name)) for name in archive.namelist()}  # noqa: S314 (ours)


def cells(content: bytes) -> dict[str, ElementTree.Element]:
    sheet = parts(content)["xl/worksheets/sheet1.xml"]
    return {cell.get("r"): cell for cell in sheet.iterfind(".//m:c", NS)}


def test_a_workbook_of_well_formed_parts_with_a_frozen_filtered_header():
    content = written([["a", D(2025, 1, 2), 3]] * 3)

    found = parts(content)
    assert set(found) == {
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/_rels/workbook.xml.rels",
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
    }
    sheet = found["xl/worksheets/sheet1.xml"]
    pane = sheet.find(".//m:pane", NS)
    assert (pane.get("ySplit"), pane.get("topLeftCell"), pane.get("state")) == ("1", "A2", "frozen")
    assert sheet.find("m:autoFilter", NS).get("ref") == "A1:C4"
    assert [col.get("width") for col in sheet.iterfind(".//m:col", NS)] == ["14.7109375", "12.7109375", "6.7109375"]
    defined = found["xl/workbook.xml"].find(".//m:definedName", NS)
    assert (defined.get("name"), defined.text) == ("_xlnm._FilterDatabase", "'Data'!$A$1:$C$4")
    header = cells(content)["A1"]
    header_style = found["xl/styles.xml"].find("m:cellXfs", NS)[int(header.get("s"))]
    assert found["xl/styles.xml"].find("m:fonts", NS)[int(header_style.get("fontId"))].find("m:b", NS) is not None
    assert read_back(content) == [["teks", "tanggal", "angka"]] + [["a", D(2025, 1, 2), 3]] * 3


def test_markup_characters_are_escaped_and_read_back_as_typed():
    texts = ["a < b & c > d", "]]>", "<t>x</t>", "&amp;", "kutip \" dan ' apostrof", "Jl. Merdeka No. 5 & 7"]

    content = written([[text, None, None] for text in texts])

    assert [row[0] for row in read_back(content)[1:]] == texts


def test_control_characters_that_xml_forbids_are_escaped_and_come_back():
    texts = ["a\x00b", "bel\x07", "\x0bvertical tab", "form\x0cfeed", "unit\x1fseparator", "Windows\r\nline", "\r"]

    content = written(
        [[text, None, None] for text in texts] + [["non-characters \ufffe\uffff, a lone surrogate \ud800", None, None]]
    )

    parts(content)  # well-formed XML despite them
    assert [row[0] for row in read_back(content)[1:-1]] == texts


def test_tabs_line_breaks_and_spaces_at_either_end_are_kept():
    texts = ["Jl. A\nRT 2", "a\tb", "  two spaces before", "after ", " both ", "\nline first"]

    content = written([[text, None, None] for text in texts])

    assert [row[0] for row in read_back(content)[1:]] == texts


def test_a_text_that_looks_like_an_excel_escape_is_read_back_as_typed():
    content = written([["_x0041_", None, None], ["a_x00e9_b_", None, None], ["_x", None, None]])

    assert [row[0] for row in read_back(content)[1:]] == ["_x0041_", "a_x00e9_b_", "_x"]


@pytest.mark.parametrize("text", ["=1+1", "+62 812", "-10", "@SUM(A1)", "\tx", "\r=2", '=HYPERLINK("http://contoh")'])
def test_text_that_would_start_a_formula_is_text_marked_quote_prefix(text):
    content = written([[text, None, None]])

    cell = cells(content)["A2"]
    assert cell.get("t") == "inlineStr"
    assert cell.find("m:f", NS) is None
    styles = parts(content)["xl/styles.xml"].find("m:cellXfs", NS)
    assert styles[int(cell.get("s"))].get("quotePrefix") == "1"
    assert read_back(content)[1][0] == text


def test_plain_text_has_no_quote_prefix():
    assert cells(written([["Jl. Pemuda = 1", None, None]]))["A2"].get("s") is None


def test_a_nip_stays_text_with_all_its_digits_whatever_its_type():
    content = written([["197005121995032001", None, None], [197005121995032001, None, None]])

    assert [cell.get("t") for ref, cell in cells(content).items() if ref in ("A2", "A3")] == ["inlineStr"] * 2
    assert [row[0] for row in read_back(content)[1:]] == ["197005121995032001"] * 2


def test_empty_values_leave_no_cell_and_the_next_cells_keep_their_columns():
    content = written([["", None, 5], [None, D(2025, 1, 2), None], ["x", None, ""]])

    assert sorted(cells(content)) == ["A1", "A4", "B1", "B3", "C1", "C2"]
    assert read_back(content)[1:] == [["", "", 5], ["", D(2025, 1, 2), ""], ["x", "", ""]]


def test_dates_are_day_numbers_shown_in_the_date_format():
    values = [D(1900, 3, 1), D(1970, 5, 12), D(2028, 6, 1), D(9999, 12, 31)]

    content = written([[None, value, None] for value in values], date_format="dd-mm-yyyy")

    assert [cells(content)[f"B{row}"].find("m:v", NS).text for row in range(2, 6)] == [
        "61",
        "25700",
        "46905",
        "2958465",
    ]
    styles = parts(content)["xl/styles.xml"]
    date_style = styles.find("m:cellXfs", NS)[int(cells(content)["B2"].get("s"))]
    number_format = styles.find("m:numFmts", NS)[0]
    assert (date_style.get("numFmtId"), number_format.get("formatCode")) == (
        number_format.get("numFmtId"),
        "dd-mm-yyyy",
    )
    assert [row[1] for row in read_back(content)[1:]] == values


def test_a_date_before_march_1900_is_iso_text_and_a_datetime_keeps_its_time():
    content = written([[None, D(1899, 1, 1), None], [None, D(1900, 2, 28), None], [None, NOON, None]])

    assert read_back(content)[1:] == [
        ["", "1899-01-01", ""],
        ["", "1900-02-28", ""],
        ["", NOON, ""],
    ]


def test_numbers_booleans_and_what_a_sheet_cannot_hold():
    rows = [
        [None, None, value]
        for value in (58, -3, 2.5, Decimal("12.75"), True, 2**60, float("nan"), float("inf"), 10**400)
    ]

    got = [row[2] for row in read_back(written(rows))[1:]]

    assert got == [58, -3, 2.5, 12.75, True, float(2**60), "nan", "inf", str(10**400)]


def test_a_text_beyond_excels_limit_is_cut_at_32767_characters():
    long_ascii = "x" * 40_000
    long_wide = "😀" * 20_000  # two UTF-16 code units each: Excel counts those
    exact = "y" * 32_767

    got = [
        row[0]
        for row in read_back(written([[long_ascii, None, None], [long_wide, None, None], [exact, None, None]]))[1:]
    ]

    assert got == ["x" * 32_767, "😀" * 16_383, exact]


def test_other_scripts_and_accents_are_written_as_utf8():
    texts = ["Siti Aminah, S.Pd.", "Ñoño", "Ĝùŝtàvö", "Кирилл", "日本語", "ﷺ", "non\u00a0breaking", "zero\u200bwidth"]

    assert [row[0] for row in read_back(written([[text, None, None] for text in texts]))[1:]] == texts


def test_rows_are_written_as_they_come_not_held():
    buffer = io.BytesIO()
    seen_before_the_last_row = []

    def rows():
        for number in range(10_000):
            if number == 9_999:
                seen_before_the_last_row.append(buffer.tell())
            yield [f"nama pegawai {number}", D(2025, 1, 1) + dt.timedelta(days=number), number]

    assert xlsx_stream.write_sheet(buffer, COLUMNS, rows(), sheet_name="Data") == 10_000
    assert seen_before_the_last_row[0] > buffer.tell() / 2
    assert len(read_back(buffer.getvalue())) == 10_001


def test_an_empty_sheet_has_its_header_and_a_filter_on_it():
    content = written([])

    assert read_back(content) == [["teks", "tanggal", "angka"]]
    assert parts(content)["xl/worksheets/sheet1.xml"].find("m:autoFilter", NS).get("ref") == "A1:C1"


def test_many_columns_get_two_letter_references():
    columns = [Column(f"k{index}", TEXT) for index in range(60)]

    content = written([[str(index) for index in range(60)]], columns)

    assert {"Z2", "AA2", "AZ2", "BA2", "BH2"} <= set(cells(content))
    assert read_back(content)[1] == [str(index) for index in range(60)]
    assert [xlsx_stream.column_letter(index) for index in (0, 25, 26, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_the_sheet_name_is_escaped_and_quoted_in_the_filter_name():
    content = written([["a", None, None]], sheet_name="O'Brien & Co")

    assert read_back(content, "O'Brien & Co")[1][0] == "a"
    assert parts(content)["xl/workbook.xml"].find(".//m:definedName", NS).text == "'O''Brien & Co'!$A$1:$C$2"


@pytest.mark.parametrize("name", ["", "a" * 32, "a/b", "a[1]", "what?"])
def test_a_sheet_name_excel_refuses_is_refused(name):
    with pytest.raises(ValueError, match="worksheet name"):
        written([], sheet_name=name)


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="row 2 has 2 values for 3 columns"):
        written([["a", None, None], ["b", None]])


def test_openpyxl_reads_it_too():
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(written([["=1+1", D(2025, 1, 2), 58]])))["Data"]

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C2"
    assert [cell.value for cell in sheet[2]] == ["=1+1", dt.datetime(2025, 1, 2), 58]  # noqa: DTZ001 (openpyxl reads dates as naive datetimes)
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert sheet["B2"].number_format == "dd-mm-yyyy"
