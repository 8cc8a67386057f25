"""The register as a spreadsheet (employees/exporter.py): columns, values, CSV and XLSX writers."""

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree

import pytest
from python_calamine import CalamineWorkbook

from employees import exporter, importer
from employees.models import Employee
from employees.services.register import retirement_facts_refresh
from tests.factories import EmployeeFactory, UnitKerjaFactory

D = dt.date


def test_the_export_has_the_import_columns_then_the_computed_ones():
    imported = [column.header for column in importer.COLUMNS]

    assert exporter.HEADERS[: len(imported)] == imported
    assert exporter.HEADERS[len(imported) :] == importer.COMPUTED_HEADERS


@pytest.mark.django_db
def test_rows_use_the_spreadsheet_words_and_the_computed_facts(django_assert_num_queries):
    unit = UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")
    EmployeeFactory(
        name="Budi",
        gender="1",
        golongan="IV/a",
        jenis_jabatan="fungsional",
        jenjang="ahli_madya",
        rumpun="guru",
        status="mpp",
        unit=unit,
        birth_date=D(1966, 7, 9),
        tmt_cpns=D(1991, 3, 1),
    )
    employee = Employee.objects.get()
    employee.bup, employee.tmt_pensiun, employee.service_years, employee.service_months = 60, D(2026, 8, 1), 35, 5
    employee.save()

    with django_assert_num_queries(1):
        rows = list(exporter.export_rows(Employee.objects.order_by("pk")))

    values = dict(zip(exporter.HEADERS, rows[0], strict=True))
    assert values["jenis kelamin"] == "L"
    assert (values["jenis jabatan"], values["jenjang"], values["rumpun"]) == ("Fungsional", "Ahli Madya", "Guru")
    assert values["status"] == "MPP"
    assert (values["golongan"], values["pangkat"]) == ("IV/a", "Pembina")
    assert (values["kode unit kerja"], values["nama unit kerja"]) == ("DISDIK", "Dinas Pendidikan")
    assert (values["tanggal lahir"], values["TMT pensiun"]) == (D(1966, 7, 9), D(2026, 8, 1))
    assert (values["BUP"], values["masa kerja (tahun)"], values["masa kerja (bulan)"]) == (60, 35, 5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62 812", "'+62 812"),
        ("-10", "'-10"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Jl. Pemuda = 1", "Jl. Pemuda = 1"),
        ("", ""),
        (None, ""),
        (D(2025, 10, 21), "2025-10-21"),
        (58, 58),
    ],
)
def test_csv_values_are_safe_from_formula_injection(value, expected):
    assert exporter.csv_text(value) == expected


def sample_rows() -> list[list]:
    row = ["" for _header in exporter.HEADERS]
    values = {
        "NIP": "197005121995032001",
        "nama": "Siti Aminah",
        "telepon": "+62 812 3456",
        "alamat": '=HYPERLINK("http://contoh")',
        "tanggal lahir": D(1970, 5, 12),
        "TMT pensiun": D(2028, 6, 1),
        "BUP": 58,
        "TMT PNS": None,
    }
    for header, value in values.items():
        row[exporter.HEADERS.index(header)] = value
    return [row]


def test_csv_stream_has_a_byte_order_mark_header_and_rows():
    text = "".join(exporter.csv_stream(sample_rows() * 3, batch=2))

    lines = text.split("\r\n")
    assert lines[0] == "\ufeff" + ",".join(exporter.HEADERS)
    assert len(lines) == 5 and lines[-1] == ""
    assert lines[1].startswith("197005121995032001,,,,Siti Aminah,")
    assert "'+62 812 3456" in lines[1]
    assert '"\'=HYPERLINK(""http://contoh"")"' in lines[1]
    assert text.count("\ufeff") == 1


def test_xlsx_has_dates_numbers_and_text_never_formulas():
    buffer = io.BytesIO()

    count = exporter.xlsx_write(sample_rows(), buffer)

    assert count == 1
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("Pegawai").to_python()
    values = dict(zip(exporter.HEADERS, rows[1], strict=True))
    assert values["NIP"] == "197005121995032001"
    assert (values["tanggal lahir"], values["TMT pensiun"]) == (D(1970, 5, 12), D(2028, 6, 1))
    assert values["BUP"] == 58
    assert values["alamat"] == '=HYPERLINK("http://contoh")'
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<f>" not in sheet
    assert 'quotePrefix="1"' in styles
    assert 'formatCode="dd-mm-yyyy"' in styles


def test_xlsx_of_an_empty_register_has_its_header():
    buffer = io.BytesIO()

    assert exporter.xlsx_write([], buffer) == 0
    assert CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("Pegawai").to_python() == [
        exporter.HEADERS
    ]


@pytest.mark.django_db
def test_export_read_back_by_the_importer_is_the_same_data():
    unit = UnitKerjaFactory(code="BKPSDM")
    EmployeeFactory(unit=unit, phone="+62 812", address="Jl. A\nRT 2")
    retirement_facts_refresh()
    text = "".join(exporter.csv_stream(exporter.export_rows(Employee.objects.all()))).encode("utf-8")

    sheet = importer.open_sheet(io.BytesIO(text), name="ekspor.csv", size=len(text), max_bytes=10**6)
    layout = importer.read_header(sheet.header)
    number, cells = next(sheet.rows)
    values, errors = importer.parse_row(
        cells, layout, row=number, units=importer.UnitLookup([("BKPSDM", unit.pk, True)])
    )

    employee = Employee.objects.get()
    assert errors == []
    assert (values["nip"], values["phone"], values["address"], values["birth_date"]) == (
        employee.nip,
        "+62 812",
        "Jl. A\nRT 2",
        employee.birth_date,
    )


def test_xlsx_keeps_the_layout_people_know():
    """Bold header row, frozen, filter over every column, the columns' widths, the sheet "Pegawai"."""
    buffer = io.BytesIO()
    exporter.xlsx_write(sample_rows() * 2, buffer)

    namespace = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))  # noqa: S314 (a file we just wrote)
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))  # noqa: S314 (a file we just wrote)
    last = "AF"
    assert len(exporter.HEADERS) == 32
    assert sheet.find("m:autoFilter", namespace).get("ref") == f"A1:{last}3"
    pane = sheet.find(".//m:pane", namespace)
    assert (pane.get("ySplit"), pane.get("state")) == ("1", "frozen")
    widths = {}
    for col in sheet.iterfind(".//m:col", namespace):
        for index in range(int(col.get("min")), int(col.get("max")) + 1):
            widths[index] = float(col.get("width"))
    assert [round(widths[index] - 0.71) for index in range(1, 33)] == [c.width for c in exporter.EXPORT_COLUMNS]
    header = sheet.find(".//m:row", namespace)
    style = styles.find("m:cellXfs", namespace)[int(header[0].get("s"))]
    assert styles.find("m:fonts", namespace)[int(style.get("fontId"))].find("m:b", namespace) is not None
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("Pegawai").to_python()
    assert rows[0] == exporter.HEADERS


def test_xlsx_takes_any_text_the_register_may_hold():
    texts = {
        "nama": "Siti & Budi <Ahli>",
        "alamat": "Jl. A\r\nRT 2\x0bRW 3\x01",
        "jabatan": "x" * 40_000,
        "gelar belakang": " S.Pd. ",
        "tempat lahir": "_x0041_",
        "telepon": "=1+1",
    }
    row = sample_rows()[0]
    for header, text in texts.items():
        row[exporter.HEADERS.index(header)] = text
    buffer = io.BytesIO()

    exporter.xlsx_write([row], buffer)

    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        for name in archive.namelist():
            ElementTree.fromstring(archive.read(name))  # noqa: S314 (a file we just wrote)
    got = dict(
        zip(
            exporter.HEADERS,
            CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_name("Pegawai").to_python()[1],
            strict=True,
        )
    )
    assert {header: got[header] for header in texts} == {**texts, "jabatan": "x" * 32_767}
