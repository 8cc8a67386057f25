"""The family import (employees/family_import.py, employees/services/family_import.py): all or nothing,
errors by row and column in Indonesian, unknown NIPs refused, matched members updated, the page."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from employees.models import Child, Parent, Spouse
from employees.services.family import spouse_add
from employees.services.family_import import family_import
from purna.spreadsheets import ImportFileError
from tests.employees.sheets import csv_bytes, upload, xlsx_bytes
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory

D = dt.date
HEADERS = ["nip", "hubungan", "nama", "nik", "tanggal_lahir", "tanggal_menikah", "orang_tua_lain", "menikah"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DISDIK")


@pytest.fixture
def budi(unit):
    return EmployeeFactory(unit=unit, name="Budi", birth_date=D(1966, 5, 12))


@pytest.fixture
def joko(unit):
    return EmployeeFactory(unit=unit, name="Joko", birth_date=D(1968, 1, 1))


def rows_for(budi, joko) -> list[dict]:
    return [
        {"nip": budi.nip, "hubungan": "Istri", "nama": "Siti Aminah", "nik": "6471051270010003",
         "tanggal_lahir": "01-02-1970", "tanggal_menikah": "14-02-1992"},
        # A child may name a wife listed below it.
        {"nip": budi.nip, "hubungan": "anak", "nama": "Dewi", "tanggal_lahir": "04-03-1995",
         "orang_tua_lain": "rina  wati", "menikah": "tidak"},
        {"nip": budi.nip, "hubungan": "istri", "nama": "Rina Wati", "tanggal_lahir": "01-01-1972"},
        {"nip": joko.nip, "hubungan": "ayah", "nama": "Sukardi", "tanggal_lahir": "01-01-1940"},
        {"nip": joko.nip, "hubungan": "ANAK", "nama": "Rudi", "tanggal_lahir": D(1990, 1, 1), "menikah": "ya"},
    ]  # fmt: skip


def run(data: bytes, actor, name="keluarga.csv", dry_run=False):
    return family_import(actor=actor, file=io.BytesIO(data), name=name, size=len(data), dry_run=dry_run)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_family_sheet_is_imported_with_history(fmt, budi, joko, actor):
    rows = rows_for(budi, joko)
    data = (
        xlsx_bytes(rows, headers=HEADERS)
        if fmt == "xlsx"
        else csv_bytes(
            [{k: (f"{v:%d-%m-%Y}" if isinstance(v, dt.date) else v) for k, v in r.items()} for r in rows],
            headers=HEADERS,
        )
    )

    result = run(data, actor, name=f"keluarga.{fmt}")

    assert result.errors == [] and (result.added, result.updated) == (5, 0)
    dewi = Child.objects.get(name="Dewi")
    assert dewi.other_parent == Spouse.objects.get(name="Rina Wati")
    assert Child.objects.get(name="Rudi").is_married is True
    assert Parent.objects.get(employee=joko).relation == "ayah"
    assert Spouse.history.filter(history_user=actor).count() == 2


def test_importing_the_same_file_again_updates_instead_of_adding(budi, joko, actor):
    data = xlsx_bytes(rows_for(budi, joko), headers=HEADERS)
    run(data, actor, name="k.xlsx")

    again = run(data, actor, name="k.xlsx")

    assert (again.added, again.updated) == (0, 5)
    assert Spouse.objects.count() == 2 and Child.objects.count() == 2


def test_an_unknown_nip_is_refused_and_nothing_is_written(budi, joko, actor):
    rows = [*rows_for(budi, joko), {"nip": "199001012015031001", "hubungan": "istri", "nama": "X"}]

    result = run(xlsx_bytes(rows, headers=HEADERS), actor, name="k.xlsx")

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (7, "nip", "NIP 199001012015031001 tidak terdaftar di unit kerja Anda.")
    ]
    assert not (Spouse.objects.exists() or Child.objects.exists() or Parent.objects.exists())


def test_an_employee_of_another_unit_is_unknown_to_the_actor(budi, joko):
    outsider = UserFactory(units=[UnitKerjaFactory(code="DINKES")])

    result = run(xlsx_bytes(rows_for(budi, joko), headers=HEADERS), outsider, name="k.xlsx")

    assert {e.column for e in result.errors} == {"nip"} and len(result.errors) == 5
    assert not Spouse.objects.exists()


def test_bad_rows_are_reported_by_row_and_column(budi, joko, actor):
    other = EmployeeFactory(birth_date=D(1960, 1, 1))
    spouse_add(employee=other, actor=None, name="Siti Aminah", nik="6471051270010003")
    rows = [
        *rows_for(budi, joko),
        {"nip": budi.nip, "hubungan": "anak", "nama": "Tua", "tanggal_lahir": "01-01-1960"},
        {"nip": budi.nip, "hubungan": "sepupu", "nama": "Tono"},
        {"nip": budi.nip, "hubungan": "anak", "nama": "Lala", "nik": "123", "tanggal_lahir": "31-02-2001"},
        {"nip": joko.nip, "hubungan": "bapak", "nama": "Ayah kedua"},
        {"nip": joko.nip, "hubungan": "anak", "nama": "Yatim", "orang_tua_lain": "Tidak Ada"},
    ]

    result = run(xlsx_bytes(rows, headers=HEADERS), actor, name="k.xlsx")

    found = {(e.row, e.column, e.message) for e in result.errors}
    assert found == {
        (2, "nik", "NIK ini sudah tercatat sebagai suami/istri pegawai lain."),
        (7, "tanggal_lahir", "Anak lahir sebelum pegawai."),
        (8, "hubungan", "Tulis salah satu dari: suami, istri, isteri, suami/istri, anak, ayah, bapak, ibu."),
        (9, "tanggal_lahir", "31-02-2001 bukan tanggal yang ada."),
        (10, "hubungan", "Ayah pegawai ini sudah tercatat."),
        (11, "orang_tua_lain", "Tidak Ada bukan suami/istri pegawai ini (di data pegawai maupun di berkas)."),
    }
    assert Spouse.objects.count() == 1 and not Child.objects.exists() and not Parent.objects.exists()


def test_a_dry_run_counts_and_writes_nothing(budi, joko, actor):
    result = run(xlsx_bytes(rows_for(budi, joko), headers=HEADERS), actor, name="k.xlsx", dry_run=True)

    assert (result.errors, result.added, result.written) == ([], 5, False)
    assert not Spouse.objects.exists()


def test_a_file_without_the_required_columns_is_refused(actor):
    data = csv_bytes([{"nip": "1", "nama": "x"}], headers=["nip", "nama", "warna"])
    with pytest.raises(ImportFileError) as error:
        run(data, actor)
    assert error.value.message == "Kolom tidak dikenal: warna."


def test_the_import_page(operator_client, budi, joko, no_role_user, client):
    url = reverse("employees:family_import")
    assert operator_client.get(url).status_code == 200

    bad = [*rows_for(budi, joko), {"nip": "199001012015031001", "hubungan": "istri", "nama": "X"}]
    page = operator_client.post(url, {"file": upload(xlsx_bytes(bad, headers=HEADERS), "k.xlsx")})
    assert page.status_code == 400
    assert "tidak terdaftar di unit kerja Anda" in page.content.decode()
    assert not Spouse.objects.exists()

    done = operator_client.post(url, {"file": upload(xlsx_bytes(rows_for(budi, joko), headers=HEADERS), "k.xlsx")})
    assert done.status_code == 302 and Spouse.objects.count() == 2

    client.force_login(no_role_user)
    assert client.get(url).status_code == 403
