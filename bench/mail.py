"""Send 10,000 queued emails with one Celery worker process to a local SMTP server (aiosmtpd) and print
the rate (DESIGN.md section 7: at least 100 messages per second; the SMTP server is the limit).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_g_bench REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/mail.py

The messages are real "retirement approaching" reminders of employees in the register (bench/seed.py
makes them): each batch is checked (still due?), its addresses and context are read from the register,
rendered in Indonesian (text and HTML), sent over one SMTP connection and recorded one by one. The
reference in the same run is Django alone sending 10,000 pre-built multipart emails over one
connection to the same server: the ratio says what the outbox costs on top of SMTP itself.
Only on a database whose name contains "bench" (the bench's messages are deleted afterwards).
"""

import argparse
import logging
import os
import subprocess
import sys
import threading
import time
import uuid

from _setup import ROOT, django_setup, machine, ratio


class CountingHandler:
    def __init__(self) -> None:
        self.messages = 0
        self.sessions = 0
        self.message_ids: set[bytes] = set()
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or b""
        start = content.find(b"Message-ID:")
        with self.lock:
            self.messages += 1
            if start >= 0:
                self.message_ids.add(content[start : content.find(b"\n", start)])
        return "250 OK"


def sink_start():
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, handler, port


def reference(count: int, port: int) -> float:
    """Django alone: pre-built multipart emails over one SMTP connection. Returns messages per second."""
    from django.core.mail import EmailMultiAlternatives
    from django.core.mail.backends.smtp import EmailBackend

    emails = []
    for index in range(count):
        email = EmailMultiAlternatives(
            f"Pengingat {index}", "Teks " * 200, "purna@bench.go.id", [f"ref{index}@bench.go.id"]
        )
        email.attach_alternative("<p>" + "HTML " * 400 + "</p>", "text/html")
        emails.append(email)
    backend = EmailBackend(host="127.0.0.1", port=port, use_tls=False, timeout=30)
    start = time.perf_counter()
    backend.open()
    for email in emails:
        backend.send_messages([email])
    backend.close()
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    django_setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from employees.models import Employee
    from employees.notifications import APPROACHING, EMPLOYEE, MODEL
    from purna.celery import app
    from purna.notifications import registry
    from purna.notifications.models import Message, MessageStatus
    from purna.notifications.services import messages_queue

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("bench/mail.py deletes its messages: run it on a database named *bench*.")
    call_command("migrate", verbosity=0)
    print(machine())
    today = timezone.localdate()
    employees = list(
        Employee.objects.filter(status="aktif", tmt_pensiun__gt=today, retirement_case__isnull=True)
        .exclude(email="")
        .values("pk", "name", "email", "tmt_pensiun")
        .order_by("pk")[: args.count]
    )
    if len(employees) < args.count:
        raise SystemExit(f"only {len(employees)} employees to write to: seed first (bench/seed.py --count 100000)")

    # Whatever an interrupted run left queued would be sent (and counted) with this run's messages.
    leftovers, _ = Message.objects.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]).delete()
    if leftovers:
        print(f"deleted {leftovers:,} messages left queued in the bench database")
    # aiosmtpd logs every SMTP command at INFO: that would slow the server down, and flood the output.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller, handler, port = sink_start()
    try:
        ref_rate = reference(args.count, port)
        print(f"reference: Django alone, {args.count:,} pre-built emails, one connection: {ref_rate:,.0f} messages/s")
        handler.messages, handler.sessions = 0, 0
        handler.message_ids.clear()

        run = uuid.uuid4().hex[:8]
        occasion_prefix = f"bench-{run}-"
        drafts = (
            registry.Draft(
                kind=APPROACHING,
                recipient_key=registry.recipient_key(EMPLOYEE, e["pk"]),
                occasion=f"{occasion_prefix}{e['pk']}",
                to_email=e["email"],
                to_name=e["name"],
                about_model=MODEL,
                about_id=e["pk"],
                about_label=e["name"],
                context={"tmt": e["tmt_pensiun"].isoformat(), "months": 6},
            )
            for e in employees
        )
        start = time.perf_counter()
        queued = messages_queue(drafts)
        print(f"queued {queued:,} reminders in {time.perf_counter() - start:.1f} s")

        queue = f"bench-email-{run}"
        # The worker inherits this process's DATABASE_URL (and REDIS_URL): the same database and broker.
        env = {
            **os.environ,
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "PURNA_EMAIL_QUEUE": queue,
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-0123456789abcdefghijklmnopqrstuvwxyz"),
        }
        log_path = ROOT / "var" / f"bench-email-worker-{run}.log"
        with log_path.open("w") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "purna", "worker", "--pool=solo", "-Q", queue,
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO",
                 "--hostname", f"{queue}@%h"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while "ready." not in log_path.read_text():
                if time.monotonic() > deadline or worker.poll() is not None:
                    raise SystemExit(f"the worker did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
            bench = Message.objects.filter(occasion__startswith=occasion_prefix)
            start = time.perf_counter()
            app.send_task("purna.notifications.tasks.messages_send_due_task", queue=queue)
            while bench.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]).exists():
                if worker.poll() is not None:
                    raise SystemExit(f"the worker stopped:\n{log_path.read_text()}")
                time.sleep(0.25)
            elapsed = time.perf_counter() - start
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        sent = bench.filter(status=MessageStatus.SENT).count()
        other = dict(bench.exclude(status=MessageStatus.SENT).values_list("status").annotate(n=Count("pk")))
        rate = sent / elapsed
        print(
            f"purna: one worker process, {sent:,} reminders sent in {elapsed:.1f} s: {rate:,.0f} messages/s "
            f"(budget >= 100/s){'; not sent: ' + str(other) if other else ''}"
        )
        print(
            f"the SMTP server received {handler.messages:,} messages ({len(handler.message_ids):,} distinct "
            f"Message-IDs) over {handler.sessions} connection(s)"
        )
        print(f"ratio purna / Django alone (messages/s): {ratio(rate, ref_rate)}")
        bench.delete()
        log_path.unlink(missing_ok=True)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
