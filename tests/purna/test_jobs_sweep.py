"""Jobs saved by a request while the broker is down (purna/jobs.py): the request answers at once, the job
waits in the database, and once the broker is back the sweep hands it to a worker, once."""

import datetime as dt
import time

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from employees.choices import ImportStatus
from employees.models import Employee, ImportJob
from purna.celery import app as celery_app
from purna.jobs import ProgressJob, jobs_sweep
from tests.employees.sheets import csv_bytes, row, upload
from tests.factories import UnitKerjaFactory
from tests.purna.notifications.conftest import BrokerSwitch, wait_until

NOW = dt.timedelta(0)


@pytest.mark.parametrize("label", list(settings.PURNA_SWEPT_JOBS))
def test_every_swept_job_names_a_job_model_and_a_registered_task(label):
    entry = settings.PURNA_SWEPT_JOBS[label]
    model = apps.get_model(label)
    assert issubclass(model, ProgressJob)
    assert model._meta.get_field("created_at")
    task = import_string(entry["task"])
    assert task.name == entry["task"]
    if "kwarg" in entry:
        assert entry["kwarg"] in task.run.__code__.co_varnames


@pytest.fixture
def worker_sees_private_media(private_media, monkeypatch):
    """The worker process reads the uploaded file from the test's private folder."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(private_media))


@pytest.fixture
def routed_to(worker_sees_private_media, worker_queue):
    """The register's tasks go to the test worker's own queue."""
    celery_app.conf.update(task_routes={"employees.tasks.*": {"queue": worker_queue}})
    yield worker_queue
    celery_app.conf.update(task_routes=settings.CELERY_TASK_ROUTES)


@pytest.mark.worker
def test_an_import_uploaded_while_redis_is_down_runs_once_when_it_is_back(routed_to, seeded_rules, client, operator):
    UnitKerjaFactory(code="BKPSDM", name="Badan Kepegawaian")  # the unit of the sheet's rows
    client.force_login(operator)
    broker = BrokerSwitch()
    broker.break_()
    try:
        started = time.monotonic()
        response = client.post(reverse("employees:import_create"), {"file": upload(csv_bytes([row(1), row(2)]))})
        seconds = time.monotonic() - started
        assert jobs_sweep(grace=NOW) == 0  # still down: the job keeps waiting
    finally:
        broker.restore()

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("employees:import_detail", args=[job.pk])
    assert seconds < 2, seconds
    assert (job.status, job.queued_at) == (ImportStatus.PENDING, None)
    assert client.get(response["Location"]).status_code == 200

    # A job saved a moment ago is left to the request handing it over; an older one is swept, once.
    assert jobs_sweep() == 0
    assert jobs_sweep(grace=NOW) == 1
    assert jobs_sweep(grace=NOW) == 0
    wait_until(lambda: ImportJob.objects.get().is_finished, timeout=90)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.errors
    assert job.queued_at is not None and job.created_count == 2
    assert Employee.objects.count() == 2
