"""Recompute everyone's retirement facts after a BUP rule change; compare with a bare bulk_update of the
same fields, and with saving row by row.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench .venv/bin/python bench/refresh.py

Needs a register filled by bench/seed.py. In one run:
1. the references: Django's `bulk_update` of the fields the refresh writes (the stored facts and the
   work list's TMT, each changed) for --bulk-sample employees, nothing computed, rolled back after
   (issue goal: the refresh within 1.5x of its time for the register); row-by-row `save()` of --sample
   employees (what DESIGN.md section 7 compares with);
2. every rule's BUP raised by one year, then retirement_facts_refresh(): every employee's BUP, BUP date,
   TMT pensiun and masa kerja change (the worst case of a rule change);
3. the rules put back, and the refresh again (every row changes back);
4. the refresh once more: nothing changes, only read and compared.
Budget: 100,000 employees in < 10 s. The rules are restored even if the run is interrupted.
"""

import argparse
import time

from _setup import django_setup, machine, ratio

BUDGET_SECONDS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=2000, help="rows saved one by one for the reference")
    parser.add_argument(
        "--bulk-sample", type=int, default=20_000, help="rows written by the bulk_update reference (0: all)"
    )
    args = parser.parse_args()
    django_setup()

    import datetime as dt

    from django.db import transaction
    from django.db.models import F

    from employees.models import Employee, RetirementRule
    from employees.services.facts import StoredFacts
    from employees.services.register import retirement_facts_refresh

    print(machine())
    total = Employee.objects.count()
    print(f"register holds {total:,} employees")

    # Reference: bulk_update of the refresh's fields, every value changed (a year later, one more year of
    # BUP), as plain Django would write facts computed elsewhere; in a transaction rolled back after.
    fields = list(StoredFacts._fields)
    bulk = list(Employee.objects.order_by("pk").only("pk", *fields)[: args.bulk_sample or None])
    year = dt.timedelta(days=365)
    for employee in bulk:
        employee.bup = (employee.bup or 57) + 1
        employee.bup_date = employee.bup_date and employee.bup_date + year
        employee.tmt_pensiun = employee.tmt_pensiun and employee.tmt_pensiun + year
        employee.tmt_effective = employee.tmt_effective and employee.tmt_effective + year
        employee.service_years = (employee.service_years or 0) + 1
        employee.service_months = ((employee.service_months or 0) + 1) % 12
    start = time.perf_counter()
    with transaction.atomic():
        Employee.objects.bulk_update(bulk, fields, batch_size=1000)
        bulk_seconds = (time.perf_counter() - start) * total / len(bulk)
        transaction.set_rollback(True)
    print(
        f"reference, bare bulk_update of {', '.join(fields)}: {total / bulk_seconds:,.0f} "
        f"rows/s ({bulk_seconds:.1f} s for the register, from {len(bulk):,} rows)"
    )

    sample = list(Employee.objects.order_by("?")[: args.sample])
    start = time.perf_counter()
    with transaction.atomic():
        for employee in sample:
            employee.save()
    reference = len(sample) / (time.perf_counter() - start)
    print(f"reference, row-by-row save(): {reference:,.0f} rows/s ({total / reference:.1f} s for the register)")

    def timed(label: str) -> float:
        start = time.perf_counter()
        changed = retirement_facts_refresh()
        seconds = time.perf_counter() - start
        verdict = "" if changed < total or seconds < BUDGET_SECONDS else f"  ✗ budget {BUDGET_SECONDS} s"
        print(f"{label}: {changed:,} changed in {seconds:.1f} s ({total / seconds:,.0f} rows/s){verdict}")
        return seconds

    RetirementRule.objects.update(bup=F("bup") + 1)
    try:
        seconds = timed("every BUP raised by one year")
    finally:
        RetirementRule.objects.update(bup=F("bup") - 1)
    timed("rules put back")
    timed("nothing changed")
    print(f"set-based refresh: {total / seconds / reference:.0f}x the rate of saving row by row")
    print(
        f"refresh (every row changed) / bare bulk_update (reference): {ratio(seconds, bulk_seconds)} the time "
        f"(goal <= 1.5x)"
    )


if __name__ == "__main__":
    main()
