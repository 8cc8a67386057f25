"""Sending over real SMTP (an aiosmtpd server on a free port), in this process: multipart Indonesian
emails, one connection per run, SMTP down and back, refusals, bad addresses, people who left."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext

from employees.choices import EmployeeStatus
from employees.notifications import APPROACHING, EMPLOYEE
from purna.formatting import tanggal
from purna.models import Instansi
from purna.notifications import builtin, registry
from purna.notifications.delivery import _claim, classify, messages_send
from purna.notifications.models import Message, MessageEvent, MessageStatus
from purna.notifications.services import AttachmentDraft, message_queue
from tests.purna.notifications.builders import document_types_ensure, employee_retiring, first_of_month

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def agency(db):
    document_types_ensure()
    return Instansi.objects.update_or_create(
        pk=1,
        defaults={
            "name": "BKPSDM Kabupaten Sukamaju",
            "short_name": "BKPSDM Sukamaju",
            "email": "bkpsdm@sukamaju.go.id",
            "address": "Jl. Merdeka No. 1",
        },
    )[0]


def approaching(employee, months: int = 6) -> Message:
    """A queued "retirement approaching" reminder for `employee`, as the daily plan makes it."""
    message, _created = message_queue(
        kind=APPROACHING,
        recipient_key=registry.recipient_key(EMPLOYEE, employee.pk),
        occasion=f"tmt-{employee.tmt_pensiun}-m{months}",
        to_email=employee.email,
        to_name=employee.display_name,
        about=employee,
        context={"tmt": employee.tmt_pensiun.isoformat(), "months": months},
    )
    return message


def test_email_is_multipart_indonesian_with_agency_footer_and_stable_message_id(smtp_settings):
    tmt = first_of_month(timezone.localdate(), 6)
    employee = employee_retiring(tmt, name="Siti Aminah", email="siti.aminah@sukamaju.go.id")
    message = approaching(employee)

    report = messages_send()

    assert (report.sent, report.failed, report.connections) == (1, 0, 1)
    [received] = smtp_settings.wait_for(1)
    email = received.message
    assert received.rcpt_tos == ["siti.aminah@sukamaju.go.id"]
    assert email.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in email.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    text, html = parts["text/plain"], parts["text/html"]
    with translation.override("id"):
        subject = gettext("Retirement reminder: your TMT pensiun is %(tmt)s") % {"tmt": tanggal(tmt)}
        footer = gettext(
            "You receive this email because you are registered as a civil servant (ASN) at %(agency)s "
            "with a TMT pensiun of %(tmt)s."
        ) % {"agency": "BKPSDM Kabupaten Sukamaju", "tmt": tanggal(tmt)}
    assert email["Subject"] == subject
    # Dates are written in Indonesian whatever the catalog holds ("1 Juni 2027").
    assert tanggal(tmt) in text and tanggal(tmt) in html
    assert footer in text
    assert "BKPSDM Kabupaten Sukamaju" in email["From"] and "BKPSDM Kabupaten Sukamaju" in html
    assert email["Reply-To"] == "bkpsdm@sukamaju.go.id"
    assert email["Content-Language"] == "id"
    assert '<html lang="id">' in html
    assert "SK CPNS" in text  # the documents still missing
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.sent_at is not None
    assert message.message_id == email["Message-ID"]
    assert message.subject == subject
    assert message.body_text == text.replace("\r\n", "\n")
    assert message.to_email == "siti.aminah@sukamaju.go.id"


def test_a_bulk_run_uses_one_smtp_connection(smtp_settings, settings):
    settings.PURNA_EMAIL_BATCH_SIZE = 7  # several batches, still one connection
    tmt = first_of_month(timezone.localdate(), 3)
    for index in range(20):
        approaching(employee_retiring(tmt, email=f"pegawai{index}@sukamaju.go.id"), months=3)

    report = messages_send()

    assert report.sent == 20
    assert report.connections == 1
    smtp_settings.wait_for(20)
    assert smtp_settings.handler.sessions == 1
    assert len({r.message_id for r in smtp_settings.received}) == 20
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 20


@pytest.mark.parametrize(
    ("address", "error_start"),
    [("", "No email address"), ("bukan-alamat-email", "Invalid email address bukan-alamat-email")],
)
def test_missing_or_invalid_address_fails_at_once_and_is_not_retried(smtp_settings, address, error_start):
    employee = employee_retiring(first_of_month(timezone.localdate(), 6), email=address)
    message = approaching(employee)

    with translation.override("en"):
        first = messages_send()
    again = messages_send()

    assert (first.failed, first.sent) == (1, 0)
    assert (again.failed, again.sent) == (0, 0)  # a failed message is not picked up again
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.last_error.startswith(error_start)
    assert message.events.filter(event=MessageEvent.Event.FAILED).count() == 1
    assert smtp_settings.received == []


def test_permanent_refusal_fails_and_temporary_refusal_retries_then_gives_up(smtp_settings, settings):
    settings.PURNA_EMAIL_MAX_ATTEMPTS = 3
    tmt = first_of_month(timezone.localdate(), 6)
    gone = approaching(employee_retiring(tmt, email="pindah@sukamaju.go.id"))
    busy = approaching(employee_retiring(tmt, email="penuh@sukamaju.go.id"))
    fine = approaching(employee_retiring(tmt, email="aktif@sukamaju.go.id"))
    smtp_settings.handler.refuse = {
        "pindah@sukamaju.go.id": "550 5.1.1 Mailbox does not exist",
        "penuh@sukamaju.go.id": "452 4.2.2 Mailbox full",
    }

    report = messages_send()

    assert (report.sent, report.failed, report.deferred) == (1, 1, 1)
    for message in (gone, busy, fine):
        message.refresh_from_db()
    assert fine.status == MessageStatus.SENT
    assert gone.status == MessageStatus.FAILED and "550" in gone.last_error
    assert busy.status == MessageStatus.QUEUED and "452" in busy.last_error
    assert busy.next_attempt_at > timezone.now()

    for _round in range(2):  # the server keeps refusing: after PURNA_EMAIL_MAX_ATTEMPTS it fails
        Message.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now())
        messages_send()
    busy.refresh_from_db()
    assert busy.status == MessageStatus.FAILED
    assert busy.soft_failures == 2
    assert [r.rcpt_tos for r in smtp_settings.received] == [["aktif@sukamaju.go.id"]]


def test_smtp_down_keeps_messages_queued_and_delivers_each_once_when_back(smtp_settings, fast_retries):
    tmt = first_of_month(timezone.localdate(), 6)
    messages = [approaching(employee_retiring(tmt, email=f"p{i}@sukamaju.go.id")) for i in range(5)]
    smtp_settings.stop()

    down = messages_send()
    down_again = messages_send()  # nothing is due until the backoff has passed

    assert down.sent == 0 and down.retry_in is not None
    assert down_again.sent == 0
    for message in messages:
        message.refresh_from_db()
        assert message.status == MessageStatus.QUEUED
        assert "ConnectionRefusedError" in message.last_error
        assert message.next_attempt_at > timezone.now() - dt.timedelta(seconds=1)

    smtp_settings.start()
    Message.objects.update(next_attempt_at=timezone.now())
    back = messages_send()
    after = messages_send()

    assert back.sent == 5 and after.sent == 0
    smtp_settings.wait_for(5)
    assert sorted(r.rcpt_tos[0] for r in smtp_settings.received) == [f"p{i}@sukamaju.go.id" for i in range(5)]
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 5


@pytest.mark.parametrize(
    "status", [EmployeeStatus.MENINGGAL, EmployeeStatus.BERHENTI, EmployeeStatus.PINDAH, EmployeeStatus.PENSIUN]
)
def test_people_who_died_or_left_get_nothing(smtp_settings, status):
    employee = employee_retiring(first_of_month(timezone.localdate(), 6))
    message = approaching(employee)
    employee.status = status
    employee.save()

    report = messages_send()

    assert (report.sent, report.cancelled) == (0, 1)
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    assert message.cancel_reason
    assert smtp_settings.received == []


def test_the_address_is_read_when_sending(smtp_settings):
    employee = employee_retiring(first_of_month(timezone.localdate(), 6), email="lama@sukamaju.go.id")
    message = approaching(employee)
    employee.email = "baru@sukamaju.go.id"
    employee.save()

    messages_send()

    assert smtp_settings.wait_for(1)[0].rcpt_tos == ["baru@sukamaju.go.id"]
    message.refresh_from_db()
    assert message.to_email == "baru@sukamaju.go.id"


def test_a_claimed_message_is_not_claimed_again():
    employee = employee_retiring(first_of_month(timezone.localdate(), 6))
    message = approaching(employee)

    first, _token = _claim(message_ids=None, limit=10, now=timezone.now())
    second, _token = _claim(message_ids=None, limit=10, now=timezone.now())

    assert [m.pk for m in first] == [message.pk]
    assert second == []
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENDING, 1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (FOR UPDATE SKIP LOCKED) need PostgreSQL")
def test_two_senders_at_once_send_each_message_once(smtp_settings, settings):
    settings.PURNA_EMAIL_BATCH_SIZE = 5
    document_types_ensure()
    tmt = first_of_month(timezone.localdate(), 6)
    for index in range(40):
        approaching(employee_retiring(tmt, email=f"p{index}@sukamaju.go.id"))
    reports = []

    def sender():
        try:
            reports.append(messages_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(report.sent for report in reports) == 40
    smtp_settings.wait_for(40)
    assert sorted(r.rcpt_tos[0] for r in smtp_settings.received) == sorted(f"p{i}@sukamaju.go.id" for i in range(40))


def test_attachments_travel_with_the_email(smtp_settings):
    message, _created = message_queue(
        kind=builtin.TEST_KIND,
        recipient_key=registry.recipient_key(builtin.EMAIL, "admin@sukamaju.go.id"),
        occasion="uji-1",
        to_email="admin@sukamaju.go.id",
        attachments=[AttachmentDraft("kuitansi.pdf", b"%PDF-1.4 kuitansi", "application/pdf")],
    )

    messages_send()

    [received] = smtp_settings.wait_for(1)
    attachments = list(received.message.iter_attachments())
    assert [(a.get_filename(), a.get_content()) for a in attachments] == [("kuitansi.pdf", b"%PDF-1.4 kuitansi")]
    assert message.attachments.get().size == len(b"%PDF-1.4 kuitansi")


def test_a_template_error_fails_the_message_and_says_why(smtp_settings, monkeypatch):
    message = approaching(employee_retiring(first_of_month(timezone.localdate(), 6)))
    kind = registry.kind_get(APPROACHING)
    monkeypatch.setitem(registry._kinds, APPROACHING, registry.Kind(**{**vars(kind), "template_prefix": "tidak/ada"}))

    report = messages_send()

    assert report.failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "TemplateDoesNotExist" in message.last_error


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (ConnectionRefusedError(111, "refused"), "connection"),
        (TimeoutError("timed out"), "connection"),
    ],
)
def test_errors_are_sorted_by_what_they_concern(error, outcome):
    assert classify(error) == outcome


def test_smtp_reply_codes_are_sorted_by_what_they_concern():
    import smtplib

    assert classify(smtplib.SMTPRecipientsRefused({"a@b": (550, b"no such user")})) == "permanent"
    assert classify(smtplib.SMTPRecipientsRefused({"a@b": (451, b"greylisted")})) == "temporary"
    assert classify(smtplib.SMTPRecipientsRefused({"a@b": (421, b"closing")})) == "connection"
    assert classify(smtplib.SMTPDataError(554, b"rejected")) == "permanent"
    assert classify(smtplib.SMTPDataError(452, b"try later")) == "temporary"
    assert classify(smtplib.SMTPSenderRefused(550, b"sender refused", "purna@x")) == "connection"
    assert classify(smtplib.SMTPServerDisconnected("gone")) == "connection"
    assert classify(ValueError("bug")) == "permanent"


def test_a_slow_run_releases_what_it_has_not_sent_before_the_sweep_would_take_it(smtp_settings, settings):
    settings.PURNA_EMAIL_SENDING_TIMEOUT_SECONDS = 0  # every send takes "too long"
    tmt = first_of_month(timezone.localdate(), 6)
    for index in range(3):
        approaching(employee_retiring(tmt, email=f"p{index}@sukamaju.go.id"))

    report = messages_send()

    # Each batch sends one message, then hands the rest back unsent, to be claimed afresh.
    assert (report.sent, report.connections) == (3, 1)
    assert len(smtp_settings.wait_for(3)) == 3
    assert sorted(r.rcpt_tos[0] for r in smtp_settings.received) == [f"p{i}@sukamaju.go.id" for i in range(3)]
    assert Message.objects.filter(status=MessageStatus.SENT).count() == 3
