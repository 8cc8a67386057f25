"""The family import (employees/family_import.py, employees/services/family_import.py): all or nothing,
errors by row and column in Indonesian, unknown NIPs refused, matched members updated, the page."""

import datetime as dt
import io
from dataclasses import dataclass

import pytest
import xlsxwriter
from django.urls import reverse

from employees import importer
from employees.choices import ImportKind
from employees.models import Child, ImportJob, Parent, Spouse
from employees.services import family_import as family_import_service
from employees.services.family import spouse_add
from employees.services.imports import import_job_create, import_job_run
from employees.tasks import employee_import_task
from purna import roles
from purna.spreadsheets import CellError
from tests.employees.sheets import csv_bytes, upload, xlsx_bytes
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory
from tests.workers import instead_of_broker

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


@dataclass
class Outcome:
    """A finished family import job, read as the tests compare it."""

    job: ImportJob

    @property
    def errors(self) -> list[CellError]:
        return [CellError(e["row"], e["column"], e["message"]) for e in importer.unpack(self.job.errors).errors]

    @property
    def added(self) -> int:
        return self.job.created_count

    @property
    def updated(self) -> int:
        return self.job.updated_count

    @property
    def unchanged(self) -> int:
        return self.job.unchanged_count


def run(data: bytes, actor, name="keluarga.csv", dry_run=False) -> Outcome:
    job = import_job_create(
        actor=actor, file=upload(data, name), dry_run=dry_run, schedule=False, kind=ImportKind.FAMILY
    )
    return Outcome(import_job_run(job_id=job.pk))


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

    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
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

    assert (result.errors, result.added, result.job.status) == ([], 5, "done")
    assert not Spouse.objects.exists()


def test_a_file_without_the_required_columns_is_refused(actor):
    data = csv_bytes([{"nip": "1", "nama": "x"}], headers=["nip", "nama", "warna"])
    result = run(data, actor)
    assert [e.message for e in result.errors] == ["Kolom tidak dikenal: warna."]
    assert result.job.status == "failed"


@pytest.fixture
def queued(monkeypatch):
    """The task is recorded instead of sent to a broker; tests run it themselves."""
    sent = []
    instead_of_broker(monkeypatch, employee_import_task, lambda job_id: sent.append(job_id))
    return sent


def test_the_import_page_queues_a_job_whose_page_lists_the_errors_by_row(
    operator_client, budi, joko, no_role_user, client, queued, django_capture_on_commit_callbacks
):
    url = reverse("employees:family_import")
    assert operator_client.get(url).status_code == 200

    bad = [*rows_for(budi, joko), {"nip": "199001012015031001", "hubungan": "istri", "nama": "X"}]
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(url, {"file": upload(xlsx_bytes(bad, headers=HEADERS), "k.xlsx")})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("employees:import_detail", args=[job.pk])
    assert (queued, job.kind) == ([job.pk], ImportKind.FAMILY)
    waiting = operator_client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "Menunggu giliran" in waiting

    import_job_run(job_id=job.pk)
    page = operator_client.get(reverse("employees:import_progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in page
    assert "NIP 199001012015031001 tidak terdaftar di unit kerja Anda." in page
    assert 'data-testid="import-errors"' in page
    assert not Spouse.objects.exists()
    # The family page lists its own imports, the employee import page does not.
    assert reverse("employees:import_detail", args=[job.pk]) in operator_client.get(url).content.decode()
    employee_page = operator_client.get(reverse("employees:import_create")).content.decode()
    assert reverse("employees:import_detail", args=[job.pk]) not in employee_page

    client.force_login(no_role_user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("employees:import_detail", args=[job.pk])).status_code == 403


def test_a_clean_dry_run_is_imported_now_from_the_same_file(
    operator_client, budi, joko, queued, django_capture_on_commit_callbacks
):
    data = xlsx_bytes(rows_for(budi, joko), headers=HEADERS)
    operator_client.post(reverse("employees:family_import"), {"file": upload(data, "k.xlsx"), "dry_run": "on"})
    dry_run = import_job_run(job_id=ImportJob.objects.get().pk)
    page = operator_client.get(reverse("employees:import_detail", args=[dry_run.pk])).content.decode()
    assert "Impor sekarang" in page and 'data-testid="count-created">5<' in page
    assert not Spouse.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(reverse("employees:import_from_dry_run", args=[dry_run.pk]))
    job = ImportJob.objects.exclude(pk=dry_run.pk).get()
    assert (job.kind, job.file.name, job.dry_run) == (ImportKind.FAMILY, dry_run.file.name, False)
    assert response["Location"] == reverse("employees:import_detail", args=[job.pk])
    import_job_run(job_id=job.pk)
    assert Spouse.objects.count() == 2 and Child.objects.count() == 2 and Parent.objects.count() == 1
    done = operator_client.get(reverse("employees:import_detail", args=[job.pk])).content.decode()
    assert "keluarga telah diperbarui" in done


def test_a_family_job_of_another_user_is_not_found(operator_client, client, role_user, budi, joko):
    data = xlsx_bytes(rows_for(budi, joko), headers=HEADERS)
    job = import_job_create(
        actor=None, file=upload(data, "k.xlsx"), dry_run=True, schedule=False, kind=ImportKind.FAMILY
    )
    other_unit = role_user(roles.OPERATOR, units=[UnitKerjaFactory(code="DINKES")])
    client.force_login(other_unit)

    assert client.get(reverse("employees:import_detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("employees:import_from_dry_run", args=[job.pk])).status_code == 404


# --- Hostile and large files -----------------------------------------------------------------------------


def test_a_member_given_twice_in_the_file_is_refused(budi, joko, actor):
    rows = [*rows_for(budi, joko), {"nip": budi.nip, "hubungan": "istri", "nama": "SITI  aminah"}]

    result = run(xlsx_bytes(rows, headers=HEADERS), actor, name="k.xlsx")

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (7, "nama", "Anggota keluarga ini sudah ada di baris 2 berkas: satu baris per anggota.")
    ]
    assert not Spouse.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_upload(operator_client):
    response = operator_client.post(
        reverse("employees:family_import"), {"file": upload(b"%PDF-1.7 not a sheet", "keluarga.csv")}
    )

    assert response.status_code == 200
    assert "bukan lembar kerja" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_limit_is_refused_at_upload(operator_client, settings):
    settings.PURNA_IMPORT_MAX_BYTES = 1024
    data = csv_bytes([{"nip": "1" * 18, "hubungan": "istri", "nama": "x" * 50}] * 100, headers=HEADERS)

    response = operator_client.post(reverse("employees:family_import"), {"file": upload(data, "k.csv")})

    assert "paling besar 1 KB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_garbage_cells_are_reported_and_nothing_is_written(budi, actor):
    rows = [
        {"nip": budi.nip, "hubungan": "istri", "nama": "Siti", "tanggal_lahir": "kemarin"},
        {"nip": "=HYPERLINK(1)", "hubungan": "anak", "nama": "Ani"},
        {"nip": budi.nip, "hubungan": "anak", "nama": "", "menikah": "mungkin"},
    ]

    result = run(csv_bytes(rows, headers=HEADERS), actor)

    columns = {(e.row, e.column) for e in result.errors}
    assert {(2, "tanggal_lahir"), (3, "nip"), (4, "nama"), (4, "menikah")} <= columns
    assert result.job.status == "failed" and not Spouse.objects.exists() and not Child.objects.exists()


def test_more_rows_than_allowed_fail_the_whole_file(budi, actor, monkeypatch):
    monkeypatch.setattr(family_import_service, "MAX_ROWS", 3)
    rows = [{"nip": budi.nip, "hubungan": "anak", "nama": f"Anak {n}", "tanggal_lahir": "01-01-2000"} for n in range(4)]

    result = run(csv_bytes(rows, headers=HEADERS), actor)

    assert [e.message for e in result.errors] == ["Paling banyak 3 baris per berkas: bagi berkasnya."]
    assert not Child.objects.exists()


def test_a_file_larger_than_a_batch_is_checked_across_batches(budi, joko, actor, monkeypatch):
    """Children name a wife written many rows (and batches) further down; a NIK given to two employees
    in different batches is still refused; the progress is saved per batch."""
    monkeypatch.setattr(family_import_service, "BATCH_SIZE", 2)
    rows = [
        {"nip": budi.nip, "hubungan": "anak", "nama": f"Anak {n}", "tanggal_lahir": f"01-01-{1995 + n}",
         "orang_tua_lain": "Rina Wati"}
        for n in range(5)
    ] + [
        {"nip": budi.nip, "hubungan": "istri", "nama": "Rina Wati", "tanggal_lahir": "01-01-1972",
         "nik": "6471051270010003"},
        {"nip": joko.nip, "hubungan": "ayah", "nama": "Sukardi", "tanggal_lahir": "01-01-1940"},
    ]  # fmt: skip

    result = run(csv_bytes(rows, headers=HEADERS), actor)

    assert (result.errors, result.added, result.job.processed_rows) == ([], 7, 7)
    rina = Spouse.objects.get(name="Rina Wati")
    assert set(Child.objects.values_list("other_parent", flat=True)) == {rina.pk}
    assert Child.history.filter(history_user=actor, history_change_reason="impor data keluarga").count() == 5

    clash = [{"nip": joko.nip, "hubungan": "istri", "nama": "Lain", "nik": "6471051270010003"}]
    again = run(csv_bytes([*rows, *clash], headers=HEADERS), actor)
    assert [(e.row, e.column) for e in again.errors] == [(9, "nik")]
    assert (Spouse.objects.count(), Child.objects.count()) == (1, 5)


# --- A real Celery worker --------------------------------------------------------------------------------


@pytest.fixture
def worker_sees_private_media(private_media, monkeypatch):
    """The worker process reads the uploaded file from the test's private folder."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(private_media))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_the_family_file(worker_sees_private_media, worker_queue, budi, joko, actor):
    data = xlsx_bytes(rows_for(budi, joko), headers=HEADERS)
    job = import_job_create(actor=actor, file=upload(data, "k.xlsx"), schedule=False, kind=ImportKind.FAMILY)

    status = employee_import_task.apply_async(args=[job.pk], queue=worker_queue).get(timeout=120)

    job.refresh_from_db()
    assert (status, job.created_count, job.processed_rows) == ("done", 5, 5)
    assert Spouse.history.filter(history_user=actor).count() == 2
    assert Child.objects.get(name="Dewi").other_parent.name == "Rina Wati"


def test_a_zip_bomb_family_sheet_is_refused_on_upload_and_nothing_is_stored(operator_client, budi, private_media):
    from tests import bombs

    data = bombs.shared_strings_bomb(xlsx_bytes([{"nip": budi.nip, "hubungan": "istri", "nama": "x"}], headers=HEADERS))
    bombs.peak_reset()

    response = operator_client.post(reverse("employees:family_import"), {"file": upload(data, "keluarga.xlsx")})

    assert bombs.peak_bytes() < 300 * bombs.MB
    assert response.status_code == 200 and 'class="invalid-feedback' in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not any(path.is_file() for path in private_media.rglob("*"))


def test_a_sheet_that_starts_in_column_b_is_read_from_its_header(budi, joko, actor):
    # The reader hands rows that already start at the header's first column (Sheet.first_column).
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Keluarga")
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 1, HEADERS)
    for number, values in enumerate(rows_for(budi, joko), start=1):
        for column, header in enumerate(HEADERS, start=1):
            value = values.get(header, "")
            if isinstance(value, dt.date):
                sheet.write_datetime(number, column, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write_string(number, column, str(value))
    workbook.close()

    result = run(buffer.getvalue(), actor, name="keluarga.xlsx")

    assert result.errors == [] and (result.added, result.updated) == (5, 0)
    assert Child.objects.get(name="Rudi").is_married is True
