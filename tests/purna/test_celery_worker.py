"""A real Celery worker, in its own process, takes a task from the broker (Redis when REDIS_URL is set,
the embedded SQLite broker otherwise) and stores its result in the test database."""

import sqlite3
import uuid

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django_celery_results.models import TaskResult

from purna.tasks import ping_task
from tests.workers import WorkerProcess, worker_env

pytestmark = pytest.mark.worker


def test_worker_runs_a_task_and_stores_its_result(worker_queue):
    result = ping_task.apply_async(queue=worker_queue)

    assert isinstance(result, AsyncResult)
    assert result.get(timeout=60) == "pong"
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS"
    assert stored.task_name == "purna.tasks.ping_task"
    assert stored.worker.startswith(worker_queue)


def test_broker_is_the_configured_one():
    if settings.REDIS_URL:
        assert ping_task.app.conf.broker_url == settings.REDIS_URL
        assert ping_task.app.conf.broker_transport is None
    else:
        assert ping_task.app.conf.broker_url == f"sqlite:///{settings.VAR_DIR / 'celery-broker.sqlite3'}"
        assert ping_task.app.conf.broker_transport == "purna.broker:Transport"
    assert not ping_task.app.conf.task_always_eager


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="REDIS_URL is set: the embedded broker is not in use")
def test_worker_on_the_embedded_broker_survives_a_broken_message(transactional_db, tmp_path):
    """A message that cannot be decoded (as the filesystem broker's half-written files were) is logged and
    dropped; the worker goes on with the next one instead of stopping."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = WorkerProcess(queue, worker_env(), tmp_path)
    worker.start()
    try:
        broker = sqlite3.connect(settings.VAR_DIR / "celery-broker.sqlite3", timeout=30)
        with broker:
            (queue_id,) = broker.execute("SELECT id FROM kombu_queue WHERE name = ?", [queue]).fetchone()
            broker.execute(
                "INSERT INTO kombu_message (visible, timestamp, payload, version, queue_id) VALUES (1, ?, ?, 1, ?)",
                # Older than any message: the worker reads it before the ping.
                ["2000-01-01 00:00:00.000000", '{"body": "eyJ', queue_id],
            )
        broker.close()

        result = ping_task.apply_async(queue=queue)

        assert result.get(timeout=60) == "pong"
        assert worker.process.poll() is None
        assert "Dropped an undecodable message" in worker.logs()
    finally:
        worker.stop()
        print(worker.logs())
