"""Reads of the status page: each one bounded in time and in rows, and each one answering "not available"
(None) rather than failing the page when its source is down."""

import datetime as dt
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from django_celery_results.models import TaskResult
from redis.backoff import NoBackoff
from redis.retry import Retry

from purna.notifications.models import Message, MessageStatus

logger = logging.getLogger(__name__)

# A broker that does not answer within this leaves its queue depths "not available".
BROKER_TIMEOUT_SECONDS = 1.0
# kombu's Redis transport keeps a queue's prioritised messages in lists beside the queue's own
# ("<queue>\x06\x16<priority>", priority steps 0, 3, 6, 9; step 0 is the queue's own key).
PRIORITY_SEPARATOR = "\x06\x16"
PRIORITY_STEPS = (3, 6, 9)
FAILED_TASKS_SHOWN = 20
# A queued email this late past its planned attempt is stuck: the sweep (every minute) should have sent it.
OUTBOX_LATE = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class QueueDepth:
    name: str
    waiting: int | None  # None: not available (the SQLite broker, or Redis unreachable)


@dataclass(frozen=True)
class DiskUse:
    label: str
    path: Path
    total: int | None
    used: int | None
    free: int | None

    @property
    def used_percent(self) -> int | None:
        return None if not self.total else round(self.used * 100 / self.total)


def queue_names() -> list[str]:
    names = [settings.CELERY_TASK_DEFAULT_QUEUE, settings.PURNA_PDF_QUEUE, settings.PURNA_EMAIL_QUEUE]
    return list(dict.fromkeys(names))


def queue_depths() -> tuple[list[QueueDepth], int | None]:
    """Messages waiting in each Celery queue, and those taken by a worker but not yet acknowledged
    (running, or left by a worker that died), from Redis; None where it cannot be told."""
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return [QueueDepth(name, None) for name in queue_names()], None
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),  # one attempt: the page must not wait on a broker that is down
    )
    try:
        with client.pipeline(transaction=False) as pipe:
            for name in queue_names():
                pipe.llen(name)
                for step in PRIORITY_STEPS:
                    pipe.llen(f"{name}{PRIORITY_SEPARATOR}{step}")
            pipe.hlen("unacked")
            counts = pipe.execute()
    except redis.RedisError as exc:
        logger.warning("Queue depths not available: %r", exc)
        return [QueueDepth(name, None) for name in queue_names()], None
    finally:
        client.close()
    per_queue = 1 + len(PRIORITY_STEPS)
    depths = [
        QueueDepth(name, sum(counts[i * per_queue : (i + 1) * per_queue])) for i, name in enumerate(queue_names())
    ]
    return depths, counts[-1]


def failed_tasks(*, now: dt.datetime | None = None, hours: int = 24) -> tuple[int, list[TaskResult]]:
    """Tasks that failed in the last `hours` (django-celery-results): how many, and the latest few."""
    since = (now or timezone.now()) - dt.timedelta(hours=hours)
    failed = TaskResult.objects.filter(status="FAILURE", date_done__gte=since)
    latest = list(
        failed.order_by("-date_done").only("task_id", "task_name", "date_done", "result", "worker")[:FAILED_TASKS_SHOWN]
    )
    return failed.count(), latest


@dataclass(frozen=True)
class OutboxHealth:
    failed: int
    stuck_sending: int
    late: int


def outbox_health(*, now: dt.datetime | None = None) -> OutboxHealth:
    """Emails that failed, sends still unfinished past PURNA_EMAIL_SENDING_TIMEOUT_SECONDS (a worker
    died in them), and queued emails long past their attempt time (no worker, or the broker down)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.PURNA_EMAIL_SENDING_TIMEOUT_SECONDS)
    counts = Message.objects.aggregate(
        failed=_count(Q(status=MessageStatus.FAILED)),
        stuck_sending=_count(Q(status=MessageStatus.SENDING, claimed_at__lt=stale)),
        late=_count(Q(status=MessageStatus.QUEUED, next_attempt_at__lt=now - OUTBOX_LATE)),
    )
    return OutboxHealth(**{key: value or 0 for key, value in counts.items()})


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def beat_last_run() -> tuple[dt.datetime | None, list[PeriodicTask]]:
    """When Celery beat last started a scheduled task, and each schedule's own last run."""
    tasks = list(PeriodicTask.objects.order_by("name").only("name", "task", "enabled", "last_run_at"))
    last = PeriodicTask.objects.aggregate(last=Max("last_run_at"))["last"]
    return last, tasks


def disk_use() -> list[DiskUse]:
    """The file systems holding the media and the private files (one stat call each: no folder walk)."""
    places = [("MEDIA_ROOT", Path(settings.MEDIA_ROOT)), ("PRIVATE_MEDIA_ROOT", Path(settings.PRIVATE_MEDIA_ROOT))]
    uses = []
    for label, path in places:
        # A folder not made yet (nothing stored so far) will live on its nearest existing parent's disk.
        existing = next((p for p in (path, *path.parents) if p.exists()), path)
        try:
            usage = shutil.disk_usage(existing)
        except OSError:
            uses.append(DiskUse(label, path, None, None, None))
            continue
        uses.append(DiskUse(label, path, usage.total, usage.used, usage.free))
    return uses
