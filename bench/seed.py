"""Make N fictitious employees quickly, with their retirement facts computed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench .venv/bin/python bench/seed.py --count 100000

Creates the database tables if needed (migrate), then adds `--count` employees shaped as the demo's
(portal/demo.py: valid NIPs agreeing with birth date, TMT CPNS and gender; positions, golongan and units
by the demo's weights; retirements from two years ago to thirty years ahead, denser in the next two, so
about a fifth are already retired). Their retirement facts are computed as the rows are made (the
rules of the database, employees/retirement.py), so no second pass rewrites them; a sample is then
checked against retirement_facts_refresh, which must find nothing to change.

On PostgreSQL the rows go in with COPY (psycopg2's copy_expert), 50,000 at a time, into a staging table
and from there into the register with INSERT ... ON CONFLICT (nip) DO NOTHING: a register grown in
several runs may already hold a NIP that a later run makes again, and such rows are made anew until
`--count` are in. Faker's names, cities, phone numbers and addresses are drawn once into pools and picked
from (Faker's address alone costs about 90 microseconds a row). About 1,000,000 rows in a few minutes on
the 2-core reference machine, against 700 rows/s for bulk_create under load. Elsewhere (SQLite):
bulk_create.
"""

import argparse
import csv
import io
import random
import time
from collections.abc import Iterator

from _setup import django_setup, machine

CHUNK = 50_000
POOL_SIZE = 4_000
FAKER_VALUES = ("first_name_male", "first_name_female", "last_name", "city_name", "phone_number", "address")


class FakerPools:
    """Stands in for Faker id_ID in portal.demo.employee_values: each kind of value drawn POOL_SIZE times
    from Faker once, then picked at random."""

    def __init__(self, seed: int) -> None:
        from faker import Faker

        fake = Faker("id_ID")
        fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.pools = {name: [getattr(fake, name)() for _ in range(POOL_SIZE)] for name in FAKER_VALUES}

    def __getattr__(self, name: str):
        pool = self.__dict__["pools"][name]
        choice = self.__dict__["rng"].choice
        return lambda: choice(pool)


def model_rows(model, values: Iterator[dict], fields) -> Iterator[tuple]:
    """`values` (dicts by field name, a related object or its id) as tuples of `fields`' database values,
    the fields' defaults where a dict has no value (auto_now and auto_now_add: now)."""
    from django.utils import timezone

    now = timezone.now()
    defaults = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults.append(now)
        else:
            defaults.append(field.get_default())
    names = [(field.name, field.attname, field.is_relation) for field in fields]
    for row in values:
        out = []
        for (name, attname, relation), default in zip(names, defaults, strict=True):
            if name in row:
                value = row[name]
                out.append(value.pk if relation and value is not None else value)
            else:
                out.append(row.get(attname, default))
        yield tuple(out)


def copy_rows(cursor, table: str, fields, rows: list[tuple]) -> None:
    """COPY `rows` (tuples of `fields`' values) into `table`, in CSV: None is NULL, "" in a text column
    that cannot be NULL stays "" (FORCE_NOT_NULL)."""
    from django.db import connection

    qn = connection.ops.quote_name
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    size = buffer.tell()
    buffer.seek(0)
    not_null = [qn(field.column) for field in fields if not field.null]
    options = f"FORMAT csv, FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else "FORMAT csv"
    columns = ", ".join(qn(field.column) for field in fields)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH ({options})", buffer, max(size, 8192))


def bulk_copy(model, values: list[dict]) -> None:
    """Insert `values` (dicts by field name) as rows of `model`: COPY on PostgreSQL, else bulk_create."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**row) for row in values), batch_size=5000)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    rows = model_rows(model, iter(values), fields)
    with transaction.atomic(), connection.cursor() as cursor:
        while chunk := [row for _index, row in zip(range(CHUNK), rows, strict=False)]:
            copy_rows(cursor, connection.ops.quote_name(model._meta.db_table), fields, chunk)


def employee_values_with_facts(count: int, *, seed: int, units) -> Iterator[dict]:
    """portal.demo.employee_values with Faker pools, each dict completed with its retirement facts and
    the work list's TMT (no record yet: the TMT pensiun), as retirement_facts_refresh would store them."""
    from django.utils import timezone

    from employees import retirement
    from employees.models import RetirementRule
    from employees.services.register import PERSON_FIELDS, rule_from_model
    from portal import demo

    rules = [rule_from_model(rule) for rule in RetirementRule.objects.all()]
    by_position: dict[tuple, list] = {}
    for values in demo.employee_values(
        count, today=timezone.localdate(), units=units, seed=seed, fake=FakerPools(seed)
    ):
        position = (values["asn_type"], values["jenis_jabatan"], values["jenjang"], values["rumpun"])
        found = by_position.get(position)
        if found is None:
            found = by_position[position] = [rule for rule in rules if rule.matches_position(*position)]
        person = retirement.Person(**{name: values[name] for name in PERSON_FIELDS if name in values})
        facts = retirement.compute(person, found)
        values.update(
            bup=facts.bup,
            bup_date=facts.bup_date,
            tmt_pensiun=facts.tmt_pensiun,
            tmt_effective=facts.tmt_pensiun,
            service_years=facts.service_years,
            service_months=facts.service_months,
            retirement_rule_id=facts.rule.id if facts.rule else None,
        )
        yield values


def employees_copy(count: int, *, seed: int, units) -> int:
    """Add `count` employees on PostgreSQL (COPY into a staging table, then into the register skipping
    NIPs it holds); return how many went in."""
    from django.db import connection, transaction

    from employees.counts import register_changed
    from employees.models import Employee

    qn = connection.ops.quote_name
    fields = [field for field in Employee._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(qn(field.column) for field in fields)
    table = qn(Employee._meta.db_table)
    stage = qn("bench_seed_stage")
    inserted, attempt = 0, 0
    while inserted < count:
        # A NIP already in the register is skipped; the rows missing are made again with the next seed.
        values = employee_values_with_facts(count - inserted, seed=seed + 1_000_003 * attempt, units=units)
        attempt += 1
        rows = model_rows(Employee, values, fields)
        while True:
            chunk = [row for _index, row in zip(range(CHUNK), rows, strict=False)]
            if not chunk:
                break
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608
                    f"SELECT {columns} FROM {table} WITH NO DATA"
                )
                copy_rows(cursor, stage, fields, chunk)
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {stage} "  # noqa: S608
                    f"ON CONFLICT ({qn('nip')}) DO NOTHING"
                )
                inserted += cursor.rowcount
            print(f"  {inserted:,} / {count:,}", flush=True)
    register_changed()  # rows written around the ORM: the cached counts follow (employees/counts.py)
    return inserted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    django_setup()

    from django.core.management import call_command
    from django.db import connection

    from employees.models import Employee
    from employees.services.register import retirement_facts_refresh
    from portal import demo

    call_command("migrate", verbosity=0)
    print(machine())
    units = demo.units_ensure()
    before = Employee.objects.count()
    start = time.perf_counter()
    if connection.vendor == "postgresql":
        employees_copy(args.count, seed=args.seed, units=units)
    else:
        batch = []
        for values in employee_values_with_facts(args.count, seed=args.seed, units=units):
            batch.append(Employee(**values))
            if len(batch) == 5000:
                Employee.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        Employee.objects.bulk_create(batch, ignore_conflicts=True)
    inserted = time.perf_counter() - start
    created = Employee.objects.count() - before
    print(f"inserted {created:,} employees in {inserted:.1f} s ({created / inserted:,.0f} rows/s)")
    # The facts were computed as the rows were made: the refresh must find nothing to change in a sample.
    sample = list(Employee.objects.order_by("-pk").values_list("pk", flat=True)[:2000])
    start = time.perf_counter()
    changed = retirement_facts_refresh(employee_ids=sample)
    print(
        f"retirement facts checked on the last {len(sample):,} employees by retirement_facts_refresh in "
        f"{time.perf_counter() - start:.1f} s: {changed} changed (0 expected)"
    )
    if changed:
        raise SystemExit("the seeded retirement facts differ from retirement_facts_refresh's")
    print(f"register now holds {Employee.objects.count():,} employees")


if __name__ == "__main__":
    main()
