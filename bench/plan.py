"""Plan the reminders of a large register twice on the same day: how long each run takes, and proof that
the second creates nothing (DESIGN.md section 7: 100,000 employees in under a minute).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_g_bench .venv/bin/python bench/seed.py --count 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_g_bench .venv/bin/python bench/plan.py

Only on a database whose name contains "bench": the outbox's planned reminders are deleted first, so the
first run starts from an empty outbox. Two scenarios: the daily plan with the default catch-up window
(30 days), and the worst case of a first plan on a freshly imported register with a 400-day window
(every employee retiring within a year gets a reminder, and every operator a copy). Nothing is sent:
the hand-over to the sender is switched off, planning alone is measured. `--count` fills the register
first if it holds fewer employees (bench/seed.py). The reference in the same run: as many plain
Message rows as the first run created, written with one `bulk_create` (what storing the outbox costs
without deciding who is due), so the ratio says what the planning itself adds.
"""

import argparse
import time

from _setup import django_setup, employees_ensure, machine, ratio, staff_user

OPERATORS = 3


def reference_seconds(count: int) -> float:
    """Seconds to write `count` plain outbox rows with one bulk_create (then deleted); 0 if none."""
    from django.db import transaction
    from django.utils import timezone

    from purna.notifications.models import Message

    if not count:
        return 0.0
    now = timezone.now()
    start = time.perf_counter()
    with transaction.atomic():
        Message.objects.bulk_create(
            (
                Message(
                    kind="bench.reference",
                    recipient_key=f"bench:{index}",
                    occasion="bench-reference",
                    to_email=f"ref{index}@bench.go.id",
                    planned_at=now,
                    next_attempt_at=now,
                )
                for index in range(count)
            ),
            batch_size=5000,
        )
    seconds = time.perf_counter() - start
    Message.objects.filter(kind="bench.reference").delete()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operators", type=int, default=OPERATORS, help="operators receiving copies")
    parser.add_argument("--count", type=int, default=100_000, help="employees in the register (seeded if fewer)")
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from employees.models import Employee
    from purna import roles
    from purna.models import User
    from purna.notifications import services
    from purna.notifications.models import Message

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("bench/plan.py deletes planned reminders: run it on a database named *bench*.")
    call_command("migrate", verbosity=0)
    employees_ensure(args.count)
    print(machine())
    employees = Employee.objects.count()
    for index in range(1, args.operators + 1):
        user = staff_user(f"bench-operator-{index}", roles.OPERATOR)
        User.objects.filter(pk=user.pk).update(email=f"operator{index}@bench.go.id")
    pimpinan = staff_user("bench-pimpinan", roles.PIMPINAN)
    User.objects.filter(pk=pimpinan.pk).update(email="kepala@bench.go.id")
    # Planning only: the batch sender is not handed anything.
    services.send_after_commit = lambda message_ids=None: None
    print(f"register: {employees:,} employees, {args.operators} operators, 1 pimpinan")

    for label, catch_up in [
        ("daily plan (catch-up 30 days)", 30),
        ("first plan of a new register (catch-up 400 days)", 400),
    ]:
        settings.PURNA_REMINDER_CATCH_UP_DAYS = catch_up
        Message.objects.all().delete()
        print(f"\n{label}")
        for run in (1, 2):
            before = Message.objects.count()
            start = time.perf_counter()
            report = services.reminders_plan()
            elapsed = time.perf_counter() - start
            after = Message.objects.count()
            kinds = ", ".join(f"{kind.split('.')[-1]} {n:,}" for kind, n in sorted(report.created.items()))
            print(
                f"  run {run}: {elapsed:.2f} s, created {after - before:,} messages ({kinds}); "
                f"outbox {after:,}{'; errors: ' + str(report.errors) if report.errors else ''}"
            )
            if run == 1:
                first_seconds, first_created = elapsed, after - before
            if run == 2:
                verdict = "nothing created twice" if after == before else "DUPLICATES CREATED"
                print(f"  second run: {verdict}")
                if after != before:
                    raise SystemExit("the second plan created messages")
        reference = reference_seconds(first_created)
        print(
            f"  reference, {first_created:,} plain Message rows in one bulk_create: {reference:.2f} s; "
            f"first plan / reference: {ratio(first_seconds, reference)}"
        )
    Message.objects.all().delete()


if __name__ == "__main__":
    main()
