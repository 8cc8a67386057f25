"""The import applies the register's rules to every row (employees/services/imports.py): each column's
checks, every error of a file reported, duplicates, closed units, accepted NIP mismatches, formulas."""

import datetime as dt

import pytest
from django.utils.translation import gettext as _

from employees import importer
from employees.choices import ImportStatus
from employees.models import Employee
from employees.nip import build_ni_pppk, build_nip, format_nip
from tests.employees.import_fixtures import (
    counts,
    errors_of,
    indonesian_fixture,  # noqa: F401 (a fixture)
    run,
    units_fixture,  # noqa: F401 (a fixture)
)
from tests.employees.sheets import HEADERS, csv_bytes, pppk_row, row, xlsx_bytes
from tests.factories import EmployeeFactory

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules")]


# --- The register's rules, row by row --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "column", "cell", "expected"),
    [
        (
            row(1, golongan="IX"),
            "golongan",
            "J3",
            lambda: _("A PNS golongan runs from I/a to IV/e; %(golongan)s is not one.") % {"golongan": "IX"},
        ),
        (
            pppk_row(1, golongan="III/a"),
            "golongan",
            "J3",
            lambda: (
                _("A PPPK golongan is a Roman numeral from I to XVII; %(golongan)s is not one.") % {"golongan": "III/a"}
            ),
        ),
        (row(1, jenjang="Ahli Muda"), "jenjang", "M3", lambda: _("Only a jabatan fungsional has a jenjang.")),
        (
            row(1, **{"jenis jabatan": "Fungsional"}),
            "jenjang",
            "M3",
            lambda: _("A jabatan fungsional needs its jenjang."),
        ),
        (row(1, rumpun="Guru"), "rumpun", "N3", lambda: _("Only a jabatan fungsional belongs to a rumpun.")),
        (
            row(1, **{"akhir kontrak": "31-12-2030"}),
            "akhir kontrak",
            "R3",
            lambda: _("Only a PPPK has a contract end date."),
        ),
        (
            row(1, **{"TMT PNS": "01-03-1994"}),
            "TMT PNS",
            "Q3",
            lambda: _("TMT PNS cannot be before TMT CPNS."),
        ),
        (
            row(1, **{"jenis kelamin": "L"}),
            "NIP",
            "A3",
            lambda: (
                _("%(label)s encodes gender %(encoded)s but the record says %(recorded)s.")
                % {"label": "NIP", "encoded": _("female (2)"), "recorded": _("male (1)")}
            ),
        ),
        (
            row(1, **{"tanggal lahir": "13-05-1970"}),
            "NIP",
            "A3",
            lambda: (
                _("%(label)s encodes birth date %(encoded)s but the record says %(recorded)s.")
                % {"label": "NIP", "encoded": "12 Mei 1970", "recorded": "13 Mei 1970"}
            ),
        ),
        (
            row(1, NIP="19700512199503200"),
            "NIP",
            "A3",
            lambda: (
                _("%(label)s must have %(expected)d digits; this one has %(count)d.")
                % {"label": "NIP", "expected": 18, "count": 17}
            ),
        ),
        (
            row(1, **{"kode unit kerja": "KEC-LAMA"}),
            "kode unit kerja",
            "O3",
            lambda: _("The work unit %(code)s is closed: choose an active unit.") % {"code": "KEC-LAMA"},
        ),
        (
            row(1, email="bukan-email"),
            "email",
            "S3",
            lambda: _("Enter a valid email address."),
        ),
    ],
    ids=[
        "pns golongan",
        "pppk golongan",
        "jenjang not fungsional",
        "fungsional without jenjang",
        "rumpun not fungsional",
        "contract for pns",
        "tmt pns before cpns",
        "nip gender",
        "nip birth date",
        "nip length",
        "closed unit",
        "email",
    ],
)
def test_the_register_rules_apply_to_every_row(values, column, cell, expected):
    job = run(csv_bytes([row(2), values]))

    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [{"row": 3, "column": column, "cell": cell, "message": expected()}]
    assert not Employee.objects.exists()


def test_every_error_of_the_file_is_reported():
    rows = [row(1, golongan="IX", **{"jenis kelamin": "L"}), row(2, nama=""), row(3, **{"kode unit kerja": "X"})]

    job = run(csv_bytes(rows))

    # As on the form, the NIP is compared with the record once the record itself is valid.
    assert [(e["row"], e["column"]) for e in errors_of(job)] == [(2, "golongan"), (3, "nama"), (4, "kode unit kerja")]


def test_a_duplicate_nip_names_both_rows():
    job = run(csv_bytes([row(1), row(2), row(1, nama="Siti Kembar")]))

    assert errors_of(job) == [
        {
            "row": 4,
            "column": "NIP",
            "cell": "A4",
            "message": _("NIP %(nip)s is also in row %(first)d: an employee may appear only once in a file.")
            % {"nip": row(1)["NIP"], "first": 2},
        }
    ]


def test_an_existing_employee_keeps_a_closed_unit():
    run(csv_bytes([row(1, **{"kode unit kerja": "BKPSDM"})]))
    from employees.models import UnitKerja

    UnitKerja.objects.filter(code="BKPSDM").update(is_active=False)

    job = run(csv_bytes([row(1, jabatan="Analis")]))

    assert counts(job) == ("done", 0, 1, 0)


def test_an_accepted_nip_mismatch_is_not_reopened_by_an_import():
    birth = D(1970, 5, 12)
    EmployeeFactory(
        nip=build_nip(birth, D(1995, 3, 1), "2", 7),
        birth_date=D(1970, 5, 13),  # disagrees with the NIP, accepted with a reason
        tmt_cpns=D(1995, 3, 1),
        gender="2",
        nip_mismatch_accepted=True,
        nip_mismatch_reason="Akta kelahiran dan SK CPNS berbeda; dikuatkan BKN.",
    )

    job = run(csv_bytes([row(7, **{"tanggal lahir": "13-05-1970", "jabatan": "Analis"})]))

    assert counts(job) == ("done", 0, 1, 0)


def test_formula_in_an_xlsx_cell_is_refused():
    data = xlsx_bytes([row(1), row(2)], formulas={(2, HEADERS.index("nama")): '="Siti"&" Aminah"'})

    job = run(data, "pegawai.xlsx")

    assert errors_of(job) == [
        {
            "row": 3,
            "column": "nama",
            "cell": "E3",
            "message": _("Cell %(cell)s holds a formula; only values can be imported (paste as values).")
            % {"cell": "E3"},
        }
    ]


# --- Entries that cannot be right: imported, with a warning ----------------------------------------------


def test_register_warnings_are_shown_in_the_result_and_the_rows_imported():
    birth, tmt = D(1975, 5, 12), D(2012, 3, 1)  # the TMT CPNS at 36
    late = row(
        2,
        NIP=build_nip(birth, tmt, "2", 2),
        **{"tanggal lahir": "12-05-1975", "TMT CPNS": "01-03-2012", "TMT PNS": "01-03-2013"},
    )
    typed_as_pppk = pppk_row(3, NIP=build_ni_pppk(D(1990, 8, 17), 2022, "1", 3, code="03"))

    job = run(csv_bytes([row(1), late, typed_as_pppk]))

    assert counts(job) == ("done", 3, 0, 0)
    notices = importer.unpack(job.errors).notices
    assert len(notices) == 2
    assert notices[0].startswith(
        f"Baris 3, NIP {format_nip(late['NIP'])}: "
    )  # the header is row 1; the import speaks Indonesian
    assert "pada usia 36 tahun, melebihi 35 tahun" in notices[0]
    assert notices[1].startswith("Baris 4, NIP ")
    assert "Angka ke-13 dan ke-14 NI PPPK (03) berupa bulan" in notices[1]


def test_an_unchanged_row_is_not_warned_again():
    values = row(
        2,
        NIP=build_nip(D(1975, 5, 12), D(2016, 6, 1), "2", 2),  # the TMT CPNS at 41
        **{"tanggal lahir": "12-05-1975", "TMT CPNS": "01-06-2016", "TMT PNS": "01-06-2017"},
    )
    first = run(csv_bytes([values]))
    assert "pada usia 41 tahun, melebihi 40 tahun" in importer.unpack(first.errors).notices[0]

    job = run(csv_bytes([{**values, "jabatan": "Analis"}]))

    assert counts(job) == ("done", 0, 1, 0)
    assert importer.unpack(job.errors).notices == []


def test_the_check_builds_an_employee_as_django_does():
    # import_check._employee_build skips Model.__init__: right only while nothing listens to its signals.
    from django.db.models.signals import post_init, pre_init

    from employees.services.import_check import _ATTNAMES, _employee_build

    assert not pre_init.has_listeners(Employee) and not post_init.has_listeners(Employee)
    stored = EmployeeFactory()
    values = Employee.objects.filter(pk=stored.pk).values_list(*_ATTNAMES).get()
    built, expected = (
        _employee_build(dict(zip(_ATTNAMES, values, strict=True)), db="default"),
        Employee.from_db("default", _ATTNAMES, values),
    )
    assert {name: getattr(built, name) for name in _ATTNAMES} == {name: getattr(expected, name) for name in _ATTNAMES}
    assert (built._state.adding, built._state.db) == (expected._state.adding, expected._state.db) == (False, "default")
    assert built.unit == stored.unit
    new = _employee_build({name: getattr(Employee(), name) for name in _ATTNAMES})
    assert (new._state.adding, new._state.db, new.pk) == (True, None, None)
