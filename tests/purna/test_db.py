"""purna/db.py and what rests on it: which database errors are transient, the tasks that retry them
(purna.tasks.TransientRetryTask) and the page that answers 503 "coba lagi" instead of a 500
(purna.middleware.TransientDatabaseErrorMiddleware)."""

import sqlite3
import types

import pytest
from celery import shared_task
from django.db import DatabaseError, connection, transaction
from django.db.utils import DatabaseErrorWrapper, IntegrityError, OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from purna.db import is_transient
from purna.middleware import TransientDatabaseErrorMiddleware
from purna.tasks import TRANSIENT_MAX_RETRIES, TRANSIENT_RETRY_MAX_SECONDS, TransientRetryTask

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'")


def sqlite_locked(path) -> OperationalError:
    """A real "database is locked" from sqlite3 (a second writer without a busy timeout), as Django
    re-raises it."""
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError) as caught, DatabaseErrorWrapper(types.SimpleNamespace(Database=sqlite3)):
            other.execute("BEGIN IMMEDIATE")
        return caught.value
    finally:
        other.close()
        holder.close()


def postgresql_error(sqlstate: str) -> DatabaseError:
    """A real error of the PostgreSQL driver with this SQLSTATE, as Django re-raises it."""
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN RAISE EXCEPTION 'test' USING ERRCODE = '{sqlstate}'; END $$;")
    return caught.value


def test_sqlite_database_is_locked_is_transient(tmp_path):
    error = sqlite_locked(tmp_path / "locked.sqlite3")
    assert "database is locked" in str(error)
    assert is_transient(error)


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
def test_serialization_failure_and_deadlock_are_transient(sqlstate):
    assert is_transient(postgresql_error(sqlstate))


@postgresql_only
@pytest.mark.django_db
@pytest.mark.parametrize("sqlstate", ["23505", "42P01", "P0001"])
def test_other_database_errors_are_not(sqlstate):
    assert not is_transient(postgresql_error(sqlstate))


def test_errors_that_are_not_the_databases_are_not():
    assert not is_transient(ValueError("database is locked"))
    assert not is_transient(IntegrityError("UNIQUE constraint failed"))
    assert not is_transient(OperationalError("no such table: benefits_payout"))


# --- Tasks --------------------------------------------------------------------------------------------------

calls: list[str] = []


@shared_task(base=TransientRetryTask, bind=True)
def flaky_task(self, errors: list[str]) -> int:
    """Raises the given errors in turn (one per run), then answers how many runs it took."""
    calls.append(self.request.id)
    run = len(calls)
    if run <= len(errors):
        raise OperationalError(errors[run - 1]) if errors[run - 1] != "value" else ValueError("value")
    return run


@pytest.fixture
def runs():
    calls.clear()
    yield calls
    calls.clear()


def test_task_retries_a_transient_error_until_it_passes(runs):
    result = flaky_task.apply(args=[["database is locked", "database is locked"]])
    assert result.successful()
    assert result.get() == 3
    assert len(runs) == 3


def test_task_fails_at_once_on_other_errors(runs):
    assert flaky_task.apply(args=[["no such table: x"]]).failed()
    assert len(runs) == 1
    runs.clear()
    assert flaky_task.apply(args=[["value"]]).failed()
    assert len(runs) == 1


def test_task_gives_up_after_its_retries(runs):
    result = flaky_task.apply(args=[["database is locked"] * (TRANSIENT_MAX_RETRIES + 5)])
    assert result.failed()
    assert isinstance(result.result, OperationalError)
    assert len(runs) == TRANSIENT_MAX_RETRIES + 1


def test_retries_wait_less_than_the_brokers_visibility_timeout(settings):
    visibility = (getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}).get("visibility_timeout", 3600)
    assert visibility > TRANSIENT_RETRY_MAX_SECONDS


def test_writing_tasks_retry_transient_errors():
    from benefits import tasks as benefits_tasks
    from ceremonies import tasks as ceremonies_tasks
    from purna.notifications import tasks as notification_tasks

    for task in (
        benefits_tasks.receipt_render_task,
        benefits_tasks.payouts_prepare_batch_task,
        ceremonies_tasks.certificates_render_task,
        notification_tasks.message_send_task,
        notification_tasks.outbox_sweep_task,
    ):
        assert isinstance(task, TransientRetryTask), task.name


# --- Pages --------------------------------------------------------------------------------------------------


def test_a_busy_database_answers_503_try_again_in_indonesian(tmp_path):
    middleware = TransientDatabaseErrorMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post("/tht-tali-asih/pembayaran/verifikasi/")
    with translation.override("id"):
        response = middleware.process_exception(request, sqlite_locked(tmp_path / "locked.sqlite3"))
    assert response.status_code == 503
    assert response["Retry-After"]
    page = response.content.decode()
    assert "coba lagi" in page.lower()


def test_every_page_passes_through_it(settings):
    assert "purna.middleware.TransientDatabaseErrorMiddleware" in settings.MIDDLEWARE


def test_other_errors_are_left_to_the_500_page():
    middleware = TransientDatabaseErrorMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/")
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None
    assert middleware.process_exception(request, ValueError("x")) is None
