"""Reading employee spreadsheets (employees/importer.py): files, headers and cells, without a database.

Messages are checked in Indonesian, the site's language, as gettext gives them (the catalog's
translation once it has one).
"""

import codecs
import datetime as dt
import io

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from employees import importer
from employees.importer import CellError, ImportFileError, ImportResult, UnitLookup
from purna import uploads
from tests import bombs
from tests.employees.sheets import HEADERS, csv_bytes, row, xlsx_bytes

D = dt.date
UNITS = UnitLookup([("BKPSDM", 1, True), ("DISDIK", 2, True), ("Kec-Lama", 3, False)])


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def open_bytes(data: bytes, name: str = "pegawai.csv", max_bytes: int = 10 * 1024 * 1024) -> importer.Sheet:
    return importer.open_sheet(io.BytesIO(data), name=name, size=len(data), max_bytes=max_bytes)


def file_error(data: bytes, name: str = "pegawai.csv", **kwargs) -> str:
    with pytest.raises(ImportFileError) as caught:
        sheet = open_bytes(data, name, **kwargs)
        importer.read_header(sheet.header)
    return caught.value.message


def parsed(values: dict, *, headers: list[str] | None = None) -> tuple[dict, list[CellError]]:
    sheet = open_bytes(csv_bytes([values], headers=headers))
    layout = importer.read_header(sheet.header)
    number, cells = next(sheet.rows)
    return importer.parse_row(cells, layout, row=number, units=UNITS)


# --- Bad files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "pegawai.csv", lambda: _("The file is empty.")),
        (b"\r\n\r\n", "pegawai.csv", lambda: _("The file is empty: the first line must hold the column headers.")),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest",
            "pegawai.xls",
            lambda: _(
                "The file is an old Excel workbook (.xls) or a password-protected one. Save it as an Excel "
                "Workbook (.xlsx) without a password, or as CSV UTF-8."
            ),
        ),
        (
            b"%PDF-1.7 not a sheet",
            "pegawai.csv",
            lambda: _("The file is not a spreadsheet: upload a CSV or an Excel (.xlsx) file."),
        ),
        (
            b"\x89PNG\r\n\x1a\n....",
            "pegawai.xlsx",
            lambda: _("The file is not a spreadsheet: upload a CSV or an Excel (.xlsx) file."),
        ),
        (
            b"NIP,nama\x00\x01\x02",
            "pegawai.csv",
            lambda: _("The file is not a spreadsheet: upload a CSV or an Excel (.xlsx) file."),
        ),
        (
            b"NIP,nama\r\n1,2\r\n",
            "pegawai.xlsx",
            lambda: (
                _("The file is named .%(extension)s but its content is %(content)s. Save it again in the right format.")
                % {"extension": "xlsx", "content": _("text (CSV)")}
            ),
        ),
        (
            b"PK\x03\x04 a zip",
            "pegawai.csv",
            lambda: (
                _("The file is named .%(extension)s but its content is %(content)s. Save it again in the right format.")
                % {"extension": "csv", "content": _("an Excel workbook")}
            ),
        ),
        (
            b"NIP,nama\r\n",
            "pegawai.txt",
            lambda: (
                _("Files ending in .%(extension)s are not accepted: upload a .csv or .xlsx file.")
                % {"extension": "txt"}
            ),
        ),
        (
            b"PK\x03\x04 a zip that is damaged",
            "pegawai.xlsx",
            lambda: _("The file is damaged or incomplete: save it again and upload it."),
        ),
        (
            b"NIP,nama\r\n\x81\x8d\x8f\x90\x9d\r\n",
            "pegawai.csv",
            lambda: _(
                'The file\'s text encoding is not readable (neither UTF-8 nor Windows text). Save it as "CSV UTF-8".'
            ),
        ),
    ],
    ids=[
        "empty",
        "blank lines",
        "old xls",
        "pdf",
        "png named xlsx",
        "binary",
        "csv named xlsx",
        "xlsx named csv",
        "txt",
        "broken zip",
        "unreadable encoding",
    ],
)
def test_bad_file_is_refused_with_its_reason(data, name, expected):
    assert file_error(data, name) == expected()


def test_too_large_file_names_the_limit():
    message = file_error(b"NIP\r\n" + b"1" * 3000, max_bytes=2048)

    assert message == _("The file is too large (%(size)s); at most %(max)s is accepted.") % {
        "size": "3 KB",
        "max": "2 KB",
    }


@pytest.mark.parametrize(
    ("lie", "expected"),
    [(False, lambda: uploads._too_large(uploads.MAX_UNPACKED_BYTES)), (True, lambda: uploads._lying())],
    ids=["declared", "header lies"],
)
def test_xlsx_whose_shared_strings_unpack_to_a_gigabyte_is_refused_before_it_is_parsed(lie, expected):
    # The incident: a 1.5 MB workbook whose shared strings unpack to 1.5 GB, which python-calamine holds
    # in memory several times over. Refused while streaming, before calamine is given the file.
    data = bombs.shared_strings_bomb(xlsx_bytes([row()]), lie=lie)
    assert len(data) < 5 * bombs.MB
    bombs.peak_reset()

    message = file_error(data, "pegawai.xlsx")

    assert bombs.peak_bytes() < 300 * bombs.MB
    assert message == expected()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            [h for h in HEADERS if h not in ("NIP", "kode unit kerja")],
            lambda: _("Missing columns: %(columns)s.") % {"columns": "NIP, kode unit kerja"},
        ),
        (
            [*HEADERS, "tanggal lahr"],
            lambda: (
                _("Unknown columns: %(columns)s (check the spelling against the template).")
                % {"columns": "tanggal lahr"}
            ),
        ),
        (
            [*HEADERS, "Nama"],
            lambda: _("Columns given twice: %(columns)s.") % {"columns": "Nama"},
        ),
    ],
    ids=["missing", "unknown", "twice"],
)
def test_header_problems_name_the_columns(headers, expected):
    assert file_error(csv_bytes([row()], headers=headers)) == expected()


def test_headers_match_whatever_their_case_spacing_and_aliases():
    headers = [h.upper() for h in HEADERS]
    headers[headers.index("JENIS KELAMIN")] = "  Jenis_Kelamin* "
    headers[headers.index("KODE UNIT KERJA")] = "kode unit"
    values = {new: row()[old] for new, old in zip(headers, HEADERS, strict=True)}

    found, errors = parsed(values, headers=headers)

    assert errors == []
    assert (found["gender"], found["unit_id"]) == ("2", 1)


def test_computed_columns_of_an_export_are_ignored():
    headers = [*HEADERS, "BUP", "TMT pensiun", "masa kerja (tahun)"]

    layout = importer.read_header(headers)

    assert layout.ignored == ["BUP", "TMT pensiun", "masa kerja (tahun)"]
    assert "bup" not in layout.fields


def test_optional_columns_may_be_left_out():
    required = [column.header for column in importer.COLUMNS if column.required]

    found, errors = parsed(row(), headers=required)

    assert errors == []
    assert set(found) == {"nip", "asn_type", "name", "birth_date", "gender", "jenis_jabatan", "unit_id", "tmt_cpns"} | {
        "_unit_active"
    }


# --- Encodings and separators ----------------------------------------------------------------------------


def test_utf8_with_bom_reads_without_notice():
    data = codecs.BOM_UTF8 + csv_bytes([row(nama="Ṣiti Ñurhayati")])

    sheet = open_bytes(data)

    assert sheet.header[0] == "NIP"
    assert sheet.notices == []
    assert next(sheet.rows)[1][HEADERS.index("nama")] == "Ṣiti Ñurhayati"


def test_windows_text_is_read_as_cp1252_and_said_so():
    data = csv_bytes([row(nama="José Sérgio")], encoding="cp1252")

    sheet = open_bytes(data)

    assert next(sheet.rows)[1][HEADERS.index("nama")] == "José Sérgio"
    assert sheet.notices == [
        _(
            "The file is not UTF-8 text: it was read as Windows text (cp1252). Check names with "
            'special letters; next time save it as "CSV UTF-8".'
        )
    ]


def test_excel_unicode_text_utf16_tab_separated_is_read():
    data = csv_bytes([row()], delimiter="\t", encoding="utf-16")

    found, errors = parsed_from(data)

    assert errors == []
    assert found["name"] == "Siti Aminah 1"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_separator_is_found_from_the_header(delimiter):
    found, errors = parsed_from(csv_bytes([row(alamat="Jl. A, No. 1; RT 2")], delimiter=delimiter))

    assert errors == []
    assert found["address"] == "Jl. A, No. 1; RT 2"


def parsed_from(data: bytes, name: str = "pegawai.csv") -> tuple[dict, list[CellError]]:
    sheet = open_bytes(data, name)
    layout = importer.read_header(sheet.header)
    number, cells = next(sheet.rows)
    return importer.parse_row(cells, layout, row=number, units=UNITS, first_column=sheet.first_column)


def test_csv_rows_are_counted_and_numbered_as_a_spreadsheet_shows_them():
    data = csv_bytes([row(1), {}, row(2, alamat="Jl. Satu\nRT 2"), row(3)])

    sheet = open_bytes(data)

    assert sheet.total_rows == 3
    assert [number for number, _cells in sheet.rows] == [2, 4, 5]


# --- Cells -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-21", D(2025, 10, 21)),
        ("21/10/2025", D(2025, 10, 21)),
        ("21-10-2025", D(2025, 10, 21)),
        ("21.10.2025", D(2025, 10, 21)),
        ("1/3/1995", D(1995, 3, 1)),
        ("2025-10-21 00:00:00", D(2025, 10, 21)),
        ("21 Oktober 2025", D(2025, 10, 21)),
        ("21 okt 2025", D(2025, 10, 21)),
        ("1 Agustus 1970", D(1970, 8, 1)),
        (dt.datetime(2025, 10, 21, 0, 0), D(2025, 10, 21)),  # noqa: DTZ001 (a spreadsheet cell's datetime is naive)
        (D(2025, 10, 21), D(2025, 10, 21)),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_read_in_every_unambiguous_form(value, expected):
    assert importer.parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31-02-2020", lambda: _("%(value)s is not a real date.") % {"value": "31-02-2020"}),
        ("2025-13-01", lambda: _("%(value)s is not a real date.") % {"value": "2025-13-01"}),
        ("10/21/2025", lambda: _("%(value)s is not a real date.") % {"value": "10/21/2025"}),
        ("21-10-25", lambda: _("%(value)s: write the year with four digits.") % {"value": "21-10-25"}),
        ("21-10-0202", lambda: _("%(value)s: the year is not plausible.") % {"value": "21-10-0202"}),
        # ISO dates take a shortcut; what it cannot take gets the same messages as the other forms.
        ("2020-02-30", lambda: _("%(value)s is not a real date.") % {"value": "2020-02-30"}),
        ("0099-01-01", lambda: _("%(value)s: write the year with four digits.") % {"value": "0099-01-01"}),
        ("2101-01-01", lambda: _("%(value)s: the year is not plausible.") % {"value": "2101-01-01"}),
        ("1899-12-31", lambda: _("%(value)s: the year is not plausible.") % {"value": "1899-12-31"}),
        (
            "kemarin",
            lambda: (
                _("%(value)s is not a date: write it as dd-mm-yyyy (for example 21-10-2025).") % {"value": "kemarin"}
            ),
        ),
        (
            45951,
            lambda: (
                _("%(value)s is a number, not a date: format the cell as a date or write it as dd-mm-yyyy.")
                % {"value": 45951}
            ),
        ),
    ],
)
def test_impossible_or_ambiguous_dates_are_refused(value, expected):
    with pytest.raises(importer.CellValueError) as caught:
        importer.parse_date(value)
    assert str(caught.value) == expected()


@pytest.mark.parametrize(
    ("overrides", "column", "cell", "expected"),
    [
        (
            {"tanggal lahir": "30-02-1970"},
            "tanggal lahir",
            "H2",
            lambda: _("%(value)s is not a real date.") % {"value": "30-02-1970"},
        ),
        ({"nama": ""}, "nama", "E2", lambda: _("This column is required; the cell is empty.")),
        (
            {"golongan": '=IF(A2>0;"III/c")'},
            "golongan",
            "J2",
            lambda: _("Cell %(cell)s holds a formula; only values can be imported (paste as values).") % {"cell": "J2"},
        ),
        ({"jenis kelamin": "X"}, "jenis kelamin", "I2", lambda: _("%(value)s: write L or P.") % {"value": "X"}),
        (
            {"jenis jabatan": "Staf"},
            "jenis jabatan",
            "L2",
            lambda: (
                _("%(value)s is not one of: %(choices)s.")
                % {
                    "value": "Staf",
                    "choices": "JPT Utama, JPT Madya, JPT Pratama, Administrator, Pengawas, Pelaksana, Fungsional",
                }
            ),
        ),
        (
            {"kode unit kerja": "DINAS-X"},
            "kode unit kerja",
            "O2",
            lambda: _("No work unit has the code %(code)s.") % {"code": "DINAS-X"},
        ),
        (
            {"NIP": "1.97005E+17"},
            "NIP",
            "A2",
            lambda: (
                _(
                    "%(value)s is a NIP shown by Excel as a number, with its last digits lost. Format the column as "
                    "Text and type the NIPs again."
                )
                % {"value": "1.97005E+17"}
            ),
        ),
        (
            {"status": "Cuti"},
            "status",
            "X2",  # after the office and personal contact columns
            lambda: (
                _("%(value)s is not one of: %(choices)s.")
                % {"value": "Cuti", "choices": "Aktif, MPP, Pensiun, Meninggal, Berhenti, Pindah"}
            ),
        ),
    ],
    ids=["impossible date", "required", "formula", "gender", "jenis jabatan", "unit", "nip as number", "status"],
)
def test_bad_cell_is_named_by_row_column_and_cell(overrides, column, cell, expected):
    _found, errors = parsed(row(**overrides))

    assert errors == [CellError(2, column, expected(), cell)]


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"jenis kelamin": "laki-laki"}, "gender", "1"),
        ({"jenis kelamin": "2"}, "gender", "2"),
        ({"jenis jabatan": "jpt_pratama"}, "jenis_jabatan", "jpt_pratama"),
        ({"jenis jabatan": "JPT  Pratama"}, "jenis_jabatan", "jpt_pratama"),
        ({"jenis jabatan": "Jabatan Fungsional"}, "jenis_jabatan", "fungsional"),
        ({"jenjang": "ahli muda"}, "jenjang", "ahli_muda"),
        ({"rumpun": "Guru Besar"}, "rumpun", "profesor"),
        ({"golongan": "iii / C"}, "golongan", "III/c"),
        ({"golongan": "ix"}, "golongan", "IX"),
        ({"golongan": "Penata"}, "golongan", "III/c"),  # a pangkat, as SIASN writes it
        ({"golongan": "Penata Besar"}, "golongan", "Penata Besar"),  # left for the register to refuse
        ({"NIP": "19700512 199503 2 001"}, "nip", "197005121995032001"),
        ({"telepon": "'+62 812 3456"}, "phone", "+62 812 3456"),  # the export's formula escape
        ({"jenis ASN": "pppk"}, "asn_type", "PPPK"),
    ],
)
def test_values_are_read_liberally_where_unambiguous(overrides, field, expected):
    found, errors = parsed(row(**overrides))

    assert errors == []
    assert found[field] == expected


def test_empty_status_is_left_out_for_the_register_to_decide():
    found, errors = parsed(row(status=""))

    assert errors == []
    assert "status" not in found


def test_closed_unit_is_resolved_and_flagged():
    found, _errors = parsed(row(**{"kode unit kerja": "kec-lama"}))

    assert (found["unit_id"], found["_unit_active"]) == (3, False)


# --- XLSX ------------------------------------------------------------------------------------------------


def test_xlsx_reads_real_dates_and_text_nips():
    data = xlsx_bytes([row(**{"tanggal lahir": D(1970, 5, 12), "TMT CPNS": D(1995, 3, 1)})])

    found, errors = parsed_from(data, "pegawai.xlsx")

    assert errors == []
    assert (found["nip"], found["birth_date"], found["tmt_cpns"]) == (
        "197005121995032001",
        D(1970, 5, 12),
        D(1995, 3, 1),
    )


def test_xlsx_nip_stored_as_a_number_is_refused():
    _found, errors = parsed_from(xlsx_bytes([row()], numbers=True), "pegawai.xlsx")

    assert errors == [
        CellError(
            2,
            "NIP",
            _(
                "The NIP was stored by Excel as a number, which loses its last digits. Format the column "
                "as Text and type the NIPs again."
            ),
            "A2",
        )
    ]


def test_xlsx_old_nip_stored_as_a_number_gets_its_leading_zero_back():
    found, errors = parsed_from(
        xlsx_bytes([row(**{"NIP lama": 10123456, "NIP": row()["NIP"]})]),
        "pegawai.xlsx",
    )

    assert errors == []
    assert found["nip_lama"] == "010123456"


def test_xlsx_formula_cells_are_named():
    data = xlsx_bytes([row(1), row(2)], formulas={(2, HEADERS.index("golongan")): '="III/"&"c"'})
    sheet = open_bytes(data, "pegawai.xlsx")
    layout = importer.read_header(sheet.header)

    errors = importer.formula_errors(sheet.formula_cells, layout, first_column=sheet.first_column)

    assert errors == [
        CellError(
            3,
            "golongan",
            _("Cell %(cell)s holds a formula; only values can be imported (paste as values).") % {"cell": "J3"},
            "J3",
        )
    ]


def test_xlsx_without_formulas_reports_none():
    sheet = open_bytes(xlsx_bytes([row()]), "pegawai.xlsx")

    assert sheet.formula_cells == []
    assert sheet.total_rows == 1


def test_xlsx_hidden_first_sheet_is_skipped():
    found, errors = parsed_from(xlsx_bytes([row()], hidden_first_sheet=True), "pegawai.xlsx")

    assert errors == []
    assert found["name"] == "Siti Aminah 1"


def test_column_letters():
    assert [importer.column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


# --- Results ---------------------------------------------------------------------------------------------


def test_result_keeps_the_first_errors_and_the_total():
    result = ImportResult()
    for number in range(importer.ERRORS_KEPT + 25):
        result.add_error(CellError(number + 2, "nama", "kosong", f"E{number + 2}"))
    result.notices.append("dibaca sebagai cp1252")
    result.add_change(row=2, nip="1", name="A", fields=["golongan"])

    stored = importer.unpack(result.pack())

    assert len(stored.errors) == importer.ERRORS_KEPT
    assert stored.error_count == importer.ERRORS_KEPT + 25
    assert stored.notices == ["dibaca sebagai cp1252"]
    assert stored.changes == [{"kind": "change", "row": 2, "nip": "1", "name": "A", "fields": ["golongan"]}]


def test_result_counts_and_keeps_the_same_cell_error_once():
    result = ImportResult()
    for _twice in range(2):
        result.add_error(CellError(3, "golongan", "Golongan salah.", "J3"))
    result.add_error(CellError(3, "golongan", "Golongan lain.", "J3"))  # another problem of the cell stays

    stored = importer.unpack(result.pack())

    assert [error["message"] for error in stored.errors] == ["Golongan salah.", "Golongan lain."]
    assert stored.error_count == 2


def test_a_csv_cell_longer_than_the_reader_takes_is_refused_in_the_persons_language():
    """The csv module's own reason is English ("field larger than field limit"): found by a hostile pass."""
    data = ("nip;nama\n" + "1;" + "x" * 300_000 + "\n").encode()

    with translation.override("id"), pytest.raises(ImportFileError) as caught:
        importer.open_sheet(io.BytesIO(data), name="pegawai.csv", size=len(data), max_bytes=len(data))

    assert "field limit" not in caught.value.message
    assert "131.072 karakter" in caught.value.message


def test_a_code_cell_refused_once_is_refused_again_and_a_read_one_read_the_same():
    # One file, one layout: its code columns remember what each text reads as, never a refusal.
    layout = importer.read_header(HEADERS)
    cells = [row(**{"jenis kelamin": "X", "jenis ASN": "pns"}).get(header, "") for header in HEADERS]
    for _attempt in range(2):
        values, errors = importer.parse_row(cells, layout, row=2, units=UNITS)
        assert [error.column for error in errors] == ["jenis kelamin"]
        assert values["asn_type"] == "PNS"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("198609262015051001", "198609262015051001"), (" 19860926 201505 1 001 ", "198609262015051001")],
)
def test_a_nip_of_digits_or_spaced_digits_is_read_the_same(value, expected):
    assert importer.parse_nip(value) == expected
