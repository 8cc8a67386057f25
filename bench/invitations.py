"""Time invitations_send for one event with N participants (default 600), and print the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_inv_bench REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/invitations.py --count 600

Each participant is marked invited (one bulk UPDATE and one bulk history INSERT for all) and gets one
queued email with its own .ics file (the outbox's message_queue: a message row, an attachment row and
file) and one hand-over of the batch to the broker after the commit. The reference in the same run is
the outbox alone: message_queue called as many times with a similar attachment, one hand-over, nothing
else, so the ratio says what the invitation work costs on top of queueing the emails. Only on a database whose name contains
"bench"; the rows it made are deleted afterwards and the tasks it queued are purged.
"""

import argparse
import tempfile
import time
import uuid

from _setup import django_setup, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=600)
    args = parser.parse_args()
    queue = f"bench-invitations-{uuid.uuid4().hex[:8]}"
    import os

    os.environ["PURNA_EMAIL_QUEUE"] = queue
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="purna-bench-media-")
    django_setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from ceremonies.models import Event, EventStatus, Participant
    from ceremonies.services.invitations import invitations_send
    from employees.models import Employee, UnitKerja
    from purna.celery import app as celery_app
    from purna.notifications import builtin
    from purna.notifications.models import Message
    from purna.notifications.services import AttachmentDraft, message_queue, send_after_commit

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("Run on a database whose name contains 'bench'.")
    call_command("migrate", verbosity=0)
    print(machine())
    print(f"broker: {settings.CELERY_BROKER_URL.split('@')[-1]}, queue {queue}")

    tag = uuid.uuid4().hex[:6]
    unit = UnitKerja.objects.create(code=f"B{tag}", name=f"Unit bench {tag}")
    employees = Employee.objects.bulk_create(
        Employee(
            asn_type="pns",
            name=f"Peserta Bench {i}",
            nip=f"9{int(tag, 16) % 10**7:07d}{i:010d}",  # unique per run, not a real NIP
            birth_date="1966-01-01",
            tmt_cpns="1990-03-01",
            gender="1",
            golongan="III/c",
            jabatan="Pelaksana",
            jenis_jabatan="pelaksana",
            unit=unit,
            email=f"peserta{i}.{tag}@bench.invalid" if i % 10 else "",
        )
        for i in range(args.count)
    )
    now = timezone.now()
    event = Event.objects.create(
        title=f"Pelepasan bench {tag}",
        starts_at=now + timezone.timedelta(days=30),
        ends_at=now + timezone.timedelta(days=30, hours=3),
        venue="Pendopo",
        organizer=unit,
        status=EventStatus.PUBLISHED,
    )
    Participant.objects.bulk_create(Participant(event=event, employee=e) for e in employees)
    actor = _superuser(tag)

    start = time.perf_counter()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        report = profiler.runcall(invitations_send, event=event, actor=actor)
        profiler.print_stats("cumulative")
    else:
        report = invitations_send(event=event, actor=actor)
    ours = time.perf_counter() - start

    start = time.perf_counter()
    with transaction.atomic():
        for i in range(len(report.emailed)):
            message_queue(
                kind=builtin.TEST_KIND,
                recipient_key=f"email:ref{i}.{tag}@bench.invalid",
                occasion=f"bench-{tag}",
                to_email=f"ref{i}.{tag}@bench.invalid",
                attachments=[AttachmentDraft("undangan.ics", b"BEGIN:VCALENDAR\r\n" * 40, "text/calendar")],
                send_now=False,
            )
        send_after_commit()
    reference = time.perf_counter() - start

    print(
        f"invitations_send: {args.count} participants ({len(report.emailed)} emailed, "
        f"{len(report.needs_letter)} need a letter) in {ours:.2f} s ({args.count / ours:,.0f}/s)"
    )
    print(f"reference, message_queue alone x{len(report.emailed)}: {reference:.2f} s; ratio {ours / reference:.2f}")

    Message.objects.filter(occasion__contains=f"event-{event.pk}-").delete()
    Message.objects.filter(occasion=f"bench-{tag}").delete()
    Participant.history.filter(event_id=event.pk).delete()
    Participant.objects.filter(event=event).delete()
    event.delete()
    Employee.objects.filter(unit=unit).delete()
    unit.delete()
    actor.delete()
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def _superuser(tag: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create(username=f"bench-{tag}", is_superuser=True, is_staff=True)


if __name__ == "__main__":
    main()
