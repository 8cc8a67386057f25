"""Time the register's staff pages at scale: whole requests through Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_f_bench .venv/bin/python bench/pages.py --count 100000
    nice -n 10 .venv/bin/python bench/pages.py --count 10000,100000,1000000     # growth, in one run

Makes sure the database holds `--count` employees (seeding the missing ones the way bench/seed.py
does) and retirement records for those retiring soon (bench/seed_cases.py), signs in as an operator, warms each page once, then requests it `--requests` times and prints
the median and 95th percentile in milliseconds with the number of queries of one request. The
reference in the same run is a plain Django ListView of 50 employees with a minimal template (DESIGN.md
section 7: "a 50-row Django list ~20 ms"): compare ratios, not absolute times, across machines.

Runs with DEBUG off (as in production: no query log kept in memory, cached templates).

Several sizes are measured in one run as the register grows (bench/seed.py's bulk inserts: about 5
minutes for 1,000,000 on 2 cores), with each page's growth between the last two sizes, as a time and as
a ratio to the reference (budget: list and detail pages grow <= 1.5x from 100,000 to 1,000,000). The
dashboard's and projection's counts are cached until the register changes (employees/counts.py): the
timed requests read them from the cache, and the "first" column is the warm-up request, the first after
the register changed, which counts afresh.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from _setup import django_setup, employees_ensure, machine, production_settings, signed_in_client, staff_user
from seed_cases import cases_ensure

# Production-like settings for the timed process; the secret is used by nothing but this run.
production_settings()

REFERENCE_TEMPLATE = (
    "<!doctype html><title>Reference</title><table>{% for e in object_list %}<tr><td>{{ e.nip }}</td>"
    "<td>{{ e.name }}</td><td>{{ e.golongan }}</td><td>{{ e.unit.name }}</td><td>{{ e.tmt_pensiun }}</td>"
    "</tr>{% endfor %}</table>"
)


REFERENCE_DETAIL_TEMPLATE = (
    "<!doctype html><title>Reference</title><dl><dt>NIP</dt><dd>{{ object.nip }}</dd><dt>Name</dt>"
    "<dd>{{ object.name }}</dd><dt>Unit</dt><dd>{{ object.unit.name }}</dd><dt>TMT</dt><dd>{{ object.tmt_pensiun }}</dd></dl>"
)


def reference_urlconf():
    """The project's URLs plus /bench-reference/: a 50-row ListView with a minimal template, and
    /bench-reference/<pk>/: one employee in a plain DetailView, whose cost does not depend on the
    register's size (the ListView's does: Django's paginator counts every row on each request)."""
    import types

    from django.http import HttpResponse
    from django.template import engines
    from django.urls import path
    from django.views.generic import DetailView, ListView

    from employees.models import Employee
    from purna import urls

    template = engines["django"].from_string(REFERENCE_TEMPLATE)

    class ReferenceListView(ListView):
        queryset = Employee.objects.select_related("unit").order_by("name", "pk")
        paginate_by = 50

        def render_to_response(self, context, **kwargs):
            return HttpResponse(template.render(context, self.request))

    detail_template = engines["django"].from_string(REFERENCE_DETAIL_TEMPLATE)

    class ReferenceDetailView(DetailView):
        queryset = Employee.objects.select_related("unit")

        def render_to_response(self, context, **kwargs):
            return HttpResponse(detail_template.render(context, self.request))

    module = types.ModuleType("bench_reference_urls")
    module.urlpatterns = [
        path("bench-reference/", ReferenceListView.as_view()),
        path("bench-reference/<int:pk>/", ReferenceDetailView.as_view()),
        *urls.urlpatterns,
    ]
    sys.modules[module.__name__] = module
    return module.__name__


def samples(client, url: str, requests: int) -> tuple[list[float], int, int]:
    """Times in ms of `requests` GETs after one warm-up, the query count and the response size."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times, len(queries), len(response.content)


def database_ms(client, url: str) -> float:
    """The time PostgreSQL spends on one request of `url`: planning + execution of each of its SELECTs,
    read again with EXPLAIN ANALYZE and summed (0 elsewhere). Unlike the request's wall time it hardly
    depends on how busy the machine is, so it shows whether a page's queries grow with the register."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    statements = []

    def collect(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(collect):
        client.get(url)
    total = 0.0
    with connection.cursor() as cursor:
        for sql, params in statements:
            if sql.lstrip().upper().startswith("SELECT"):
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else plan
                total += plan["Planning Time"] + plan["Execution Time"]
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def prepare(count: int):
    """Fill the register to `count`, sign-in user and the pages to time: (operator, pages, summary lines).

    Shared with bench/load.py. Each page is (label, path); the first two are the references (the ListView,
    then the one-employee DetailView).
    """
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from employees.models import CaseDocument, Employee, RetirementCase, UnitKerja
    from employees.retirement import add_months
    from employees.selectors import ACTIVE_STATUSES, CASE_NONE
    from employees.services.register import employee_update
    from purna import roles

    call_command("migrate", verbosity=0)
    employees_ensure(count)
    cases_ensure()
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum would gather soon after a bulk load: without them the planner
        # takes 100,000 rows for 15,000 and picks plans ten times slower. VACUUM too, as autovacuum does:
        # it marks the pages all-visible, so a count read from an index need not visit the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    total = Employee.objects.count()

    # An operator of the central BKD: every unit in scope.
    operator = staff_user("bench-operator", roles.OPERATOR)
    # A page with a change history to show: two edits of one employee (idempotent: same values each run).
    sample = Employee.objects.order_by("pk")[total // 2]
    for phone in ("0812-0000-0001", "0812-0000-0002"):
        sample = employee_update(employee=sample, actor=operator, phone=phone)
    # Searches a person would type: a full name, one common first name, a NIP prefix written with spaces.
    full_name = sample.name
    first_name = Employee.objects.values_list("name", flat=True).order_by("pk")[total // 3].split()[0]
    nip_prefix = f"{sample.nip[:8]} {sample.nip[8:12]}"
    # The work list's unit filter on a unit with a sub-unit (the demo's Dinas Pendidikan), or any unit.
    unit = UnitKerja.objects.filter(children__isnull=False).order_by("pk").first() or UnitKerja.objects.first()
    today = timezone.localdate()
    within_12 = Employee.objects.filter(
        status__in=ACTIVE_STATUSES, tmt_pensiun__gt=today, tmt_pensiun__lt=add_months(today.replace(day=1), 13)
    ).count()
    retiring = "/pegawai/akan-purna-tugas/"
    # A page deep in the work list (page 200 of 100,000 employees), one that exists in a smaller register.
    deep_page = max(1, min(200, within_12 // 50))

    pages = [
        ("reference: plain 50-row ListView", "/bench-reference/"),
        (DETAIL_REFERENCE, f"/bench-reference/{sample.pk}/"),
        ("employee list", "/pegawai/"),
        (f"list, name search {full_name!r}", f"/pegawai/?q={full_name.replace(' ', '+')}"),
        (f"list, one name word {first_name!r}", f"/pegawai/?q={first_name}"),
        (f"list, NIP prefix {nip_prefix!r}", f"/pegawai/?q={nip_prefix.replace(' ', '+')}"),
        ("list, filtered + sorted", "/pegawai/?status=aktif_mpp&jenis_jabatan=fungsional&sort=-tmt_pensiun"),
        ("employee detail", f"/pegawai/{sample.pk}/"),
        ("projection", "/pegawai/proyeksi/"),
        ("dashboard", "/"),
        ("work list, 12 months", f"{retiring}?bulan=12"),
        (f"work list, 12 months, page {deep_page}", f"{retiring}?bulan=12&page={deep_page}"),
        ("work list, 3 months", f"{retiring}?bulan=3"),
        ("work list, 24 months, only overdue", f"{retiring}?bulan=24&terlambat=on"),
        ("work list, 24 months, no record yet", f"{retiring}?bulan=24&status={CASE_NONE}"),
        (f"work list, 12 months, unit {unit.code} + sub-units", f"{retiring}?bulan=12&unit={unit.pk}"),
    ]
    summary = [
        f"{total:,} employees; {within_12:,} in service retire within 12 months ({within_12 / max(total, 1):.0%}); "
        f"{RetirementCase.objects.count():,} retirement records, {CaseDocument.objects.count():,} documents"
    ]
    return operator, pages, summary


def sizes_parse(text: str) -> list[int]:
    """ "10000,100000,1000000" (or "10k,100k,1m") as ascending sizes."""
    units = {"k": 1_000, "m": 1_000_000}
    sizes = []
    for part in text.lower().replace("_", "").split(","):
        part = part.strip()
        factor = units.get(part[-1:], 1)
        sizes.append(int(float(part[:-1] if factor > 1 else part) * factor))
    return sorted(sizes)


def measure(client, pages, requests: int) -> dict[str, tuple[float, float, float, int, int, float]]:
    """{label: (first ms, median ms, p95 ms, queries, bytes, database ms)} of every page, the references
    first."""
    results = {}
    for label, url in pages:
        start = time.perf_counter()
        times, queries, size = samples(client, url, requests)
        # samples() warms up with one request: its time, the first after the data changed (the counts'
        # cache is empty then), is about the whole call's minus the timed requests'.
        first = (time.perf_counter() - start) * 1000 - sum(times)
        database = database_ms(client, url)
        results[label] = (first, statistics.median(times), percentile(times, 0.95), queries, size, database)
    return results


def table_print(results: dict, requests: int) -> None:
    print(f"{requests} requests per page after one warm-up (DEBUG off); 'first' is the warm-up request")
    print("'db ms': PostgreSQL's planning + execution time for one request (EXPLAIN ANALYZE of its queries)")
    print(
        f"{'page':<52} {'first ms':>9} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'x ref':>6} {'KB':>6} "
        f"{'db ms':>6}"
    )
    reference = next(iter(results.values()))[1]
    for label, (first, median, p95, queries, size, database) in results.items():
        print(
            f"{label:<52} {first:>9.1f} {median:>10.1f} {p95:>8.1f} {queries:>8} "
            f"{median / reference:>6.2f} {size / 1024:>6.0f} {database:>6.1f}"
        )


def growth_print(small: int, large: int, before: dict, after: dict) -> None:
    """Each page's median at `large` employees over its median at `small`, and the same for its ratio
    to each reference: the ListView's (the issue's reference; it grows itself, as its paginator counts
    the whole register) and the one-employee DetailView's, which does not grow, so the ratio to it
    cancels most of a shared machine's changing load between the two measurements; and the growth of the
    time PostgreSQL spends on the page (database_ms), which the load hardly touches."""
    values_before, values_after = list(before.values()), list(after.values())
    ref_before, ref_after = values_before[0][1], values_after[0][1]
    detail_before, detail_after = values_before[1][1], values_after[1][1]
    print(f"\ngrowth from {small:,} to {large:,} employees (budget for list and detail pages: <= {GROWTH_BUDGET}x)")
    print(f"{'page':<52} {'median':>8} {'x ref':>8} {'x detail ref':>13} {'db ms':>15} {'db':>7}")
    # The pages come in the same order at every size (their labels name samples that differ).
    for (label, values), later in zip(before.items(), values_after, strict=True):
        grown = later[1] / values[1]
        relative = (later[1] / ref_after) / (values[1] / ref_before)
        steady = (later[1] / detail_after) / (values[1] / detail_before)
        # Figures saved by an earlier version have no database time.
        database_before, database_after = (values[5], later[5]) if len(values) > 5 else (0.0, 0.0)
        database = f"{database_after / database_before:>6.2f}x" if database_before else f"{'':>7}"
        print(
            f"{label:<52} {grown:>7.2f}x {relative:>7.2f}x {steady:>12.2f}x "
            f"{database_before:>6.1f} → {database_after:>6.1f} {database}"
        )


GROWTH_BUDGET = 1.5
DETAIL_REFERENCE = "reference: plain DetailView, one employee"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--count",
        default="100000",
        help="employees in the register; several, comma-separated (10000,100000,1000000 or 10k,100k,1m), "
        "are measured one after the other in this run as the register grows, with the growth between the "
        "last two",
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--save", help="write the last size's figures to this JSON file")
    parser.add_argument(
        "--against",
        help="a JSON file written by --save at a smaller size: print the growth from it to this run's last size "
        "(to measure sizes held in two databases)",
    )
    args = parser.parse_args()
    sizes = sizes_parse(args.count)
    django_setup()

    from django.test import override_settings

    print(machine())
    measured: list[tuple[int, dict]] = []
    for size in sizes:
        started = time.perf_counter()
        operator, pages, summary = prepare(size)
        print(f"\n=== {size:,} employees (register filled in {time.perf_counter() - started:.0f} s) ===")
        print(*summary, sep="\n")
        client = signed_in_client(operator)
        with override_settings(ROOT_URLCONF=reference_urlconf()):
            results = measure(client, pages, args.requests)
        table_print(results, args.requests)
        measured.append((size, results))
    if args.save:
        size, results = measured[-1]
        Path(args.save).write_text(json.dumps({"size": size, "results": results}, indent=1))
    if args.against:
        saved = json.loads(Path(args.against).read_text())
        measured.insert(0, (saved["size"], {label: tuple(values) for label, values in saved["results"].items()}))
    if len(measured) >= 2:
        (small, before), (large, after) = measured[-2], measured[-1]
        growth_print(small, large, before, after)


if __name__ == "__main__":
    main()
