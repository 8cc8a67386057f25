"""A real Celery worker, in its own process, takes a task from the broker (Redis when REDIS_URL is set,
the filesystem broker otherwise) and stores its result in the test database."""

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django_celery_results.models import TaskResult

from purna.tasks import ping_task

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
    expected = settings.REDIS_URL or "filesystem://"
    assert ping_task.app.conf.broker_url == expected
    assert not ping_task.app.conf.task_always_eager
