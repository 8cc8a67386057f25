"""The outbox with a real Celery worker process and a real SMTP server: the business action queues, the
worker sends after the commit; SMTP down, broker down, a worker killed in the middle of a send."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from employees.notifications import APPROACHING, APPROACHING_OPERATOR
from purna.notifications import builtin, registry
from purna.notifications.models import Message, MessageEvent, MessageStatus
from purna.notifications.services import message_queue, outbox_sweep
from purna.notifications.tasks import reminders_plan_task
from tests.purna.notifications.builders import document_types_ensure, employee_retiring, first_of_month, operator
from tests.purna.notifications.conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def checklist(transactional_db):
    # A transactional test before this one may have flushed the seeded checklist.
    return document_types_ensure()


def queue_test_email(address: str, occasion: str = "uji") -> Message:
    """A business action: its transaction queues an email, which goes to the worker after the commit."""
    with transaction.atomic():
        message, _created = message_queue(
            kind=builtin.TEST_KIND,
            recipient_key=registry.recipient_key(builtin.EMAIL, address),
            occasion=occasion,
            to_email=address,
        )
    return message


def status_of(message: Message) -> str:
    message.refresh_from_db()
    return message.status


def test_worker_sends_what_a_transaction_queued(email_worker, smtp_sink):
    message = queue_test_email("operator@sukamaju.go.id")

    [received] = smtp_sink.wait_for(1)

    wait_until(lambda: status_of(message) == MessageStatus.SENT, message=email_worker.logs())
    assert received.rcpt_tos == ["operator@sukamaju.go.id"]
    assert received.message["Message-ID"] == message.message_id


def test_rolled_back_business_action_sends_nothing(email_worker, smtp_sink):
    with pytest.raises(RuntimeError), transaction.atomic():
        message_queue(
            kind=builtin.TEST_KIND,
            recipient_key=registry.recipient_key(builtin.EMAIL, "a@sukamaju.go.id"),
            occasion="batal",
            to_email="a@sukamaju.go.id",
        )
        raise RuntimeError("the business action failed")
    queue_test_email("b@sukamaju.go.id")  # a later email proves the worker was listening

    smtp_sink.wait_for(1)

    assert [r.rcpt_tos for r in smtp_sink.received] == [["b@sukamaju.go.id"]]
    assert not Message.objects.filter(occasion="batal").exists()


def test_smtp_down_then_back_delivers_exactly_once(email_worker, smtp_sink):
    smtp_sink.stop()
    message = queue_test_email("kepala@sukamaju.go.id")

    # The worker tries, is refused, and keeps the message queued with a backoff (1 s, 2 s, 2 s...).
    wait_until(lambda: status_of(message) == MessageStatus.QUEUED and message.attempts >= 2, timeout=60)
    assert "ConnectionRefusedError" in message.last_error
    smtp_sink.start()

    smtp_sink.wait_for(1, timeout=60)
    wait_until(lambda: status_of(message) == MessageStatus.SENT, timeout=30)
    outbox_sweep()  # nothing left to do: the sweep must not send it again
    assert len(smtp_sink.received) == 1
    assert smtp_sink.received[0].message["Message-ID"] == message.message_id


def test_broker_down_the_action_succeeds_and_the_sweep_hands_the_message_over(email_worker, smtp_sink, broker_down):
    message = queue_test_email("bendahara@sukamaju.go.id")  # no error reaches the business action

    assert status_of(message) == MessageStatus.QUEUED
    assert smtp_sink.received == []

    # The broker is back; the next sweep (every minute from Celery beat) hands the message over.
    broker_down.restore()
    report = outbox_sweep()

    assert report.due == 1 and report.dispatched
    smtp_sink.wait_for(1)
    wait_until(lambda: status_of(message) == MessageStatus.SENT)
    assert len(smtp_sink.received) == 1


def test_worker_killed_mid_send_delivers_each_message_at_most_once_more(email_worker, smtp_sink):
    """At least once, at most one extra copy: see purna/notifications/delivery.py for the choice."""
    smtp_sink.handler.delay = 30  # the server holds the first message: the worker is stuck in its DATA
    messages = [queue_test_email(f"p{i}@sukamaju.go.id", occasion=f"uji-{i}") for i in range(3)]
    assert smtp_sink.handler.data_started.wait(30), email_worker.logs()

    email_worker.kill()

    stuck = list(Message.objects.filter(status=MessageStatus.SENDING).values_list("pk", flat=True))
    assert len(stuck) == 1  # the message inside its SMTP conversation; the others never reached the server
    seen_before = {r.message_id for r in smtp_sink.received}
    assert len(seen_before) == 1
    smtp_sink.handler.delay = 0
    # Long after the crash (here: at once) the sweep queues the interrupted send again...
    report = outbox_sweep(stale_after=dt.timedelta(0))
    assert report.requeued == 1
    # ...and the restarted worker sends it, with the messages that were still waiting in the broker.
    email_worker.start()

    wait_until(
        lambda: all(status_of(m) == MessageStatus.SENT for m in messages), timeout=60, message=email_worker.logs()
    )
    by_id: dict[str, int] = {}
    for received in smtp_sink.received:
        by_id[received.message_id] = by_id.get(received.message_id, 0) + 1
    for message in messages:
        # The interrupted one twice (the server had it before the crash), the others once.
        assert by_id[message.message_id] == 1 + (message.message_id in seen_before), message.occasion
    event = MessageEvent.objects.get(event=MessageEvent.Event.REQUEUED)
    assert event.message_id == stuck[0]


def test_daily_plan_through_the_worker_sends_each_reminder_once(email_worker, smtp_sink):
    operator(email="operator@sukamaju.go.id")
    tmt = first_of_month(timezone.localdate(), 6)
    employee = employee_retiring(tmt, email="siti@sukamaju.go.id")
    if not _stage_due_today(tmt):
        pytest.skip("the 6-month reminder of this TMT is outside the catch-up window today")

    reminders_plan_task.apply_async(queue=email_worker.queue).get(timeout=60)
    reminders_plan_task.apply_async(queue=email_worker.queue).get(timeout=60)

    smtp_sink.wait_for(2)
    wait_until(lambda: not Message.objects.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]).exists())
    kinds = sorted(Message.objects.filter(object_id=employee.pk).values_list("kind", flat=True))
    assert kinds == [APPROACHING, APPROACHING_OPERATOR]
    assert sorted(r.rcpt_tos[0] for r in smtp_sink.received) == ["operator@sukamaju.go.id", "siti@sukamaju.go.id"]


def _stage_due_today(tmt: dt.date) -> bool:
    from django.conf import settings

    from employees.retirement import add_months

    due = add_months(tmt, -6)
    return timezone.localdate() - dt.timedelta(days=settings.PURNA_REMINDER_CATCH_UP_DAYS) < due <= timezone.localdate()
