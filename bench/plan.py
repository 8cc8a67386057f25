"""Plan the reminders of a large register twice on the same day: how long each run takes, and proof that
the second creates nothing (DESIGN.md section 7: 100,000 employees in under a minute).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_g_bench .venv/bin/python bench/seed.py --count 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_g_bench .venv/bin/python bench/plan.py

Only on a database whose name contains "bench": the outbox's planned reminders are deleted first, so the
first run starts from an empty outbox. Two scenarios: the daily plan with the default catch-up window
(30 days), and the worst case of a first plan on a freshly imported register with a 400-day window
(every employee retiring within a year gets a reminder, and every operator a copy). Nothing is sent:
the hand-over to the sender is switched off, planning alone is measured.
"""

import argparse
import time

from _setup import django_setup, machine

OPERATORS = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operators", type=int, default=OPERATORS, help="operators receiving copies")
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.contrib.auth.models import Group
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
    print(machine())
    employees = Employee.objects.count()
    if employees < 1000:
        raise SystemExit(f"only {employees} employees: seed first (bench/seed.py --count 100000)")
    operator_group = Group.objects.get(name=roles.OPERATOR)
    pimpinan_group = Group.objects.get(name=roles.PIMPINAN)
    for index in range(1, args.operators + 1):
        user, _ = User.objects.get_or_create(
            username=f"bench-operator-{index}", defaults={"email": f"operator{index}@bench.go.id"}
        )
        user.groups.add(operator_group)
    pimpinan, _ = User.objects.get_or_create(username="bench-pimpinan", defaults={"email": "kepala@bench.go.id"})
    pimpinan.groups.add(pimpinan_group)
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
            if run == 2:
                verdict = "nothing created twice" if after == before else "DUPLICATES CREATED"
                print(f"  second run: {verdict}")
    Message.objects.all().delete()


if __name__ == "__main__":
    main()
