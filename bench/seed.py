"""Make N fictitious employees quickly, with their retirement facts computed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench .venv/bin/python bench/seed.py --count 100000

Creates the database tables if needed (migrate), then bulk-inserts in batches of 5,000.
"""

import argparse
import time

from _setup import django_setup, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    django_setup()

    from django.core.management import call_command
    from django.utils import timezone

    from employees.models import Employee
    from employees.services.register import retirement_facts_refresh
    from portal import demo

    call_command("migrate", verbosity=0)
    print(machine())
    units = demo.units_ensure()
    before = Employee.objects.count()
    start = time.perf_counter()
    batch = []
    for employee in demo.employees_build(args.count, today=timezone.localdate(), units=units, seed=args.seed):
        batch.append(employee)
        if len(batch) == 5000:
            Employee.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Employee.objects.bulk_create(batch, ignore_conflicts=True)
    inserted = time.perf_counter() - start
    created = Employee.objects.count() - before
    start = time.perf_counter()
    changed = retirement_facts_refresh()
    refreshed = time.perf_counter() - start
    print(f"inserted {created:,} employees in {inserted:.1f} s ({created / inserted:,.0f} rows/s)")
    print(
        f"retirement facts for {changed:,} employees in {refreshed:.1f} s ({changed / max(refreshed, 1e-9):,.0f} rows/s)"
    )
    print(f"register now holds {Employee.objects.count():,} employees")


if __name__ == "__main__":
    main()
