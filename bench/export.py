"""Export 100,000 employees to XLSX and to CSV with the page's exporter; print time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench .venv/bin/python bench/export.py

Fills the register up to --rows employees first if it holds fewer (bench/seed.py). Each export
runs in a process of its own: the same code as the page (employees/exporter.py: one query read in
chunks through a server-side cursor, the XLSX in xlsxwriter's constant-memory mode into a temporary
file, the CSV streamed), written to var/bench/. Budget: < 20 s and bounded memory for 100,000 rows.

References in the same run: the XLSX is compared with Purna's own CSV of the same rows (what the
spreadsheet format costs), and the CSV with a plain `csv.writer` over `values_list(...).iterator()` of
the same columns (no labels, no formula guard, no computed columns: what Purna's formatting costs).
"""

import argparse
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
    parser.add_argument("--format", choices=["csv", "xlsx", "plain-csv"], help=argparse.SUPPRESS)
    args = parser.parse_args()
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
    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    print(f"budget (per 100,000 rows < {BUDGET_SECONDS} s): " + ("met" if met else "NOT met"))


if __name__ == "__main__":
    main()
