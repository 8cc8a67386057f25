"""Files the import refuses or survives (employees/services/imports.py): bad and too large files, zip
bombs, missing columns, Windows encodings, a stored file checked again, memory ceilings, unexpected errors."""

import pytest
from django.utils.translation import gettext as _

from employees import importer
from employees.choices import ImportStatus
from employees.models import Employee, ImportJob
from employees.services import imports
from employees.services.imports import import_job_create, import_job_run
from purna import uploads
from purna.spreadsheets import ImportFileError
from tests import bombs
from tests.employees.import_fixtures import (
    counts,
    errors_of,
    indonesian_fixture,  # noqa: F401 (a fixture)
    run,
    units_fixture,  # noqa: F401 (a fixture)
)
from tests.employees.sheets import HEADERS, csv_bytes, row, upload, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules")]


# --- Bad files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "pegawai.csv", lambda: _("The file is empty.")),
        (
            b"%PDF-1.4",
            "pegawai.csv",
            lambda: _("The file is not a spreadsheet: upload a CSV or an Excel (.xlsx) file."),
        ),
        (
            b"NIP,nama",
            "pegawai.xlsx",
            lambda: (
                _("The file is named .%(extension)s but its content is %(content)s. Save it again in the right format.")
                % {"extension": "xlsx", "content": _("text (CSV)")}
            ),
        ),
    ],
    ids=["empty", "pdf", "csv named xlsx"],
)
def test_a_bad_file_is_refused_on_upload_and_nothing_is_stored(data, name, expected):
    with pytest.raises(ImportFileError) as caught:
        import_job_create(actor=None, file=upload(data, name))

    assert caught.value.message == expected()
    assert not ImportJob.objects.exists()


def test_a_too_large_file_is_refused_on_upload(settings):
    settings.PURNA_IMPORT_MAX_BYTES = 1024 * 1024

    with pytest.raises(ImportFileError) as caught:
        import_job_create(actor=None, file=upload(b"NIP\r\n" + b"1" * 1024 * 1024))

    assert caught.value.message == _("The file is too large (%(size)s); at most %(max)s is accepted.") % {
        "size": "1,1 MB",
        "max": "1,0 MB",
    }


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            csv_bytes([row(1)], headers=[h for h in HEADERS if h != "tanggal lahir"]),
            lambda: _("Missing columns: %(columns)s.") % {"columns": "tanggal lahir"},
        ),
        (csv_bytes([]), lambda: _("The file has column headers but no rows.")),
    ],
    ids=["missing column", "no rows"],
)
def test_a_file_without_what_is_needed_fails_with_its_reason(data, expected):
    job = run(data)

    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == [{"row": None, "column": "", "cell": "", "message": expected()}]


def test_windows_encoded_file_is_imported_with_a_notice():
    job = run(csv_bytes([row(1, nama="José Sérgio")], encoding="cp1252"))

    assert counts(job) == ("done", 1, 0, 0)
    assert Employee.objects.get().name == "José Sérgio"
    assert len(importer.unpack(job.errors).notices) == 1


def test_a_zip_bomb_is_refused_on_upload_and_nothing_is_stored(private_media):
    data = bombs.shared_strings_bomb(xlsx_bytes([row(1)]))
    bombs.peak_reset()

    with pytest.raises(ImportFileError) as caught:
        import_job_create(actor=None, file=upload(data, "pegawai.xlsx"))

    assert bombs.peak_bytes() < 300 * bombs.MB
    assert caught.value.message == uploads._too_large(uploads.MAX_UNPACKED_BYTES)
    assert not ImportJob.objects.exists()
    assert not any(path.is_file() for path in private_media.rglob("*"))


def test_a_stored_file_is_checked_again_by_the_job_before_it_is_parsed(monkeypatch):
    # A file stored before the check existed (or changed since): the run checks it before parsing it.
    job = import_job_create(actor=None, file=upload(xlsx_bytes([row(1)]), "pegawai.xlsx"), schedule=False)
    with job.file.open("wb") as stored:
        stored.write(bombs.shared_strings_bomb(xlsx_bytes([row(1)]), lie=True))
    bombs.peak_reset()

    job = import_job_run(job_id=job.pk)

    assert bombs.peak_bytes() < 300 * bombs.MB
    assert job.status == ImportStatus.FAILED
    assert [error["message"] for error in errors_of(job)] == [uploads._lying()]
    assert not Employee.objects.exists()


def test_a_job_past_its_memory_ceiling_fails_with_its_reason(monkeypatch):
    job = import_job_create(actor=None, file=upload(csv_bytes([row(1)])), schedule=False)

    def too_much(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(imports, "_rows_check", too_much)

    job = import_job_run(job_id=job.pk)

    assert job.status == ImportStatus.FAILED
    assert [error["message"] for error in errors_of(job)] == [imports._job_memory_message()]
    assert not Employee.objects.exists()


def test_an_unexpected_error_fails_the_job_and_is_raised(monkeypatch):
    job = import_job_create(actor=None, file=upload(csv_bytes([row(1)])), schedule=False)
    monkeypatch.setattr(imports, "_rows_check", lambda *args, **kwargs: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert errors_of(job)[0]["message"] == _("The import stopped on an unexpected error; nothing was saved. Try again.")
