"""What the tests of the employee import share: the units the files name, the language of the
messages, and running an import to its end.

A test module takes the fixtures by importing them (`units_fixture` is the fixture `units`); both
apply to every test of a module that imports them.
"""

import pytest
from django.utils import translation

from employees import importer
from employees.models import ImportJob
from employees.services.imports import import_job_create, import_job_run
from tests.employees.sheets import upload
from tests.factories import UnitKerjaFactory


@pytest.fixture(autouse=True, name="indonesian")
def indonesian_fixture(private_media):
    with translation.override("id"):
        yield


@pytest.fixture(autouse=True, name="units")
def units_fixture(db):
    return {
        "BKPSDM": UnitKerjaFactory(code="BKPSDM", name="Badan Kepegawaian"),
        "DISDIK": UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan"),
        "KEC-LAMA": UnitKerjaFactory(code="KEC-LAMA", name="Kecamatan Lama", is_active=False),
    }


def run(data: bytes, name: str = "pegawai.csv", *, dry_run: bool = False, actor=None) -> ImportJob:
    job = import_job_create(actor=actor, file=upload(data, name), dry_run=dry_run, schedule=False)
    return import_job_run(job_id=job.pk)


def errors_of(job: ImportJob) -> list[dict]:
    return [{k: e[k] for k in ("row", "column", "cell", "message")} for e in importer.unpack(job.errors).errors]


def counts(job: ImportJob) -> tuple[str, int, int, int]:
    return job.status, job.created_count, job.updated_count, job.unchanged_count
