"""Every task's wait before a retry stays below the broker's visibility timeout: Redis hands a task that
was taken but not acknowledged (acks_late) to another worker after that long, so a task merely waiting
for its retry, or still running, would run twice at once (DESIGN.md section 7)."""

import pytest
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from purna.celery import app
from purna.notifications import tasks as notification_tasks
from purna.tasks import (
    TRANSIENT_MAX_RETRIES,
    TRANSIENT_RETRY_BASE_SECONDS,
    TRANSIENT_RETRY_MAX_SECONDS,
    TransientRetryTask,
)

OUR_APPS = ("purna.", "employees.", "ceremonies.", "benefits.", "portal.")


def visibility_timeout() -> int:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    # kombu's default for Redis when the setting says nothing: one hour.
    return options.get("visibility_timeout", settings.CELERY_VISIBILITY_TIMEOUT)


def our_tasks() -> dict:
    app.loader.import_default_modules()
    tasks = {name: task for name, task in app.tasks.items() if name.startswith(OUR_APPS)}
    assert len(tasks) >= 10, sorted(tasks)
    return tasks


def longest_waits(task) -> dict[str, float]:
    """Every wait before a retry that the task's configuration allows, by where it comes from."""
    waits: dict[str, float] = {"default_retry_delay (self.retry() without a countdown)": task.default_retry_delay}
    if isinstance(task, TransientRetryTask):
        waits["TransientRetryTask backoff"] = max(
            get_exponential_backoff_interval(
                factor=TRANSIENT_RETRY_BASE_SECONDS, retries=n, maximum=TRANSIENT_RETRY_MAX_SECONDS, full_jitter=False
            )
            for n in range(TRANSIENT_MAX_RETRIES + 1)
        )
    if getattr(task, "autoretry_for", ()):
        if task.retry_backoff:
            waits["autoretry retry_backoff_max"] = task.retry_backoff_max
        kwargs = getattr(task, "retry_kwargs", {}) or {}
        waits["autoretry countdown"] = kwargs.get("countdown", task.default_retry_delay)
    if task.name.startswith("purna.notifications."):
        waits["email backoff cap"] = notification_tasks._countdown(10**9)
    return waits


@pytest.mark.parametrize("name", sorted(our_tasks()))
def test_every_retry_waits_less_than_the_visibility_timeout(name):
    task = our_tasks()[name]
    too_long = {where: seconds for where, seconds in longest_waits(task).items() if seconds >= visibility_timeout()}
    assert not too_long, f"{name} may wait {too_long} s; the visibility timeout is {visibility_timeout()} s"


@pytest.mark.parametrize("name", sorted(our_tasks()))
def test_every_task_ends_before_the_visibility_timeout_and_is_acknowledged_late(name):
    task = our_tasks()[name]
    limit = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
    assert limit and limit < visibility_timeout(), f"{name} may run {limit} s"
    reject = app.conf.task_reject_on_worker_lost if task.reject_on_worker_lost is None else task.reject_on_worker_lost
    assert task.acks_late and reject


def test_the_email_backoff_is_capped_below_the_visibility_timeout_whatever_the_environment_says():
    assert visibility_timeout() > settings.PURNA_EMAIL_RETRY_MAX_SECONDS
    assert visibility_timeout() > settings.PURNA_JOB_STALE_SECONDS
