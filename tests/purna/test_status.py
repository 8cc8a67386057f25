"""The system's status page (purna/status): superusers only; queue depths from Redis ("not available" on
the embedded broker or a Redis that does not answer), failed tasks of the last day, the outbox's trouble,
beat's last run, disk space. /healthz stays the cheap check."""

import datetime as dt
import socket
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_celery_results.models import TaskResult

from purna.notifications.models import Message, MessageStatus
from purna.status import selectors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/status-sistem/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def message(**fields) -> Message:
    now = timezone.now()
    defaults = {"kind": "purna.test", "recipient_key": f"email:{fields.get('occasion')}", "planned_at": now}
    return Message.objects.create(**{"next_attempt_at": now, **defaults, **fields})


def test_the_url_is_the_named_one():
    assert reverse("status:system") == URL


def test_only_superusers_see_it(client, role_user):
    from purna import roles

    assert client.get(URL).status_code == 302  # to the sign-in page
    client.force_login(role_user(roles.ADMIN, username="admin-kepegawaian"))
    assert client.get(URL).status_code == 403


def test_it_shows_failures_outbox_trouble_beat_and_disks(admin_client, settings):
    now = timezone.now()
    TaskResult.objects.create(
        task_id="gagal-baru",
        task_name="ceremonies.tasks.certificates_render_task",
        status="FAILURE",
        result='"Disk penuh"',
        date_done=now - dt.timedelta(hours=2),
    )
    TaskResult.objects.create(
        task_id="gagal-lama",
        task_name="purna.tasks.ping_task",
        status="FAILURE",
        date_done=now - dt.timedelta(hours=30),
    )
    TaskResult.objects.create(task_id="berhasil", task_name="purna.tasks.ping_task", status="SUCCESS", date_done=now)
    TaskResult.objects.filter(task_id="gagal-lama").update(date_done=now - dt.timedelta(hours=30))
    message(occasion="a", status=MessageStatus.FAILED)
    message(occasion="b", status=MessageStatus.SENDING, claimed_at=now - dt.timedelta(hours=1))
    message(occasion="c", status=MessageStatus.SENDING, claimed_at=now)  # sending right now: fine
    message(occasion="d", status=MessageStatus.QUEUED, next_attempt_at=now - dt.timedelta(hours=1))
    every_minute = IntervalSchedule.objects.create(every=1, period="minutes")
    PeriodicTask.objects.create(name="sapu", task="x", interval=every_minute, last_run_at=now - dt.timedelta(minutes=1))

    response = admin_client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["failed_count"] == 1
    assert [t.task_id for t in response.context["failed"]] == ["gagal-baru"]
    assert "Disk penuh" in page and "1 tugas gagal dalam 24 jam terakhir" in page
    outbox = response.context["outbox"]
    assert (outbox.failed, outbox.stuck_sending, outbox.late) == (1, 1, 1)
    assert response.context["beat_last"] is not None
    assert [d.label for d in response.context["disks"]] == ["MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"]
    assert "terpakai" in page


@pytest.mark.skipif(not __import__("django.conf").conf.settings.REDIS_URL, reason="needs REDIS_URL")
def test_queue_depths_come_from_redis(settings):
    import redis

    settings.PURNA_PDF_QUEUE = queue = f"test-status-{time.monotonic_ns()}"
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        client.lpush(queue, "a", "b")
        client.lpush(f"{queue}\x06\x163", "c")
        depths, unacknowledged = selectors.queue_depths()
    finally:
        client.delete(queue, f"{queue}\x06\x163")
    assert {d.name: d.waiting for d in depths}[queue] == 3
    assert unacknowledged is not None


def test_queue_depths_are_not_available_on_the_embedded_broker_or_a_silent_redis(admin_client, settings):
    settings.CELERY_BROKER_URL = "sqlite:///var/celery-broker.sqlite3"
    page = admin_client.get(URL).content.decode()
    assert page.count("tidak tersedia") >= 3

    with socket.socket() as hole:  # accepts connections, never answers
        hole.bind(("127.0.0.1", 0))
        hole.listen(8)
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{hole.getsockname()[1]}/0"
        started = time.monotonic()
        depths, unacknowledged = selectors.queue_depths()
    assert time.monotonic() - started < 3
    assert all(d.waiting is None for d in depths) and unacknowledged is None


def test_healthz_stays_cheap(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/healthz").status_code == 200
    assert len(queries) <= 1  # SELECT 1; nothing of the status page's reads
