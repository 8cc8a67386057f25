"""Celery tasks of the outbox (queue "email", settings.CELERY_TASK_ROUTES). Thin: each calls one service.

Every task is safe to run twice or concurrently: what to send is decided by the rows (claimed under a
lock, see delivery.py), not by the broker's memory. acks_late: a task whose worker dies is handed out
again; retries wait at most PURNA_EMAIL_RETRY_MAX_SECONDS, below the Redis visibility timeout.
"""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from purna.notifications import conf
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from purna.notifications.services import outbox_sweep, reminders_plan, reminders_replan
from purna.tasks import TransientRetryTask

# Beyond this the outbox sweep (every minute) keeps trying; the task stops asking the broker to.
MAX_TASK_RETRIES = 10


def _countdown(seconds: float) -> float:
    return max(1.0, min(seconds, conf.get("PURNA_EMAIL_RETRY_MAX_SECONDS")))


@shared_task(base=TransientRetryTask, bind=True, acks_late=True, max_retries=MAX_TASK_RETRIES)
def message_send_task(self, message_id: int) -> dict:
    """Send one message (queued by message_queue); retried with backoff while the server is unusable."""
    report = messages_send(message_ids=[message_id])
    waiting = (
        Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if waiting is not None:
        raise self.retry(countdown=_countdown((waiting - timezone.now()).total_seconds()))
    return vars(report)


@shared_task(base=TransientRetryTask, bind=True, acks_late=True, max_retries=MAX_TASK_RETRIES)
def messages_send_due_task(self) -> dict:
    """Send every due message over one SMTP connection, a time budget at a time."""
    report = messages_send()
    if report.retry_in is not None:
        raise self.retry(countdown=_countdown(report.retry_in))
    if report.more:
        # The time budget is spent: the rest goes in a fresh task, so other work on the queue can run.
        messages_send_due_task.apply_async(queue=conf.email_queue())
    return vars(report)


@shared_task(base=TransientRetryTask, acks_late=True)
def reminders_plan_task() -> dict:
    """The daily plan (Celery beat): cancel what is no longer due, queue the reminders due today."""
    report = reminders_plan()
    return {"created": report.created, "cancelled": report.cancelled, "errors": report.errors}


@shared_task(base=TransientRetryTask, acks_late=True)
def reminders_replan_task(model: str, object_ids: list[int]) -> dict:
    """Replan the reminders about some objects (after a date or a status changed)."""
    report = reminders_replan(model=model, object_ids=object_ids)
    return {"created": report.created, "cancelled": report.cancelled, "errors": report.errors}


@shared_task(base=TransientRetryTask, acks_late=True)
def outbox_sweep_task(stale_after_seconds: float | None = None) -> dict:
    """Every minute (Celery beat): requeue interrupted sends, hand due messages to the sender."""
    stale_after = None if stale_after_seconds is None else dt.timedelta(seconds=stale_after_seconds)
    return vars(outbox_sweep(stale_after=stale_after))
