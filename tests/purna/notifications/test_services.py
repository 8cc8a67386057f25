"""The outbox's write path: queued once (by the database), handed to Celery after the commit only,
cancel and send again with their rules and history, the sweep, the beat schedules."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps as global_apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from purna.notifications import builtin, registry, services
from purna.notifications.exceptions import NotificationError
from purna.notifications.models import Message, MessageEvent, MessageStatus
from purna.notifications.services import (
    message_cancel,
    message_queue,
    message_retry,
    messages_queue,
    outbox_sweep,
    reminders_plan,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

beat_migration = importlib.import_module("purna.notifications.migrations.0002_beat_schedules")


@pytest.fixture
def dispatched(monkeypatch):
    """Record what would be handed to Celery instead of reaching a broker."""
    calls = []
    monkeypatch.setattr(services, "_dispatch", lambda name, *args: calls.append((name, *args)) or True)
    return calls


def queue_test_email(address: str = "kepala@sukamaju.go.id", occasion: str = "uji-1", **fields):
    return message_queue(
        kind=builtin.TEST_KIND,
        recipient_key=registry.recipient_key(builtin.EMAIL, address),
        occasion=occasion,
        to_email=address,
        **fields,
    )


def test_the_same_email_for_the_same_occasion_is_queued_once(dispatched):
    first, created = queue_test_email()
    again, created_again = queue_test_email()

    assert created and not created_again
    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_the_database_refuses_a_second_message_for_the_same_person_and_occasion():
    queue_test_email()
    now = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            kind=builtin.TEST_KIND,
            recipient_key="email:kepala@sukamaju.go.id",
            occasion="uji-1",
            planned_at=now,
            next_attempt_at=now,
        )


def test_the_message_is_handed_to_celery_after_the_commit_only(django_capture_on_commit_callbacks, dispatched):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message, _created = queue_test_email()
        assert dispatched == []  # not before the commit

    for callback in callbacks:
        callback()
    assert dispatched == [("message_send_task", message.pk)]


def test_a_rolled_back_transaction_leaves_no_message_and_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        queue_test_email()
        raise RuntimeError("the business action failed")

    assert callbacks == []
    assert not Message.objects.exists()


def test_a_broker_that_is_down_does_not_break_the_business_action(django_capture_on_commit_callbacks, broker_down):
    with django_capture_on_commit_callbacks(execute=True):
        message, _created = queue_test_email()

    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED


def test_a_future_message_waits_for_its_time(django_capture_on_commit_callbacks, dispatched):
    with django_capture_on_commit_callbacks(execute=True):
        message, _created = queue_test_email(planned_at=timezone.now() + dt.timedelta(days=1))

    assert dispatched == []
    assert message.next_attempt_at == message.planned_at


def test_an_unknown_kind_is_refused():
    with pytest.raises(NotificationError):
        message_queue(kind="tidak.ada", recipient_key="email:a@b.go.id", occasion="x")


def test_bulk_queueing_skips_what_exists_and_counts_what_is_new():
    drafts = [
        registry.Draft(kind=builtin.TEST_KIND, recipient_key=f"email:p{i}@sukamaju.go.id", occasion="massal")
        for i in range(5)
    ]

    assert messages_queue(drafts[:3]) == 3
    assert messages_queue(drafts + drafts) == 2
    assert Message.objects.count() == 5


def test_cancel_and_send_again_follow_the_status_and_record_who(dispatched):
    operator = UserFactory(username="operator-x", password=None)
    message, _created = queue_test_email()

    with pytest.raises(NotificationError), translation.override("en"):
        message_retry(message=message, actor=operator)  # only a failed email can be sent again
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED, last_error="550 no such user")
    retried = message_retry(message=message, actor=operator)
    cancelled = message_cancel(message=retried, actor=operator, reason="Pegawai sudah pindah")

    assert retried.status == MessageStatus.QUEUED
    assert cancelled.status == MessageStatus.CANCELLED
    assert cancelled.cancel_reason == "Pegawai sudah pindah"
    events = list(message.events.values_list("event", "actor__username", "detail"))
    assert events == [
        (MessageEvent.Event.RETRY, "operator-x", "550 no such user"),
        (MessageEvent.Event.CANCELLED, "operator-x", "Pegawai sudah pindah"),
    ]
    with pytest.raises(NotificationError):
        message_cancel(message=cancelled, actor=operator)


def test_a_sent_email_cannot_be_cancelled():
    message, _created = queue_test_email()
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_at=timezone.now())

    with pytest.raises(NotificationError):
        message_cancel(message=message, actor=None)


def test_sweep_requeues_interrupted_sends_and_hands_due_messages_over(dispatched):
    stuck, _ = queue_test_email(occasion="terputus")
    fresh, _ = queue_test_email(occasion="sedang-dikirim")
    later, _ = queue_test_email(occasion="nanti", planned_at=timezone.now() + dt.timedelta(hours=1))
    now = timezone.now()
    Message.objects.filter(pk=stuck.pk).update(status=MessageStatus.SENDING, claimed_at=now - dt.timedelta(hours=1))
    Message.objects.filter(pk=fresh.pk).update(status=MessageStatus.SENDING, claimed_at=now)
    dispatched.clear()

    report = outbox_sweep()

    assert (report.requeued, report.due, report.dispatched) == (1, 1, True)
    assert dispatched == [("messages_send_due_task",)]
    statuses = dict(Message.objects.values_list("occasion", "status"))
    assert statuses == {"terputus": "queued", "sedang-dikirim": "sending", "nanti": "queued"}
    assert stuck.events.get().event == MessageEvent.Event.REQUEUED
    assert later.events.count() == 0


def test_sweep_with_nothing_due_hands_nothing_over(dispatched):
    assert outbox_sweep().dispatched is False
    assert dispatched == []


def test_one_kind_failing_to_plan_does_not_stop_the_others(monkeypatch):
    def broken(request):
        raise RuntimeError("bug in a planner")

    working = registry.Kind(
        name="tests.working",
        label="working",
        template_prefix="notifications/emails/test",
        plan=lambda request: [registry.Draft(kind="tests.working", recipient_key="email:a@b.go.id", occasion="x")],
    )
    monkeypatch.setattr(registry, "_kinds", {"tests.broken": registry.Kind("tests.broken", "b", "x", plan=broken)})
    registry.kind_register(working)

    report = reminders_plan()

    assert "tests.broken" in report.errors
    assert report.created == {"tests.working": 1}


def test_beat_runs_the_daily_plan_and_the_sweep_in_the_agency_time_zone():
    beat_migration.schedules_create(global_apps, None)
    beat_migration.schedules_create(global_apps, None)  # safe to run twice

    plan = PeriodicTask.objects.get(task="purna.notifications.tasks.reminders_plan_task")
    sweep = PeriodicTask.objects.get(task="purna.notifications.tasks.outbox_sweep_task")
    assert (plan.crontab.hour, plan.crontab.minute) == ("6", "0")
    assert str(plan.crontab.timezone) == django_settings.TIME_ZONE
    assert (sweep.interval.every, sweep.interval.period) == (1, "minutes")
    assert sweep.expire_seconds == 120
    assert plan.enabled and sweep.enabled
    assert PeriodicTask.objects.filter(task__startswith="purna.notifications.").count() == 2


def test_email_tasks_are_routed_to_the_email_queue():
    from purna.celery import app

    route = app.amqp.router.route({}, "purna.notifications.tasks.messages_send_due_task")
    assert route["queue"].name == django_settings.CELERY_TASK_ROUTES["purna.notifications.tasks.*"]["queue"]


def test_the_test_email_command_queues_one_email(dispatched):
    out = io.StringIO()

    call_command("notifications_test_email", "admin@sukamaju.go.id", stdout=out)

    message = Message.objects.get()
    assert (message.kind, message.to_email) == (builtin.TEST_KIND, "admin@sukamaju.go.id")
    assert f"#{message.pk}" in out.getvalue()


def test_apps_ask_for_a_replan_after_their_commit(django_capture_on_commit_callbacks, dispatched):
    from employees.models import Employee

    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_replan_later(model=Employee, object_ids=[3, 1])
        assert dispatched == []

    assert dispatched == [("reminders_replan_task", "employees.employee", [1, 3])]
