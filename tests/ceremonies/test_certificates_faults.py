"""Certificates through faults, against the real services: a worker killed with SIGKILL in the middle of
a batch, the broker unreachable while staff start a batch and send invitations, and a full disk.

The killed batch has 500 certificates and runs on a worker as production runs it (docker-compose.yml's
pool, concurrency and child recycling; acks_late and reject_on_worker_lost from the settings): about
40 seconds on two shared cores, a certificate taking some 25 ms in a batch (ceremonies/certificate_pdf.py).
"""

import datetime as dt
import errno
import os
import socket
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.functional import empty

from ceremonies.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    EventStatus,
    Participant,
    ParticipantStatus,
)
from ceremonies.services import certificates as services
from ceremonies.services.certificates import (
    certificate_batches_sweep,
    certificate_file_name,
    certificates_issue,
    certificates_render,
)
from ceremonies.services.invitations import KIND as INVITATION_KIND
from ceremonies.tasks import certificates_render_task
from employees.models import Employee
from purna import roles
from purna.downloads import file_response
from purna.notifications import models as notification_models
from purna.notifications.models import Message, MessageStatus
from purna.notifications.services import outbox_sweep
from tests.ceremonies.test_certificates import held_event
from tests.factories import EmployeeFactory, EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory
from tests.purna.notifications.conftest import BrokerSwitch, SmtpSink, queue_purge, wait_until
from tests.workers import WorkerProcess, deployed_worker_options, worker_env

CERTIFICATES = 500


@pytest.fixture(autouse=True)
def certificate_settings(settings, private_media):
    settings.PURNA_SITE_URL = "https://purna.contoh.go.id"


def pdf_files(root) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def forget_unacknowledged(queue: str) -> None:
    """The killed worker's task stays "unacknowledged" in Redis, to be given out again after the
    visibility timeout (an hour), to a queue nobody will listen to: take it out now."""
    if not settings.REDIS_URL:
        return
    client = redis.Redis.from_url(settings.REDIS_URL)
    for tag, payload in client.hgetall("unacked").items():
        if queue.encode() in payload:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def assert_every_certificate_once(private_media, total: int) -> None:
    certificates = list(Certificate.objects.order_by("seq"))
    assert len(certificates) == total
    assert [c.seq for c in certificates] == list(range(1, total + 1))  # no gap, no duplicate
    assert len({c.number for c in certificates}) == total
    assert len({c.participant_id for c in certificates}) == total
    assert all(c.is_rendered for c in certificates)
    # (The outbox keeps the invitations' attachments beside them, in a folder of its own.)
    stored = {name: content for name, content in pdf_files(private_media).items() if not name.startswith("notif")}
    # One file per certificate, under its own name: nothing else (no ".part" left by the kill).
    assert sorted(stored) == sorted(certificate_file_name(c) for c in certificates)
    assert all(content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF") for content in stored.values())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_then_restarted_leaves_every_certificate_once(
    settings, actor, private_media, tmp_path
):
    queue = f"test-pdf-{uuid.uuid4().hex[:12]}"
    settings.PURNA_PDF_QUEUE = queue
    # A run silent for 3 seconds counts as dead here (5 minutes in production), for the sweep in this
    # process and the task in the worker alike.
    settings.PURNA_JOB_STALE_SECONDS = 3
    env = worker_env(PRIVATE_MEDIA_ROOT=str(private_media), PURNA_PDF_QUEUE=queue, PURNA_JOB_STALE_SECONDS="3")
    options = deployed_worker_options()
    assert "--pool=prefork" in options, options
    concurrency = int(next(option.split("=")[1] for option in options if option.startswith("--concurrency=")))
    worker = WorkerProcess(queue, env, tmp_path, options=options)
    event = held_event(attended=0, absent=0)
    started = time.monotonic()
    # Written at once (one by one took 4 to 25 seconds on two shared cores).
    unit = UnitKerjaFactory()
    employees = Employee.objects.bulk_create(
        EmployeeFactory.build(unit=unit, name=f"Peserta {n:04d}") for n in range(CERTIFICATES)
    )
    Participant.objects.bulk_create(
        Participant(event=event, employee=employee, status=ParticipantStatus.ATTENDED) for employee in employees
    )
    print(f"{CERTIFICATES} attendees made in {time.monotonic() - started:.1f} s")
    worker.start()
    try:
        started = time.monotonic()
        batch = certificates_issue(event=event, actor=actor)  # numbered, then handed to the worker on commit
        wait_until(
            lambda: CertificateBatch.objects.get(pk=batch.pk).done >= CERTIFICATES * 2 // 5,
            timeout=120,
            interval=0.05,
            message=worker.logs(),
        )
        # The task runs in a pool child: the main process and its children die together.
        assert len(worker.processes()) == 1 + concurrency, worker.processes()
        worker.kill()
        print(f"killed after {time.monotonic() - started:.1f} s")

        killed = CertificateBatch.objects.get(pk=batch.pk)
        print(f"killed at {killed.done} of {CERTIFICATES}")
        assert killed.status == BatchStatus.RUNNING
        assert CERTIFICATES // 5 <= killed.done <= CERTIFICATES * 4 // 5  # in the middle: 20% to 80%
        time.sleep(1)  # nothing written after the kill
        assert CertificateBatch.objects.get(pk=batch.pk).done == killed.done
        assert killed.queued_at is not None and killed.claimed_by
        # A run that showed progress lately is not handed over again...
        assert certificate_batches_sweep() == 0
        # ...one silent for PURNA_JOB_STALE_SECONDS is, and the restarted worker takes it over.
        time.sleep(settings.PURNA_JOB_STALE_SECONDS + 0.5)
        assert certificate_batches_sweep() == 1
        worker.start()
        wait_until(
            lambda: CertificateBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE,
            timeout=180,
            interval=0.2,
            message=worker.logs(),
        )
        # A copy handed over once more (a sweep racing the run, a redelivery) changes nothing.
        print(f"done after {time.monotonic() - started:.1f} s")
        again = certificates_render_task.apply_async(args=[batch.pk], queue=queue)
        assert again.get(timeout=60) == BatchStatus.DONE
        # The worker's lines name the task they belong to (purna/logs.py).
        assert f"task={again.id} Task ceremonies.tasks.certificates_render_task[{again.id}] succeeded" in worker.logs()
    finally:
        worker.stop()
        print(worker.logs())
        queue_purge(queue)
        forget_unacknowledged(queue)

    done = CertificateBatch.objects.get(pk=batch.pk)
    assert (done.status, done.done, done.total) == (BatchStatus.DONE, CERTIFICATES, CERTIFICATES)
    assert CertificateBatch.objects.count() == 1
    assert_every_certificate_once(private_media, CERTIFICATES)
    # The second worker did not print again what the first had finished.
    assert f"Certificate batch {batch.pk} stopped" not in worker.logs()


def dt_zero() -> dt.timedelta:
    return dt.timedelta(0)


# --- The broker unreachable ---------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("down", ["refused", "silent"])
def test_broker_down_staff_get_queued_at_once_and_the_sweep_finishes_everything_once(
    down, settings, private_media, tmp_path, monkeypatch
):
    """Redis refusing connections, or accepting them and never answering (a hung server, a firewall
    that drops): each request answers within two seconds with "queued", the work waits in the database,
    and once the broker is back the sweeps hand it over and every certificate and email is done once."""
    # The invitations' attachments go to this test's private folder, where the worker will read them
    # (the outbox's storage reads PRIVATE_MEDIA_ROOT once, when first used).
    monkeypatch.setattr(notification_models._private_storage, "_wrapped", empty)
    unit = UnitKerjaFactory()
    operator = UserFactory(username="operator-bkd", roles=[roles.OPERATOR], units=[unit])
    held = held_event(attended=0, absent=0, organizer=unit)
    for n in range(3):
        ParticipantFactory(event=held, status=ParticipantStatus.ATTENDED, employee__unit=unit, employee__name=f"P {n}")
    published = EventFactory(organizer=unit, status=EventStatus.PUBLISHED)
    invited = ParticipantFactory.create_batch(3, event=published, employee__unit=unit)
    client = Client()
    client.force_login(operator)
    client.cookies["django_language"] = "en"
    broker = BrokerSwitch()
    with BlackHole() as hole:
        if down == "silent":
            broker.closed_url = f"redis://127.0.0.1:{hole.port}/0"
        broker.break_()
        try:
            started = time.monotonic()
            issued = client.post(reverse("ceremonies:certificates_issue", args=[held.pk]))
            issue_seconds = time.monotonic() - started
            issued_page = client.get(issued["Location"])
            started = time.monotonic()
            sent = client.post(reverse("ceremonies:invitations_send", args=[published.pk]))
            send_seconds = time.monotonic() - started
            sent_page = client.get(sent["Location"])
            assert certificate_batches_sweep(stale_after=dt_zero()) == 0  # still down: stays waiting
            assert outbox_sweep().dispatched is False
        finally:
            broker.restore()

    assert issue_seconds < 2 and send_seconds < 2, (issue_seconds, send_seconds)
    assert issued.status_code == sent.status_code == 302
    assert "printing is queued" in " ".join(str(m) for m in issued_page.context["messages"])
    assert "3 invitations queued for email;" in " ".join(str(m) for m in sent_page.context["messages"])
    batch = CertificateBatch.objects.get()
    assert (batch.status, batch.queued_at, batch.total) == (BatchStatus.PENDING, None, 3)
    assert Message.objects.filter(kind=INVITATION_KIND, status=MessageStatus.QUEUED).count() == 3

    # The broker is back: a worker listens, and the next sweeps (Celery beat, every minute) hand it all over.
    sink = SmtpSink()
    sink.start()
    pdf_queue, email_queue = settings.PURNA_PDF_QUEUE, settings.PURNA_EMAIL_QUEUE = (
        f"test-pdf-{uuid.uuid4().hex[:12]}",
        f"test-email-{uuid.uuid4().hex[:12]}",
    )
    env = worker_env(
        PRIVATE_MEDIA_ROOT=str(private_media),
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        PURNA_PDF_QUEUE=pdf_queue,
        PURNA_EMAIL_QUEUE=email_queue,
        EMAIL_URL=sink.url,
        PURNA_SITE_URL=settings.PURNA_SITE_URL,
    )
    worker = WorkerProcess(f"{pdf_queue},{email_queue}", env, tmp_path)
    worker.start()
    try:
        assert certificate_batches_sweep() == 1
        assert outbox_sweep().dispatched
        assert certificate_batches_sweep() == 0  # handed over: not twice
        wait_until(lambda: CertificateBatch.objects.get().status == BatchStatus.DONE, timeout=90, message=worker.logs())
        wait_until(
            lambda: Message.objects.filter(kind=INVITATION_KIND, status=MessageStatus.SENT).count() == 3,
            timeout=60,
            message=worker.logs(),
        )
        outbox_sweep()  # nothing left to send: nothing is sent twice
        time.sleep(1)
    finally:
        worker.stop()
        sink.stop()
        print(worker.logs())
        queue_purge(pdf_queue)
        queue_purge(email_queue)

    assert_every_certificate_once(private_media, 3)
    invitations = [
        r for r in sink.received if r.message["Subject"] and r.rcpt_tos[0] in {p.employee.email for p in invited}
    ]
    assert sorted(r.rcpt_tos[0] for r in invitations) == sorted(p.employee.email for p in invited)


class BlackHole:
    """A port that accepts TCP connections (the kernel completes the handshake) and never answers."""

    def __enter__(self) -> "BlackHole":
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]
        return self

    def __exit__(self, *exc) -> None:
        self.socket.close()


# --- A full disk --------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("full", ["device", "part-way"])
def test_a_full_disk_fails_the_batch_with_a_clear_message_and_leaves_no_file(full, actor, private_media, monkeypatch):
    """The second certificate meets a full disk: "device", the kernel's own ENOSPC (its temporary file is
    /dev/full, which refuses every write as a full disk does); "part-way", a third of it written first."""
    batch = certificates_issue(event=held_event(attended=3), actor=actor)
    second_certificate = Certificate.objects.order_by("seq")[1]
    storage = Certificate._meta.get_field("file").storage
    temporary = Path(storage.path(certificate_file_name(second_certificate)) + ".part")
    writes = []

    def disk_full_on_the_second_file(file, content):
        writes.append(file.name)
        if len(writes) == 2:
            file.write(content[: len(content) // 3])  # part of it reached the disk, then no space was left
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        file.write(content)

    if full == "device":
        temporary.parent.mkdir(parents=True, exist_ok=True)
        temporary.symlink_to("/dev/full")
    else:
        monkeypatch.setattr(services, "_write", disk_full_on_the_second_file)
    monkeypatch.setattr(services, "RENDER_CHUNK", 1)

    # In the worker's language (Indonesian, LANGUAGE_CODE), whatever an earlier test left active here.
    with translation.override("id"), pytest.raises(OSError, match="No space left"):
        certificates_render(batch_id=batch.pk)

    failed = CertificateBatch.objects.get(pk=batch.pk)
    assert failed.status == BatchStatus.FAILED and failed.done == 1
    assert failed.error == (
        "Disk penuh: berkas sertifikat tidak dapat disimpan. Kosongkan ruang di server, lalu cetak ulang batch ini."
    )
    first, second, third = Certificate.objects.order_by("seq")
    assert first.is_rendered and not second.is_rendered and not third.is_rendered
    # Only the finished file is on disk: no empty or partial one, no ".part".
    assert not os.path.lexists(temporary)
    stored = pdf_files(private_media)
    assert list(stored) == [certificate_file_name(first)]
    assert all(len(content) > 1000 for content in stored.values())
    # The unprinted certificate is not served (404 "still being printed"), never as an empty file.
    with pytest.raises(Http404):
        file_response(services.certificate_file, second)

    # Space freed, printed again: the batch carries on with the two left.
    monkeypatch.undo()
    services.certificate_batch_retry(batch=failed, actor=actor)
    done = certificates_render(batch_id=batch.pk)
    assert done.status == BatchStatus.DONE and done.error == ""
    assert_every_certificate_once(private_media, 3)
