"""Platform tasks: a round trip through the broker, a worker and the result store; and the base class of
the tasks that write.

ping_task is used by the worker test and by operators checking a deployment
(`celery -A purna call purna.tasks.ping_task`, then read the result in the admin).
"""

import logging

from celery import Task, shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.db import DatabaseError, InterfaceError

from purna.db import is_transient

logger = logging.getLogger(__name__)

# Retries of a transient database error (purna/db.py) wait 2, 4, 8... seconds (with jitter), at most
# TRANSIENT_RETRY_MAX_SECONDS: far below the Redis visibility timeout (one hour, purna/settings.py), or
# a task merely waiting would be handed out twice.
TRANSIENT_RETRY_BASE_SECONDS = 2
TRANSIENT_RETRY_MAX_SECONDS = 5 * 60
TRANSIENT_MAX_RETRIES = 8


class TransientRetryTask(Task):
    """A task that runs again later when it meets a transient database error ("database is locked" on
    SQLite, a serialization failure or deadlock on PostgreSQL, a connection lost when PostgreSQL
    restarted): nothing of the failed transaction was written, and every task here is safe to run twice (DESIGN.md section 3). Any other error fails the
    task as before. Use it as `@shared_task(base=TransientRetryTask, ...)` on the tasks that write."""

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except (DatabaseError, InterfaceError) as exc:
            retries = self.request.retries
            if not is_transient(exc) or self.request.called_directly or retries >= TRANSIENT_MAX_RETRIES:
                raise
            countdown = get_exponential_backoff_interval(
                factor=TRANSIENT_RETRY_BASE_SECONDS,
                retries=retries,
                maximum=TRANSIENT_RETRY_MAX_SECONDS,
                full_jitter=True,
            )
            raise self.retry(exc=exc, countdown=max(countdown, 1), max_retries=TRANSIENT_MAX_RETRIES) from exc


@shared_task
def ping_task() -> str:
    """Answer "pong"; the result backend (django-db) stores it, which proves the worker reaches the database."""
    logger.info("ping")
    return "pong"


@shared_task(base=TransientRetryTask)
def generated_document_render_task(document_id: int) -> str:
    """Make a document or export queued by a page (purna/generated.py); safe to run twice."""
    from purna.generated import generated_document_render

    return generated_document_render(document_id=document_id)


@shared_task
def jobs_sweep_task() -> int:
    """Hand to the worker the jobs saved while the broker was down (purna/jobs.py jobs_sweep)."""
    from purna.jobs import jobs_sweep

    return jobs_sweep()
