"""Export 100,000 employees to XLSX and to CSV with the page's exporter; print time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench .venv/bin/python bench/export.py

Fills the register up to --rows employees first if it holds fewer (bench/seed.py). Each export
runs in a process of its own: the same code as the page (employees/exporter.py: one query read in
chunks through a server-side cursor, the XLSX streamed row by row into its ZIP archive by
purna/xlsx_stream.py, the CSV streamed), written to var/bench/. Budget: < 20 s and bounded memory for 100,000 rows.

References in the same run: the XLSX is compared with Purna's own CSV of the same rows (what the
spreadsheet format costs), and the CSV with a plain `csv.writer` over `values_list(...).iterator()` of
the same columns (no labels, no formula guard, no computed columns: what Purna's formatting costs).

Then the writers alone (--compare-rows, 20,000 by default; 0 skips): the first rows of the export read
into memory once, then written by each writer in turn in one process, CPU seconds against Purna's CSV
writer of the same rows: Purna's XLSX (purna/xlsx_stream.py), xlsxwriter in constant-memory mode as
the export used it before (the reference the sheet writer replaced), and, when installed (they are not
Purna's dependencies: `pip install pyexcelerate==0.13.0 rustpy-xlsxwriter==0.8.0`), pyexcelerate
(which holds the whole sheet in memory) and rustpy-xlsxwriter (rows as dicts, streamed).
"""

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

# Import bench's helpers as a package (bench/ itself is first on sys.path when run as a script).
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

from bench._setup import ROOT, django_setup, employees_ensure, machine, ratio  # noqa: E402

OUT = ROOT / "var" / "bench"
BUDGET_SECONDS = 20


def register_fill(count: int) -> int:
    """Fill the register up to `count` employees (bench/seed.py, COPY on PostgreSQL); return its size."""
    from employees.models import Employee

    employees_ensure(count)
    return Employee.objects.count()


def child(fmt: str, limit: int) -> None:
    django_setup()
    from employees import exporter
    from employees.models import Employee

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"export-{limit}.{fmt.replace('plain-', 'plain.')}"
    start = time.perf_counter()
    cpu = time.process_time()
    queryset = Employee.objects.order_by("name", "pk")[:limit]
    if fmt == "plain-csv":
        import csv

        with path.open("w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(exporter.SOURCES)
            count = 0
            for row in queryset.values_list(*exporter.SOURCES).iterator(chunk_size=exporter.CHUNK_SIZE):
                writer.writerow(row)
                count += 1
        _report(path, count, start, cpu)
        return
    rows = exporter.export_rows(queryset)
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as file:
            count = exporter.csv_write(rows, file)
    else:
        with path.open("wb") as file:
            count = exporter.xlsx_write(rows, file)
    _report(path, count, start, cpu)


def _xlsxwriter_write(rows, file) -> None:
    """The export as xlsxwriter wrote it until December 2026 (constant-memory mode, the undecorated write
    methods, a quote-prefix format for formula-like text): the reference for purna/xlsx_stream.py."""
    import xlsxwriter

    from employees import exporter
    from purna import xlsx_stream

    workbook = xlsxwriter.Workbook(file, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet("Pegawai")
    header_format = workbook.add_format({"bold": True, "bg_color": "#E8F1EE", "border": 1, "text_wrap": True})
    date_format = workbook.add_format({"num_format": exporter.DATE_FORMAT})
    quoted = workbook.add_format({"quote_prefix": True})
    for index, column in enumerate(exporter.EXPORT_COLUMNS):
        sheet.set_column(index, index, column.width)
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, exporter.HEADERS, header_format)
    write_string, write_number = sheet._write_string, sheet._write_number
    kinds = [column.kind for column in exporter.EXPORT_COLUMNS]
    epoch = dt.date(1899, 12, 30)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = kinds[index]
            if kind == "text":
                write_string(count, index, value, quoted if value.startswith(xlsx_stream._RISKY_START) else None)
            elif kind == "date":
                write_number(count, index, (value - epoch).days, date_format)
            else:
                write_number(count, index, value, None)
    sheet.autofilter(0, 0, count, len(exporter.EXPORT_COLUMNS) - 1)
    workbook.close()


def _pyexcelerate_write(rows, file) -> None:
    from pyexcelerate import Workbook

    from employees import exporter

    workbook = Workbook()
    # pyexcelerate takes a text starting with "=" for a formula: such a text would need a style forcing
    # it to text; "" must be None to leave the cell empty. It holds every row until it saves.
    workbook.new_sheet("Pegawai", data=[exporter.HEADERS, *([None if v == "" else v for v in row] for row in rows)])
    workbook.save(file)


def _rustpy_write(rows, file) -> None:
    import rustpy_xlsxwriter

    from employees import exporter

    headers = exporter.HEADERS
    rustpy_xlsxwriter.write_worksheet(
        (dict(zip(headers, row, strict=True)) for row in rows),
        file,
        sheet_name="Pegawai",
        freeze_row=1,
        autofilter=True,
        bold_headers=True,
        datetime_format=exporter.DATE_FORMAT,
        column_widths=[column.width for column in exporter.EXPORT_COLUMNS],
    )


def _csv_write(rows, file) -> None:
    import io

    from employees import exporter

    text = io.TextIOWrapper(file, encoding="utf-8", newline="")
    exporter.csv_write(rows, text)
    text.flush()
    text.detach()  # leave `file` open for its size


def compare_writers(limit: int) -> None:
    """Each writer on the same rows held in memory: CPU seconds, and the ratio to Purna's CSV writer."""
    import importlib.util
    import io

    from employees import exporter
    from employees.models import Employee

    rows = list(exporter.export_rows(Employee.objects.order_by("name", "pk")[:limit]))
    writers = [
        ("Purna CSV (reference)", lambda file: _csv_write(rows, file)),
        ("Purna XLSX (xlsx_stream)", lambda file: exporter.xlsx_write(rows, file)),
        ("xlsxwriter constant memory", lambda file: _xlsxwriter_write(rows, file)),
        ("pyexcelerate", lambda file: _pyexcelerate_write(rows, file)),
        ("rustpy-xlsxwriter", lambda file: _rustpy_write(rows, file)),
    ]
    modules = {"pyexcelerate": "pyexcelerate", "rustpy-xlsxwriter": "rustpy_xlsxwriter"}
    print(f"the writers alone, on the first {len(rows):,} rows held in memory (CPU seconds of writing):")
    reference = 0.0
    for label, write in writers:
        if label in modules and importlib.util.find_spec(modules[label]) is None:
            print(f"  {label:<28} not installed: skipped")
            continue
        file = io.BytesIO()
        cpu = time.process_time()
        write(file)
        spent = time.process_time() - cpu
        reference = reference or spent
        size = len(file.getvalue()) / 1e6
        print(f"  {label:<28} CPU {spent:6.2f} s  {ratio(spent, reference)} the CSV's  {size:5.1f} MB")


def _report(path: Path, count: int, start: float, cpu: float) -> None:
    figures = {
        "rows": count,
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "size_mb": path.stat().st_size / 1e6,
        "file": str(path.relative_to(ROOT)),
    }
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs (noisy machines)")
    parser.add_argument("--compare-rows", type=int, default=20_000, help="rows for the writers alone (0: skip)")
    parser.add_argument("--format", choices=["csv", "xlsx", "plain-csv", "writers"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.format == "writers":
        django_setup()
        compare_writers(args.rows)
        return
    if args.format:
        child(args.format, args.rows)
        return

    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(machine())
    total = register_fill(args.rows)
    print(f"register holds {total:,} employees; exporting {min(total, args.rows):,}")
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    met = True
    seconds: dict[str, float] = {}
    for fmt in ("xlsx", "csv", "plain-csv"):
        best: dict = {}
        for _attempt in range(args.repeat):
            command = [sys.executable, __file__, "--format", fmt, "--rows", str(args.rows)]
            done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
            if done.returncode:
                raise SystemExit(f"{fmt}: FAILED\n{done.stdout}\n{done.stderr}")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            if not best or figures["seconds"] < best["seconds"]:
                best = figures
        if not best:
            continue
        seconds[fmt] = best["seconds"]
        if fmt != "plain-csv":
            met = met and best["seconds"] < BUDGET_SECONDS * best["rows"] / 100_000
        label = "reference: plain csv.writer" if fmt == "plain-csv" else f"Purna {fmt.upper()}"
        print(
            f"{label:<28} {best['rows']:>7,} rows {best['seconds']:6.1f} s "
            f"{best['rows'] / best['seconds']:>8,.0f} rows/s (CPU {best['cpu']:5.1f} s) peak {best['peak_mb']:4.0f} MB, "
            f"{best['size_mb']:.1f} MB written to {best['file']}"
        )
    if len(seconds) == 3:
        print(f"Purna XLSX / Purna CSV (reference): {ratio(seconds['xlsx'], seconds['csv'])} the time")
        print(f"Purna CSV / plain csv.writer (reference): {ratio(seconds['csv'], seconds['plain-csv'])} the time")
    if args.compare_rows:
        # In a process of its own, like the exports: the rows it holds do not weigh on their figures.
        command = [sys.executable, __file__, "--format", "writers", "--rows", str(min(args.compare_rows, args.rows))]
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
        if done.returncode:
            raise SystemExit(f"writers: FAILED\n{done.stdout}\n{done.stderr}")
        print(done.stdout.rstrip())
    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(f"budget (per 100,000 rows < {BUDGET_SECONDS} s): " + ("met" if met else "NOT met"))


if __name__ == "__main__":
    main()
