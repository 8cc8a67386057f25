"""A real Celery worker, in its own process, takes a task from the broker (Redis when REDIS_URL is set,
the filesystem broker otherwise) and stores its result in the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection
from django_celery_results.models import TaskResult

from purna.tasks import ping_task

pytestmark = pytest.mark.worker

WORKER_START_TIMEOUT = 60


def database_url(settings_dict: dict) -> str:
    """DATABASE_URL naming the database this test process uses (the pytest test database)."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    assert settings_dict["ENGINE"] == "django.db.backends.postgresql", settings_dict["ENGINE"]
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{settings_dict['NAME']}"


@pytest.fixture
def worker_queue(transactional_db, tmp_path):
    """Start a worker on a queue of its own (another worker on the same broker cannot take its tasks)."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "purna",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "--hostname",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while "ready." not in log_path.read_text():
            assert worker.poll() is None, f"the worker stopped:\n{log_path.read_text()}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{log_path.read_text()}"
            time.sleep(0.2)
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        # Whatever happened, the worker's own account of it is in the test report.
        print(log_path.read_text())


def test_worker_runs_a_task_and_stores_its_result(worker_queue):
    result = ping_task.apply_async(queue=worker_queue)

    assert isinstance(result, AsyncResult)
    assert result.get(timeout=60) == "pong"
    stored = TaskResult.objects.get(task_id=result.id)
    assert stored.status == "SUCCESS"
    assert stored.task_name == "purna.tasks.ping_task"
    assert stored.worker.startswith(worker_queue)


def test_broker_is_the_configured_one():
    expected = settings.REDIS_URL or "filesystem://"
    assert ping_task.app.conf.broker_url == expected
    assert not ping_task.app.conf.task_always_eager
