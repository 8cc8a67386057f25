"""The import's write path (employees/services/imports.py) on the real database, with the seeded BUP table."""

import datetime as dt
import time
import uuid

import pytest
from django.db import connection
from django.utils.translation import gettext as _

from employees import importer
from employees.choices import ImportStatus
from employees.models import Employee, ImportJob
from employees.services import import_writes, imports
from employees.services.imports import import_job_create, import_job_run
from employees.tasks import employee_import_task
from tests import bombs
from tests.employees.import_fixtures import (
    counts,
    errors_of,
    indonesian_fixture,  # noqa: F401 (a fixture)
    run,
    units_fixture,  # noqa: F401 (a fixture)
)
from tests.employees.sheets import csv_bytes, pppk_row, row, upload, xlsx_bytes
from tests.factories import EmployeeFactory
from tests.workers import WorkerProcess, instead_of_broker, worker_env

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules")]


# --- Creating, updating, history ------------------------------------------------------------------------


def test_import_creates_employees_with_retirement_facts_and_history(actor, units):
    job = run(csv_bytes([row(1), pppk_row(1)]), actor=actor)

    assert counts(job) == ("done", 2, 0, 0)
    assert job.errors == [
        {"kind": "change", "row": 2, "nip": row(1)["NIP"], "name": "Siti Aminah 1", "fields": []},
        {"kind": "change", "row": 3, "nip": pppk_row(1)["NIP"], "name": "Budi Santoso 1", "fields": []},
    ]
    pns = Employee.objects.get(nip=row(1)["NIP"])
    assert (pns.name, pns.gender, pns.golongan, pns.jenis_jabatan, pns.unit) == (
        "Siti Aminah 1",
        "2",
        "III/c",
        "pelaksana",
        units["BKPSDM"],
    )
    assert (pns.bup, pns.bup_date, pns.tmt_pensiun) == (58, D(2028, 5, 12), D(2028, 6, 1))
    assert (pns.service_years, pns.service_months) == (33, 3)
    assert pns.retirement_rule.legal_basis
    pppk = Employee.objects.get(nip=pppk_row(1)["NIP"])
    # A PPPK leaves when the contract ends, before the BUP.
    assert (pppk.asn_type, pppk.golongan, pppk.jenjang, pppk.rumpun) == ("PPPK", "IX", "ahli_pertama", "guru")
    assert (pppk.bup, pppk.tmt_pensiun) == (60, D(2027, 3, 1))
    history = pns.history.get()
    assert (history.history_type, history.history_user, history.tmt_pensiun) == ("+", actor, D(2028, 6, 1))
    assert history.history_change_reason == _("Import #%(job)d: %(file)s") % {"job": job.pk, "file": "pegawai.csv"}


def test_upsert_by_nip_counts_created_updated_and_unchanged(actor):
    run(csv_bytes([row(1), row(2)]))

    job = run(csv_bytes([row(1), row(2, golongan="III/d", jabatan="Analis SDM"), row(3)]), actor=actor)

    assert counts(job) == ("done", 1, 1, 1)
    changed = Employee.objects.get(nip=row(2)["NIP"])
    assert (changed.golongan, changed.jabatan) == ("III/d", "Analis SDM")
    latest = changed.history.first()
    assert (latest.history_type, latest.history_user, latest.golongan) == ("~", actor, "III/d")
    assert Employee.objects.get(nip=row(1)["NIP"]).history.count() == 1  # unchanged: no new history
    assert importer.unpack(job.errors).changes == [
        {"kind": "change", "row": 3, "nip": row(2)["NIP"], "name": "Siti Aminah 2", "fields": ["golongan", "jabatan"]},
        {"kind": "change", "row": 4, "nip": row(3)["NIP"], "name": "Siti Aminah 3", "fields": []},
    ]


def test_a_changed_position_recomputes_the_retirement_facts():
    run(csv_bytes([row(1)]))

    run(csv_bytes([row(1, **{"jenis jabatan": "JPT Pratama"})]))

    employee = Employee.objects.get(nip=row(1)["NIP"])
    assert (employee.bup, employee.tmt_pensiun) == (60, D(2030, 6, 1))


def test_columns_left_out_of_the_file_are_not_changed():
    run(csv_bytes([row(1, email="lama@contoh.go.id", alamat="Jl. Lama")]))
    required = [column.header for column in importer.COLUMNS if column.required]

    job = run(csv_bytes([row(1)], headers=required))

    assert counts(job) == ("done", 0, 0, 1)
    employee = Employee.objects.get(nip=row(1)["NIP"])
    assert (employee.email, employee.address) == ("lama@contoh.go.id", "Jl. Lama")


def test_empty_status_keeps_the_existing_one_and_defaults_to_aktif():
    run(csv_bytes([row(1, status="Pensiun")]))

    job = run(csv_bytes([row(1, status=""), row(2, status="")]))

    assert counts(job) == ("done", 1, 0, 1)
    assert dict(Employee.objects.values_list("nip", "status")) == {row(1)["NIP"]: "pensiun", row(2)["NIP"]: "aktif"}


def test_an_export_imports_back_unchanged(actor):
    from employees import exporter

    run(csv_bytes([row(1), row(2), pppk_row(1)]))
    exported = "".join(exporter.csv_stream(exporter.export_rows(Employee.objects.order_by("pk")))).encode("utf-8")

    job = run(exported, "ekspor.csv", actor=actor)

    assert counts(job) == ("done", 0, 0, 3)
    assert importer.unpack(job.errors).notices == [
        _("Columns computed by Purna were ignored: %(columns)s.") % {"columns": ", ".join(importer.COMPUTED_HEADERS)}
    ]


def test_xlsx_import_with_real_dates():
    values = row(1, **{"tanggal lahir": D(1970, 5, 12), "TMT CPNS": D(1995, 3, 1), "TMT PNS": D(1996, 3, 1)})

    job = run(xlsx_bytes([values, pppk_row(1)]), "pegawai.xlsx")

    assert counts(job) == ("done", 2, 0, 0)
    assert Employee.objects.get(nip=row(1)["NIP"]).tmt_pns == D(1996, 3, 1)


# --- All or nothing, dry run, idempotency ----------------------------------------------------------------


def test_an_error_in_the_last_row_leaves_the_register_unchanged():
    run(csv_bytes([row(1)]))
    before = list(Employee.objects.values_list("nip", "golongan", "updated_at"))
    history = Employee.history.count()
    rows = [row(1, golongan="IV/a")] + [row(n) for n in range(2, 40)] + [row(40, golongan="IX")]

    job = run(csv_bytes(rows))

    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [
        {
            "row": 41,
            "column": "golongan",
            "cell": "J41",
            "message": _("A PNS golongan runs from I/a to IV/e; %(golongan)s is not one.") % {"golongan": "IX"},
        }
    ]
    assert list(Employee.objects.values_list("nip", "golongan", "updated_at")) == before
    assert Employee.history.count() == history


def test_rows_are_written_in_batches_and_still_all_or_nothing(monkeypatch):
    # Batches of 5: the first ones are handed to the writer before the last row's error is found.
    monkeypatch.setattr(imports, "BATCH_SIZE", 5)
    rows = [row(n) for n in range(1, 13)] + [row(13, **{"tanggal lahir": "31-02-1970"})]

    failed = run(csv_bytes(rows))
    done = run(csv_bytes(rows[:-1]))

    assert failed.status == ImportStatus.FAILED
    assert counts(done) == ("done", 12, 0, 0)
    assert Employee.objects.count() == Employee.history.count() == 12


def test_dry_run_shows_what_would_change_and_saves_nothing():
    run(csv_bytes([row(1)]))
    history = Employee.history.count()

    job = run(csv_bytes([row(1, golongan="III/d"), row(2)]), dry_run=True)

    assert counts(job) == ("done", 1, 1, 0)
    assert [change["fields"] for change in importer.unpack(job.errors).changes] == [["golongan"], []]
    assert list(Employee.objects.values_list("golongan", flat=True)) == ["III/c"]
    assert Employee.history.count() == history


def test_the_task_run_twice_does_the_work_once(actor):
    job = import_job_create(actor=actor, file=upload(csv_bytes([row(1), row(2)])), schedule=False)

    first = employee_import_task(job.pk)
    second = employee_import_task(job.pk)

    assert first == second == ImportStatus.DONE
    assert Employee.objects.count() == Employee.history.count() == 2
    job.refresh_from_db()
    assert counts(job) == ("done", 2, 0, 0)


def test_a_job_left_running_by_a_lost_run_fails_and_is_not_run_again():
    # A run that never finished was lost (killed for memory, or the server stopped): running the same
    # file again on redelivery could crash the next worker the same way, in a loop.
    job = import_job_create(actor=None, file=upload(csv_bytes([row(1)])), schedule=False)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, processed_rows=1)

    job = import_job_run(job_id=job.pk)

    assert job.status == ImportStatus.FAILED
    assert [error["message"] for error in errors_of(job)] == [imports._job_lost_message()]
    assert not Employee.objects.exists()
    assert import_job_run(job_id=job.pk).status == ImportStatus.FAILED


def test_create_queues_the_task_after_commit(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    instead_of_broker(monkeypatch, employee_import_task, lambda job_id: sent.append(job_id))

    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(actor=None, file=upload(csv_bytes([row(1)])), dry_run=True)

    assert sent == [job.pk]
    assert (job.status, job.original_name, job.dry_run) == ("pending", "pegawai.csv", True)
    assert job.file.name.startswith("imports/") and job.file.name.endswith(".csv")
    assert "pegawai" not in job.file.name  # the stored name is not the uploaded one


def test_the_register_changed_during_the_check_saves_nothing(monkeypatch):
    run(csv_bytes([row(1)]))
    employee = Employee.objects.get()
    original_check = imports._rows_check

    def check_then_someone_edits(*args, **kwargs):
        original_check(*args, **kwargs)
        Employee.objects.filter(pk=employee.pk).update(
            jabatan="Diubah di layar lain", updated_at=dt.datetime.now(dt.UTC)
        )

    monkeypatch.setattr(imports, "_rows_check", check_then_someone_edits)

    job = run(csv_bytes([row(1, golongan="IV/a"), row(2)]))

    assert job.status == ImportStatus.FAILED
    assert errors_of(job)[0]["message"] == _(
        "Someone changed employees of this file while it was being checked, so nothing was saved. "
        "Import the file again."
    )
    assert list(Employee.objects.values_list("golongan", "jabatan")) == [("III/c", "Diubah di layar lain")]


def test_an_update_writes_only_the_columns_that_changed(monkeypatch):
    run(csv_bytes([row(1), row(2)]))
    original_check = imports._rows_check

    def check_then_another_service_writes(*args, **kwargs):
        original_check(*args, **kwargs)
        # As a service keeping a copied column does: a queryset update leaves updated_at alone.
        Employee.objects.update(email="baru@contoh.go.id")

    monkeypatch.setattr(imports, "_rows_check", check_then_another_service_writes)

    job = run(csv_bytes([row(1, golongan="IV/a"), row(2)]))

    assert counts(job) == ("done", 0, 1, 1)
    assert list(Employee.objects.order_by("nip").values_list("golongan", "email")) == [
        ("IV/a", "baru@contoh.go.id"),
        ("III/c", "baru@contoh.go.id"),
    ]


def test_an_employee_added_during_the_check_saves_nothing(monkeypatch):
    original_check = imports._rows_check

    def check_then_someone_adds(*args, **kwargs):
        original_check(*args, **kwargs)
        EmployeeFactory(nip=row(2)["NIP"], birth_date=D(1970, 5, 12), tmt_cpns=D(1995, 3, 1), gender="2")

    monkeypatch.setattr(imports, "_rows_check", check_then_someone_adds)

    job = run(csv_bytes([row(1), row(2)]))

    assert job.status == ImportStatus.FAILED
    assert errors_of(job)[0]["message"] == _(
        "Someone added employees of this file while it was being checked, so nothing was saved. Import the file again."
    )
    assert list(Employee.objects.values_list("nip", flat=True)) == [row(2)["NIP"]]


# --- Outside a transaction: on PostgreSQL the writes overlap the check, in a thread ------------------------


@pytest.mark.django_db(transaction=True)
def test_import_outside_a_transaction_is_still_all_or_nothing(monkeypatch, actor):
    monkeypatch.setattr(imports, "BATCH_SIZE", 5)
    rows = [row(n) for n in range(1, 13)]

    failed = run(csv_bytes([*rows, row(13, golongan="XX")]), actor=actor)
    assert failed.status == ImportStatus.FAILED
    assert not Employee.objects.exists()
    assert not Employee.history.exists()

    done = run(csv_bytes([*rows, row(13)]), actor=actor)
    again = import_job_run(job_id=done.pk)

    assert counts(done) == counts(again) == ("done", 13, 0, 0)
    assert Employee.objects.count() == Employee.history.filter(history_user=actor).count() == 13
    writes = imports._writes_for(done)
    try:
        assert isinstance(
            writes, import_writes.ThreadWrites if connection.vendor == "postgresql" else import_writes.SpoolWrites
        )
    finally:
        writes.close()


# --- A real Celery worker --------------------------------------------------------------------------------


@pytest.fixture
def worker_sees_private_media(private_media, monkeypatch):
    """The worker process reads the uploaded file from the test's private folder."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(private_media))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_import(worker_sees_private_media, worker_queue, actor):
    job = import_job_create(actor=actor, file=upload(csv_bytes([row(1), row(2), pppk_row(1)])), schedule=False)

    status = employee_import_task.apply_async(args=[job.pk], queue=worker_queue).get(timeout=120)

    job.refresh_from_db()
    assert status == ImportStatus.DONE
    assert counts(job) == ("done", 3, 0, 0)
    assert Employee.objects.filter(tmt_pensiun__isnull=False).count() == 3
    assert Employee.history.filter(history_user=actor).count() == 3


@pytest.fixture
def worker_with_small_ceiling(worker_sees_private_media, transactional_db, tmp_path):
    """A real worker as in production (a pool child runs the task), whose tasks may grow by 64 MB."""
    worker = WorkerProcess(
        f"test-{uuid.uuid4().hex[:12]}", worker_env(PURNA_TASK_MEMORY_MB="64"), tmp_path, pool="prefork"
    )
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        print(worker.logs())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_task_past_its_memory_ceiling_fails_its_job_and_is_not_run_again(worker_with_small_ceiling, actor):
    # Two million distinct shared strings: 5 MB that unpack to 47 MB pass the archive checks, but
    # python-calamine needs over 100 MB for them: the pool child aborts at its ceiling (Rust's allocator
    # aborts the process), the task is redelivered (acks_late, reject_on_worker_lost), and the next run
    # finds the job left running and fails it.
    worker = worker_with_small_ceiling
    data = bombs.many_shared_strings(xlsx_bytes([row(1)]), 2_000_000)
    job = import_job_create(actor=actor, file=upload(data, "pegawai.xlsx"), schedule=False)

    result = employee_import_task.apply_async(args=[job.pk], queue=worker.queue)
    status = result.get(timeout=120)

    job.refresh_from_db()
    assert status == ImportStatus.FAILED
    assert [error["message"] for error in errors_of(job)] == [imports._job_lost_message()]
    assert not Employee.objects.exists()
    assert "WorkerLostError" in worker.logs()
    time.sleep(3)
    received = f"Task employees.tasks.employee_import_task[{result.id}] received"
    assert worker.logs().count(received) == 2
