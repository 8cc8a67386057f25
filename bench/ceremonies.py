"""Time the ceremonies' reads and documents at scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_cer_bench .venv/bin/python bench/ceremonies.py --count 100000

Makes sure the register holds `--count` employees (seeding the missing ones as bench/seed.py does) and
that two bench events exist with 60 and 600 participants, then measures, each as the median of
repeated runs with a reference timed in the same run (compare ratios across machines, not times):

(a) cohort selection (ceremonies.selectors.cohort_list) for a 3-month and a 12-month TMT window, all
    units; reference: a plain 500-row list of the same window (`Employee.objects.filter(...)[:500]`)
    and a full-table COUNT. Budget: well under a second.
(b) the event detail's data (event_participants + event_counts + event_sessions) for 60 and 600
    participants: queries and time; reference: the participant rows read without their joins.
(c) the attendance sheet PDF (ceremonies.documents.attendance_pdf) for 60 and 600 participants: time
    and pages; reference: a one-page PDF through the same renderer (fonts, shared stylesheet), and the
    sheet's time per page as a ratio of it (goal: <= 3x per page). That page is nearly blank (a footer),
    so a second reference prints beside it: one page of the same rows (number, name, NIP, unit,
    companion, signature) as a plain bordered table in a plain WeasyPrint document with a minimal
    stylesheet, as many rows as a full page of the sheet holds; its ratio is the sheet's cost per page
    against the least a page of that table costs in WeasyPrint.
(c'') the same sheets against a one-page PDF of the same kind, as bench/pension_papers.py measures DESIGN.md
    section 7's budget (there: one DPCP laid out alone): the sheet of the same event with as many
    participants as its first page holds (letterhead, the event's facts and their rows), laid out alone.
    The budget is read against this line (<= 3x per page); (c) and (c') say what a page costs against
    an empty page and against the plainest table of the same rows.

Runs with DEBUG off (as in production).
"""

import argparse
import os
import platform
import random
import statistics
import subprocess
import time

from _setup import django_setup, employees_ensure, machine, production_settings

production_settings()

BENCH_TITLE = "Bench: pelepasan purna tugas ({} peserta)"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def timed(function, runs: int) -> tuple[float, object]:
    """Median milliseconds of `runs` calls after one warm-up, and the last result."""
    result = function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def timed_cpu(function, runs: int) -> tuple[float, float, object]:
    """Median wall and CPU milliseconds of `runs` calls after one warm-up, and the last result."""
    result = function()
    walls, cpus = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), result


def queries_of(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def events_ensure(sizes: list[int]):
    """A bench event per size, with that many participants drawn from the register (idempotent)."""
    import datetime as dt

    from django.utils import timezone

    from ceremonies.models import Event, Official, Participant, ParticipantStatus, Session
    from employees.models import Employee, UnitKerja

    official, _created = Official.objects.get_or_create(
        name="Drs. H. Rahmat Hidayat, M.Si.", defaults={"nip": "196805121990031004", "title": "Sekretaris Daerah"}
    )
    organizer = UnitKerja.objects.order_by("pk").first()
    starts = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0) + dt.timedelta(days=30)
    events = {}
    rng = random.Random(7)
    statuses = [ParticipantStatus.INVITED, ParticipantStatus.CONFIRMED, ParticipantStatus.ATTENDED]
    for size in sizes:
        event, _created = Event.objects.get_or_create(
            title=BENCH_TITLE.format(size),
            defaults={
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=4),
                "venue": "Pendopo Kabupaten Contoh",
                "organizer": organizer,
                "presiding_official": official,
            },
        )
        if not Session.objects.filter(event=event).exists():
            Session.objects.create(
                event=event, starts_at=starts, ends_at=starts + dt.timedelta(hours=1), topic="Sambutan"
            )
        missing = size - Participant.objects.filter(event=event).count()
        if missing > 0:
            taken = Participant.objects.filter(event=event).values("employee_id")
            employees = Employee.objects.exclude(pk__in=taken).order_by("tmt_pensiun", "pk")[:missing]
            Participant.objects.bulk_create(
                Participant(
                    event=event,
                    employee=employee,
                    status=rng.choice(statuses),
                    companion_name="Pendamping" if rng.random() < 0.5 else "",
                )
                for employee in employees
            )
        events[size] = event
    return events


# The second reference of (c): the sheet's columns and row height, nothing else.
PLAIN_TABLE_CSS = """
@page { size: A4; margin: 1.6cm 1.6cm 1.8cm 2.2cm; }
html { font-family: "Liberation Serif"; font-size: 9.5pt; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.6pt solid #000; height: 1.05cm; }
"""


def plain_table_html(rows) -> str:
    """One plain table of `rows` (documents.participant_rows), with the sheet's column widths (the same
    text wraps to as many lines): no letterhead, no classes, no footer."""
    from html import escape

    cells = "".join(
        f"<tr><td>{row.number}</td><td>{escape(row.name)}</td><td>{row.nip}</td><td>{escape(row.unit)}</td>"
        f"<td>{escape(row.companion)}</td><td>{row.number}.</td></tr>"
        for row in rows
    )
    return (
        '<!doctype html><html><head><meta charset="utf-8"></head><body><table><colgroup><col style="width: 4%">'
        '<col style="width: 23%"><col style="width: 21%"><col style="width: 18%"><col style="width: 13%"><col style="width: 21%"></colgroup>'
        "<thead><tr><th>No.</th>"
        "<th>Nama</th><th>NIP</th><th>Unit kerja</th><th>Pendamping</th><th>Tanda tangan</th></tr></thead>"
        f"<tbody>{cells}</tbody></table></body></html>"
    )


def pdf_pages(content: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="employees in the register")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each read (PDFs: fewer)")
    parser.add_argument(
        "--events", default="60,600", help="participants of the two bench events, comma-separated (default 60,600)"
    )
    args = parser.parse_args()
    django_setup()

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from ceremonies import documents
    from ceremonies.selectors import cohort_list, event_counts, event_participants, event_sessions
    from employees.models import Employee
    from employees.retirement import add_months
    from employees.scope import ALL_UNITS
    from purna import pdf
    from purna.models import Instansi

    call_command("migrate", verbosity=0)
    employees_ensure(args.count)
    events = events_ensure([int(size) for size in args.events.split(",")])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(machine())
    print(f"CPU: {cpu_model()} (nproc {os.cpu_count()})")
    print(pdf.pdf_settings_summary())
    print(f"{Employee.objects.count():,} employees; medians of {args.runs} runs after one warm-up")

    # (a) cohort selection
    print("\n(a) cohort selection, all units")
    print(f"{'what':<56} {'median ms':>10} {'rows':>6} {'matching':>9} {'x ref':>6}")
    today = timezone.localdate().replace(day=1)
    event = next(iter(events.values()))
    reference_ms, _rows = timed(lambda: Employee.objects.count(), args.runs)
    print(f"{'reference: COUNT(*) of the register':<56} {reference_ms:>10.1f} {'':>6} {'':>9} {1.0:>6.1f}")
    for months in (3, 12):
        until = add_months(today, months - 1)
        end = add_months(today, months)

        def plain(start=today, end=end):
            return list(
                Employee.objects.select_related("unit")
                .filter(tmt_pensiun__gte=start, tmt_pensiun__lt=end)
                .order_by("tmt_pensiun", "name", "pk")[:500]
            )

        plain_ms, plain_rows = timed(plain, args.runs)
        label = f"reference: plain 500-row list, {months}-month window"
        print(f"{label:<56} {plain_ms:>10.1f} {len(plain_rows):>6} {'':>9} {plain_ms / reference_ms:>6.1f}")

        def cohort(until=until):
            return cohort_list(
                event=event,
                scope=ALL_UNITS,
                tmt_from=today,
                tmt_until=until,
                farewell_months_after=12,
                training_months_before=12,
            )

        cohort_ms, (rows, total) = timed(cohort, args.runs)
        queries = queries_of(cohort)
        label = f"cohort_list, {months}-month window ({queries} queries)"
        print(f"{label:<56} {cohort_ms:>10.1f} {len(rows):>6} {total:>9,} {cohort_ms / reference_ms:>6.1f}")

    # (b) the event detail's data
    print("\n(b) event detail data: event_participants + event_counts + event_sessions, all units")
    print(f"{'what':<56} {'median ms':>10} {'queries':>8} {'x ref':>6}")
    for size, event in events.items():
        reference_ms, _rows = timed(lambda event=event: list(event.participants.all()), args.runs)
        print(f"{f'reference: participant rows without joins, {size}':<56} {reference_ms:>10.1f} {1:>8} {1.0:>6.1f}")

        def detail(event=event):
            participants = event_participants(event=event, scope=ALL_UNITS)
            return participants, event_counts(participants=participants), event_sessions(event=event)

        detail_ms, _result = timed(detail, args.runs)
        label = f"event detail data, {size} participants"
        print(f"{label:<56} {detail_ms:>10.1f} {queries_of(detail):>8} {detail_ms / reference_ms:>6.1f}")

    # (c) the attendance sheet. The CPU time is printed beside the wall time: on a shared machine the
    # PDFs' wall times (seconds of single-threaded work) swing with the load more than their CPU times.
    print("\n(c) attendance sheet PDF (WeasyPrint)")
    print(
        f"{'what':<56} {'median ms':>10} {'CPU ms':>8} {'pages':>6} {'ms/page':>8} {'KB':>6} {'x ref/page':>10} "
        f"{'CPU x ref':>9}"
    )
    instansi = Instansi.objects.filter(pk=1).first() or Instansi(name="BKPSDM Kabupaten Contoh")
    reference_ms, reference_cpu, content = timed_cpu(
        lambda: pdf.render_pdf("pdf/base.html", {"page_counter": '"Halaman " counter(page)'}), max(3, args.runs // 3)
    )
    label = "reference: one-page PDF, same renderer and stylesheet"
    print(
        f"{label:<56} {reference_ms:>10.1f} {reference_cpu:>8.1f} {pdf_pages(content):>6} {reference_ms:>8.1f} "
        f"{len(content) / 1024:>6.0f} {1.0:>10.2f} {1.0:>9.2f}"
    )
    sheets = []
    for size, event in events.items():
        participants = event_participants(event=event, scope=ALL_UNITS)
        runs = max(3, args.runs // (3 if size < 100 else 5))
        sheet_ms, sheet_cpu, content = timed_cpu(
            lambda event=event, participants=participants: documents.attendance_pdf(
                event=event, participants=participants, instansi=instansi, printed_on=timezone.localdate()
            ),
            runs,
        )
        pages = pdf_pages(content)
        sheets.append((size, participants, sheet_ms, sheet_cpu, pages))
        label = f"attendance sheet, {size} participants"
        print(
            f"{label:<56} {sheet_ms:>10.1f} {sheet_cpu:>8.1f} {pages:>6} {sheet_ms / pages:>8.1f} "
            f"{len(content) / 1024:>6.0f} {sheet_ms / pages / reference_ms:>10.2f} "
            f"{sheet_cpu / pages / reference_cpu:>9.2f}"
        )

    # The second reference: the fullest single page of the largest sheet's rows as a plain table.
    import weasyprint

    plain_css = weasyprint.CSS(string=PLAIN_TABLE_CSS)
    size, participants, _sheet_ms, _sheet_cpu, pages = sheets[-1]
    rows = documents.participant_rows(participants)[: -(-len(participants) // pages)]
    while True:
        html = plain_table_html(rows)
        content = weasyprint.HTML(string=html).write_pdf(stylesheets=[plain_css])
        if pdf_pages(content) == 1 or len(rows) == 1:
            break
        rows = rows[:-1]
    table = timed_cpu(lambda: weasyprint.HTML(string=html).write_pdf(stylesheets=[plain_css]), max(3, args.runs // 3))
    per_page_against(
        "(c') the same sheets against one page of their rows as a plain table (minimal stylesheet)",
        f"reference: plain table, {len(rows)} rows",
        table,
        sheets,
        reference_cpu,
    )

    # The third reference: the largest event's sheet with only the participants its first page holds.
    size, participants, _sheet_ms, _sheet_cpu, pages = sheets[-1]
    first_page = participants[: -(-len(participants) // pages)]

    def one_page_sheet(participants=None):
        return documents.attendance_pdf(
            event=events[size], participants=participants, instansi=instansi, printed_on=timezone.localdate()
        )

    while pdf_pages(one_page_sheet(first_page)) > 1 and len(first_page) > 1:
        first_page = first_page[:-1]
    per_page_against(
        "(c'') the same sheets against a one-page sheet of the same event, laid out alone (budget <= 3x per page)",
        f"reference: one-page sheet, {len(first_page)} participants",
        timed_cpu(lambda: one_page_sheet(first_page), max(3, args.runs // 3)),
        sheets,
        reference_cpu,
    )


def per_page_against(title: str, label: str, reference: tuple, sheets: list, blank_cpu: float) -> None:
    """Print each sheet's cost per page against a one-page `reference` (wall ms, CPU ms, its PDF), and
    against the nearly blank page's CPU time."""
    reference_ms, reference_cpu, content = reference
    print(f"\n{title}")
    print(
        f"{'what':<56} {'median ms':>10} {'CPU ms':>8} {'pages':>6} {'CPU/page':>8} {'CPU x blank':>11} "
        f"{'CPU x ref':>9} {'x ref':>6}"
    )
    print(
        f"{label:<56} {reference_ms:>10.1f} {reference_cpu:>8.1f} {pdf_pages(content):>6} {reference_cpu:>8.1f} "
        f"{reference_cpu / blank_cpu:>11.2f} {1.0:>9.2f} {1.0:>6.2f}"
    )
    for size, _participants, sheet_ms, sheet_cpu, pages in sheets:
        label = f"attendance sheet, {size} participants"
        print(
            f"{label:<56} {sheet_ms:>10.1f} {sheet_cpu:>8.1f} {pages:>6} {sheet_cpu / pages:>8.1f} "
            f"{sheet_cpu / pages / blank_cpu:>11.2f} {sheet_cpu / pages / reference_cpu:>9.2f} "
            f"{sheet_ms / pages / reference_ms:>6.2f}"
        )


if __name__ == "__main__":
    main()
