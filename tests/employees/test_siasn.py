"""SIASN exports in the employee import: the column table (employees/siasn.py HEADERS) and SIASN's words."""

import datetime as dt
import io

import pytest

from employees import importer, siasn
from employees.choices import EmployeeStatus
from employees.models import Employee
from employees.nip import build_nip
from purna import spreadsheets
from purna.spreadsheets import CellValueError
from tests.employees.import_fixtures import errors_of, indonesian_fixture, run, units_fixture  # noqa: F401
from tests.employees.sheets import csv_bytes

D = dt.date
NIP = build_nip(D(1986, 9, 26), D(2015, 5, 1), "1", 1)
# A SIASN export as BKN writes it: its column names, its words, columns Purna does not keep.
SIASN_ROW = {
    "pns_id": "A5EB03E2-3C5A-F6F5-E040-640A04010C2E",
    "nip_baru": NIP,
    "nip_lama": "",
    "nama": "Ahmad Yani",
    "gelar_depan": "Drs.",
    "gelar_belakang": "M.Si.",
    "tempat_lahir": "Semarang",
    "tgl_lahir": "26-09-1986",
    "jenis_kelamin": "M",
    "agama_nama": "Islam",
    "jenis_pegawai_nama": "PNS Daerah Kab/Kota",
    "kedudukan_hukum_nama": "Aktif",
    "gol_akhir_nama": "Penata Muda Tk. I",
    "tmt_golongan": "2019-04-01",
    "pangkat_akhir_nama": "Penata Muda Tingkat I",
    "jenis_jabatan_nama": "Jabatan Fungsional Umum",
    "jabatan_nama": "Pengelola Data",
    "unor_nama": "Badan Kepegawaian",
    "tmt_cpns": "01-05-2015",
    "tmt_pns": "2016-05-01",
    "email": "ahmad@contoh.go.id",
    "nomor_hp": "081234567890",
    "alamat": "Jl. Pemuda 1",
}


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("nip_baru", "nip"),
        ("nama", "name"),
        ("tgl_lahir", "birth_date"),
        ("jenis_kelamin", "gender"),
        ("gol_akhir_nama", "golongan"),
        ("jabatan_nama", "jabatan"),
        ("unor_nama", "unit_code"),
        ("kedudukan_hukum_nama", "status"),
        ("tmt_cpns", "tmt_cpns"),
        ("gelar_depan", "front_title"),
        ("gelar_belakang", "back_title"),
        ("tempat_lahir", "birth_place"),
        ("tmt_pns", "tmt_pns"),
        ("jenis_jabatan_nama", "jenis_jabatan"),
        ("jenis_pegawai_nama", "asn_type"),
        ("email", "email"),
        ("nomor_hp", "personal_phone"),
        ("alamat", "address"),
        ("tmt_golongan", "tmt_golongan"),
        ("NIP_BARU", "nip"),  # whatever the case
    ],
)
def test_siasn_columns_are_aliases_of_ours(header, field):
    headers = [name for name in SIASN_ROW if name != header.lower()] + [header]
    layout = importer.read_header(headers)
    assert [column.field for index, column in layout.positions if index == len(headers) - 1] == [field]


def test_every_siasn_column_fills_an_import_column_or_is_ignored():
    fields = {column.field for column in importer.COLUMNS}
    assert {target for target in siasn.HEADERS.values() if target} <= fields


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("gender", "M", "1"),
        ("gender", "F", "2"),
        ("gender", "Laki-laki", "1"),
        ("gender", "Perempuan", "2"),
        ("golongan", "III/c", "III/c"),
        ("golongan", "Penata", "III/c"),
        ("golongan", "Penata Muda Tk. I", "III/b"),
        ("golongan", "pembina utama madya", "IV/d"),
        ("golongan", "Juru Tk.I", "I/d"),
        ("golongan", "IX", "IX"),
        ("status", "Aktif", EmployeeStatus.AKTIF),
        ("status", "Pensiun", EmployeeStatus.PENSIUN),
        ("status", "Meninggal", EmployeeStatus.MENINGGAL),
        ("status", "Masa Persiapan Pensiun", EmployeeStatus.MPP),
        ("status", "Pemberhentian tanpa hak pensiun", EmployeeStatus.BERHENTI),
        ("jenis_jabatan", "Jabatan Fungsional Tertentu", "fungsional"),
        ("jenis_jabatan", "Jabatan Fungsional Umum", "pelaksana"),
        ("jenis_jabatan", "Pelaksana", "pelaksana"),
        ("asn_type", "PNS Daerah Kab/Kota", "PNS"),
        ("asn_type", "CPNS", "PNS"),
        ("asn_type", "PPPK", "PPPK"),
        ("birth_date", "26-09-1986", D(1986, 9, 26)),
        ("birth_date", "1986-09-26", D(1986, 9, 26)),
        ("birth_date", "1986-09-26 00:00:00", D(1986, 9, 26)),
        ("birth_date", "26/09/1986", D(1986, 9, 26)),
    ],
)
def test_siasn_values_become_our_codes(field, text, expected):
    column = importer.COLUMN_BY_FIELD[field]
    read = importer._reader(column)
    assert read(text) == expected


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        ("gender", "X", "X: tulis L atau P."),
        ("jenis_jabatan", "Jabatan Struktural", '"Jabatan Struktural" bisa berarti JPT'),
        ("status", "CLTN", "CLTN: kedudukan hukum ini tidak menyatakan"),
        ("status", "Entah", "Entah tidak termasuk pilihan"),
        ("birth_date", "31-02-1986", "31-02-1986 bukan tanggal yang ada."),
        ("birth_date", "26 Sept 86", "26 Sept 86: tulis tahun dengan empat angka."),
    ],
)
def test_unknown_siasn_values_are_refused_in_indonesian(field, text, expected):
    read = importer._reader(importer.COLUMN_BY_FIELD[field])
    with pytest.raises(CellValueError) as caught:
        read(text)
    assert str(caught.value).startswith(expected)


def _csv(rows: list[dict], headers: list[str] | None = None) -> bytes:
    return csv_bytes(rows, headers=headers or list(SIASN_ROW))


def test_a_siasn_export_is_imported_as_it_is(units):
    job = run(_csv([SIASN_ROW]))

    assert errors_of(job) == []
    employee = Employee.objects.get(nip=NIP)
    assert (employee.name, employee.front_title, employee.back_title) == ("Ahmad Yani", "Drs.", "M.Si.")
    assert (employee.gender, employee.golongan, employee.tmt_golongan) == ("1", "III/b", D(2019, 4, 1))
    assert (employee.jenis_jabatan, employee.unit, employee.status) == ("pelaksana", units["BKPSDM"], "aktif")
    assert (employee.birth_date, employee.tmt_cpns, employee.tmt_pns) == (D(1986, 9, 26), D(2015, 5, 1), D(2016, 5, 1))
    assert (employee.personal_phone, employee.address, employee.asn_type) == ("081234567890", "Jl. Pemuda 1", "PNS")
    assert employee.email == "ahmad@contoh.go.id"
    notices = importer.unpack(job.errors).notices
    assert any("pns_id, agama_nama, pangkat_akhir_nama" in notice for notice in notices)


def test_a_siasn_export_with_unknown_values_changes_nothing():
    rows = [
        SIASN_ROW,
        {**SIASN_ROW, "nip_baru": build_nip(D(1986, 9, 26), D(2015, 5, 1), "1", 2), "jenis_kelamin": "X"},
        {
            **SIASN_ROW,
            "nip_baru": build_nip(D(1986, 9, 26), D(2015, 5, 1), "1", 3),
            "kedudukan_hukum_nama": "Pemberhentian Sementara",
            "tgl_lahir": "26-13-1986",
            "unor_nama": "Dinas Tidak Ada",
        },
    ]

    job = run(_csv(rows))

    assert job.status == "failed"
    assert not Employee.objects.exists()
    found = {(error["row"], error["column"]): error["message"] for error in errors_of(job)}
    assert found[(3, "jenis kelamin")] == "X: tulis L atau P."
    assert found[(4, "tanggal lahir")] == "26-13-1986 bukan tanggal yang ada."
    assert found[(4, "status")].startswith("Pemberhentian Sementara: kedudukan hukum ini")
    assert found[(4, "kode unit kerja")].startswith("Tidak ada unit kerja")


def test_a_unit_name_shared_by_two_units_is_not_guessed():
    lookup = importer.UnitLookup([("A", 1, True), ("B", 2, True)], names=[("Dinas X", 1, True), ("dinas  x", 2, True)])
    assert lookup.get("Dinas X") is None
    assert lookup.get("a").id == 1


def test_siasn_pension_export_headers_are_read_by_the_shared_reader():
    sheet = spreadsheets.open_sheet(
        io.BytesIO(_csv([SIASN_ROW])), name="siasn.csv", size=len(_csv([SIASN_ROW])), max_bytes=10**6,
        headers=importer.HEADERS,
    )  # fmt: skip
    assert sheet.header[:2] == ["pns_id", "nip_baru"]


@pytest.mark.parametrize(
    ("jabatan", "expected"),
    [
        ("Guru Ahli Muda", ("ahli_muda", "guru")),
        ("GURU AHLI PERTAMA", ("ahli_pertama", "guru")),
        ("Analis Kepegawaian Ahli Madya", ("ahli_madya", "")),
        ("Pranata Komputer Terampil", ("terampil", "")),
        ("Perawat Penyelia", ("penyelia", "")),
        ("Lektor Kepala", ("ahli_madya", "dosen")),
        ("Dosen Asisten Ahli", ("ahli_pertama", "dosen")),
        ("Lektor", ("ahli_muda", "dosen")),
        ("Guru Besar", ("ahli_utama", "profesor")),
        ("Peneliti Ahli Utama", ("ahli_utama", "peneliti")),
        ("Perekayasa Ahli Muda", ("ahli_muda", "perekayasa")),
        ("Penguru Barang", ("", "")),  # "guru" only as a word
        ("Pengelola Data", ("", "")),
    ],
)
def test_jenjang_and_rumpun_from_the_name_of_a_jabatan_fungsional(jabatan, expected):
    assert siasn.position_of_jabatan(jabatan) == expected


def test_a_siasn_guru_gets_the_jenjang_and_rumpun_of_the_jabatan():
    nip = build_nip(D(1986, 9, 26), D(2015, 5, 1), "1", 4)
    row = {**SIASN_ROW, "nip_baru": nip, "jenis_jabatan_nama": "Jabatan Fungsional Tertentu",
           "jabatan_nama": "Guru Ahli Muda"}  # fmt: skip

    job = run(_csv([row]))

    assert errors_of(job) == []
    employee = Employee.objects.get(nip=nip)
    assert (employee.jenis_jabatan, employee.jenjang, employee.rumpun, employee.bup) == (
        "fungsional",
        "ahli_muda",
        "guru",
        60,
    )


def test_a_file_with_its_own_jenjang_column_keeps_what_it_says():
    layout = importer.read_header([*SIASN_ROW, "jenjang"])
    assert not layout.jenjang_from_jabatan
