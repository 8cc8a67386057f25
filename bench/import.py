"""Import 100,000 employees from CSV and from XLSX with Purna's importer, and compare django-import-export.

    .venv/bin/pip install -r bench/requirements.txt      # django-import-export, for the comparison only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench .venv/bin/python bench/import.py

The files are made from portal.demo.employees_build (believable rows with NIPs that agree with their
records) and written to var/bench/: a CSV, and an XLSX written with xlsxwriter (real dates, NIPs as
text). Each measurement runs in a process of its own, on a register emptied first (the employee and
employee-history tables are truncated: use a database of its own, whose name ends in "_bench"), and
reports its wall time and the process's peak memory (maxrss):

- Purna, CSV, into an empty register: 100,000 created, every row validated (NIP format and agreement,
  golongan, position...), retirement facts computed, one history row each;
- Purna, the same CSV again: 100,000 unchanged;
- Purna, the CSV with every employee's jabatan changed: 100,000 updated;
- Purna, XLSX, into an empty register;
- the references, in the same run, the same CSV into an empty register: a plain `bulk_create` upsert
  (csv.DictReader, dates parsed, units looked up, `update_conflicts` on the NIP, nothing validated or
  computed, no history) and, on PostgreSQL, `COPY` of the same rows (the floor: one statement);
- django-import-export 4.4 (a minimal ModelResource, upsert by NIP, the same CSV's first
  --dje-rows rows: at its ~500 rows/s, 100,000 rows would take minutes), plain and with use_bulk,
  when bench/requirements.txt is installed (skipped with a line otherwise, or with --no-dje).

The budget (DESIGN.md section 7): 100,000 rows in < 20 s (>= 5,000 rows/s), < 500 MB.
"""

import argparse
import csv
import datetime as dt
import importlib.util
import io
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

from bench._setup import ROOT, django_setup, machine, ratio  # noqa: E402

OUT = ROOT / "var" / "bench"
BUDGET_SECONDS = 20
BUDGET_MB = 500


# --- Files ------------------------------------------------------------------------------------------------


def _reference_result(employees: list, start: float) -> dict:
    """A reference's figures in the shape of Purna's import result (it only inserts: nothing updated)."""
    from employees.models import Employee

    seconds = time.perf_counter() - start
    return {
        "rows": len(employees),
        "seconds": seconds,
        "created": Employee.objects.count(),
        "updated": 0,
        "unchanged": 0,
    }


def _headers() -> list[str]:
    from employees.importer import COLUMNS

    return [column.header for column in COLUMNS]


def _values(employee, unit_codes: dict[int, str]) -> list:
    """One row in the import's column order; codes (gender 1/2, jenis jabatan "fungsional"...), which
    Purna reads as well as its labels and which a minimal django-import-export resource can read."""
    from employees.importer import COLUMNS

    return [
        unit_codes[employee.unit_id] if column.field == "unit_code" else getattr(employee, column.field)
        for column in COLUMNS
    ]


def files_make(count: int, seed: int) -> tuple[Path, Path, Path]:
    """Write var/bench/employees-N.csv, the same with jabatan changed, and employees-N.xlsx."""
    import xlsxwriter
    from django.utils import timezone

    from portal import demo

    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"employees-{count}.csv"
    changed_path = OUT / f"employees-{count}-changed.csv"
    xlsx_path = OUT / f"employees-{count}.xlsx"
    # The files name units by code, so the units must exist even when the files are reused.
    units = demo.units_ensure()
    if csv_path.exists() and changed_path.exists() and xlsx_path.exists():
        return csv_path, changed_path, xlsx_path
    unit_codes = {unit.pk: code for code, unit in units.items()}
    headers = _headers()
    jabatan = headers.index("jabatan")
    workbook = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Pegawai")
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, headers)
    with (
        csv_path.open("w", newline="", encoding="utf-8") as plain,
        changed_path.open("w", newline="", encoding="utf-8") as changed,
    ):
        plain_writer, changed_writer = csv.writer(plain), csv.writer(changed)
        plain_writer.writerow(headers)
        changed_writer.writerow(headers)
        rows = demo.employees_build(count, today=timezone.localdate(), units=units, seed=seed)
        for number, employee in enumerate(rows, start=1):
            values = _values(employee, unit_codes)
            text = ["" if v is None else v.isoformat() if isinstance(v, dt.date) else v for v in values]
            plain_writer.writerow(text)
            text[jabatan] = f"{text[jabatan]} (mutasi)"
            changed_writer.writerow(text)
            for column, value in enumerate(values):
                if isinstance(value, dt.date):
                    sheet.write_datetime(number, column, value, date_format)
                elif value:
                    sheet.write_string(number, column, value)
    workbook.close()
    return csv_path, changed_path, xlsx_path


def file_head(path: Path, rows: int) -> Path:
    """The first `rows` data rows of a CSV, for the slower django-import-export."""
    head = path.with_name(f"{path.stem}-head{rows}.csv")
    with path.open(encoding="utf-8", newline="") as source, head.open("w", encoding="utf-8", newline="") as target:
        for number, line in enumerate(source):
            if number > rows:
                break
            target.write(line)
    return head


# --- Measurements (each in its own process) ---------------------------------------------------------------


def register_empty() -> None:
    from django.db import connection, transaction

    name = connection.settings_dict["NAME"]
    if not str(name).endswith("_bench"):
        sys.exit(f"Refusing to empty the register of {name!r}: use a database whose name ends in _bench.")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "TRUNCATE employees_employee, employees_historicalemployee, employees_importjob RESTART IDENTITY CASCADE"
            )
        else:
            _sqlite_truncate_cascade(
                cursor, {"employees_employee", "employees_historicalemployee", "employees_importjob"}
            )


def _sqlite_truncate_cascade(cursor, tables: set[str]) -> None:
    """What PostgreSQL's TRUNCATE ... CASCADE does: empty `tables` and every table referencing them, at any
    depth (records, events, payouts... that earlier benches made), the foreign keys checked at the end."""
    from django.db import connection

    quote = connection.ops.quote_name
    names = connection.introspection.table_names(cursor)
    grew = True
    while grew:
        grew = False
        for table in names:
            if table not in tables:
                cursor.execute(f"PRAGMA foreign_key_list({quote(table)})")
                if any(row[2] in tables for row in cursor.fetchall()):
                    tables.add(table)
                    grew = True
    # Inside the caller's transaction: the foreign keys are checked at its end, when every table is empty.
    cursor.execute("PRAGMA defer_foreign_keys = ON")
    for table in sorted(tables):
        cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (names from the catalog)


def measure_purna(path: Path) -> dict:
    from django.core.files import File

    from employees.services.imports import import_job_create, import_job_run

    start = time.perf_counter()
    with path.open("rb") as file:
        job = import_job_create(actor=None, file=File(file, name=path.name), schedule=False)
    job = import_job_run(job_id=job.pk)
    seconds = time.perf_counter() - start
    if job.status != "done":
        sys.exit(f"import failed: {job.errors[:5]}")
    return {
        "rows": job.total_rows,
        "seconds": seconds,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
    }


def _plain_employees(path: Path) -> list:
    """The CSV's rows as unsaved Employee objects, the plain way: no validation, nothing computed."""
    from employees.importer import COLUMNS
    from employees.models import Employee, UnitKerja

    units = dict(UnitKerja.objects.values_list("code", "pk"))
    by_header = {column.header: column for column in COLUMNS}
    employees = []
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            values = {}
            for header, text in row.items():
                column = by_header[header]
                if column.field == "unit_code":
                    values["unit_id"] = units[text]
                elif column.kind == "date":
                    values[column.field] = dt.date.fromisoformat(text) if text else None
                else:
                    values[column.field] = text
            employees.append(Employee(**values))
    return employees


def measure_bulk(path: Path) -> dict:
    """Reference: the same rows through one `bulk_create` upsert by NIP, in batches of 5,000."""
    from django.db import transaction

    from employees.importer import COLUMNS
    from employees.models import Employee

    start = time.perf_counter()
    employees = _plain_employees(path)
    fields = [column.field for column in COLUMNS if column.field not in ("nip", "unit_code")] + ["unit"]
    with transaction.atomic():
        Employee.objects.bulk_create(
            employees, batch_size=5000, update_conflicts=True, unique_fields=["nip"], update_fields=fields
        )
    return _reference_result(employees, start)


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def measure_copy(path: Path) -> dict:
    """Reference on PostgreSQL: the same rows with COPY ... FROM STDIN, every column as bulk_create
    would write it (field.get_db_prep_save): the floor of any import."""
    from django.db import connection, transaction

    from employees.models import Employee

    if connection.vendor != "postgresql":
        return {"skipped": f"COPY is PostgreSQL's; this database is {connection.vendor}"}
    start = time.perf_counter()
    employees = _plain_employees(path)
    fields = [field for field in Employee._meta.concrete_fields if not field.primary_key and not field.generated]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for employee in employees:
        writer.writerow(
            [_copy_text(field.get_db_prep_save(field.pre_save(employee, add=True), connection)) for field in fields]
        )
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {quote(Employee._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )
    return _reference_result(employees, start)


def measure_dje(path: Path, use_bulk: bool) -> dict:
    try:
        import tablib
        from import_export import fields, resources, widgets
    except ImportError:
        sys.exit("django-import-export is not installed: .venv/bin/pip install -r bench/requirements.txt")
    from employees.importer import COLUMNS
    from employees.models import Employee, UnitKerja

    class EmployeeResource(resources.ModelResource):
        unit = fields.Field(
            attribute="unit", column_name="kode unit kerja", widget=widgets.ForeignKeyWidget(UnitKerja, field="code")
        )

        class Meta:
            model = Employee
            import_id_fields = ["nip"]
            fields = [column.field for column in COLUMNS if column.field != "unit_code"] + ["unit"]
            skip_unchanged = True

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            # Our CSV's headers are the Indonesian ones of Purna's template.
            for column in COLUMNS:
                if column.field in self.fields:
                    self.fields[column.field].column_name = column.header

    EmployeeResource._meta.use_bulk = use_bulk
    start = time.perf_counter()
    with path.open(encoding="utf-8") as file:
        dataset = tablib.Dataset().load(file.read(), format="csv")
    result = EmployeeResource().import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
    seconds = time.perf_counter() - start
    totals = result.totals
    return {
        "rows": len(dataset),
        "seconds": seconds,
        "created": totals.get("new", 0),
        "updated": totals.get("update", 0),
        "unchanged": totals.get("skip", 0),
    }


def child(args: argparse.Namespace) -> None:
    django_setup()
    if args.empty:
        register_empty()
    path = Path(args.file)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    measures = {
        "purna": measure_purna,
        "bulk": measure_bulk,
        "copy": measure_copy,
        "dje": lambda path: measure_dje(path, use_bulk=False),
        "dje-bulk": lambda path: measure_dje(path, use_bulk=True),
    }
    figures = measures[args.measure](path)
    if "skipped" in figures:
        print(json.dumps(figures))
        return
    figures["cpu"] = time.process_time() - cpu
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures["baseline_mb"] = baseline / 1024
    print(json.dumps(figures))


def run(label: str, measure: str, path: Path, *, empty: bool, repeat: int = 1, before: Path | None = None) -> dict:
    """The best of `repeat` runs (each in a fresh process; `before` is imported first, unmeasured, to
    put the register in the state the measurement needs)."""
    best: dict = {}
    for _attempt in range(repeat):
        if before is not None:
            _child("purna", before, empty=True)
        figures = _child(measure, path, empty=empty and before is None)
        if not figures:
            print(f"{label}: FAILED")
            raise SystemExit(1)
        if "skipped" in figures:
            print(f"{label:<46} skipped: {figures['skipped']}")
            return {}
        if not best or figures["seconds"] < best["seconds"]:
            best = figures
    rate = best["rows"] / best["seconds"]
    print(
        f"{label:<46} {best['rows']:>7,} rows {best['seconds']:6.1f} s {rate:>8,.0f} rows/s "
        f"(CPU {best['cpu']:5.1f} s) peak {best['peak_mb']:4.0f} MB (Django alone {best['baseline_mb']:.0f} MB)  "
        f"created {best['created']:,} updated {best['updated']:,} unchanged {best['unchanged']:,}"
    )
    return best


def _child(measure: str, path: Path, *, empty: bool) -> dict:
    command = [sys.executable, __file__, "--measure", measure, "--file", str(path)] + (["--empty"] if empty else [])
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    if done.returncode:
        print(f"{done.stdout}\n{done.stderr}")
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dje-rows", type=int, default=20_000, help="rows given to django-import-export")
    parser.add_argument("--no-dje", action="store_true", help="skip django-import-export")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--repeat", type=int, default=1, help="best of N runs for each of Purna's measurements (noisy machines)"
    )
    parser.add_argument("--measure", choices=["purna", "bulk", "copy", "dje", "dje-bulk"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--empty", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        child(args)
        return

    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(machine())
    start = time.perf_counter()
    csv_path, changed_path, xlsx_path = files_make(args.rows, args.seed)
    print(
        f"files: {csv_path.name} {csv_path.stat().st_size / 1e6:.1f} MB, {xlsx_path.name} "
        f"{xlsx_path.stat().st_size / 1e6:.1f} MB (made or found in {time.perf_counter() - start:.1f} s)"
    )
    print(f"load average before: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    repeat = args.repeat
    results = [
        run("Purna CSV, empty register (all created)", "purna", csv_path, empty=True, repeat=repeat),
        run("Purna CSV again (all unchanged)", "purna", csv_path, empty=False, repeat=repeat, before=csv_path),
        run(
            "Purna CSV, jabatan changed (all updated)",
            "purna",
            changed_path,
            empty=False,
            repeat=repeat,
            before=csv_path,
        ),
        run("Purna XLSX, empty register (all created)", "purna", xlsx_path, empty=True, repeat=repeat),
    ]
    purna_seconds = results[0]["seconds"] if results[0] else 0
    if results[0] and results[3]:
        print(
            f"  Purna XLSX / Purna CSV (both all created, reference): {ratio(results[3]['seconds'], purna_seconds)} "
            f"the time, peak {results[3]['peak_mb']:.0f} MB against {results[0]['peak_mb']:.0f} MB "
            f"(goal <= 1.3x, < 200 MB)"
        )
    for label, measure in (
        ("reference: bulk_create upsert, empty register", "bulk"),
        ("reference: COPY, empty register", "copy"),
    ):
        reference = run(label, measure, csv_path, empty=True, repeat=repeat)
        if reference and purna_seconds:
            print(f"  Purna CSV (all created) / {measure}: {ratio(purna_seconds, reference['seconds'])} the time")
    if not args.no_dje and importlib.util.find_spec("import_export") is None:
        print("django-import-export is not installed (bench/requirements.txt): its comparison is skipped")
    elif not args.no_dje:
        head = file_head(csv_path, args.dje_rows)
        dje = run("django-import-export, empty register", "dje", head, empty=True)
        dje_bulk = run("django-import-export use_bulk, empty register", "dje-bulk", head, empty=True)
        purna_rate = results[0]["rows"] / results[0]["seconds"] if results[0] else 0
        for label, figures in (("plain", dje), ("use_bulk", dje_bulk)):
            if figures and purna_rate:
                print(
                    f"Purna CSV is {purna_rate / (figures['rows'] / figures['seconds']):.0f}x django-import-export "
                    f"({label}) in rows/s, with validation, retirement facts and history it does not do"
                )
    print(f"load average after: {' '.join(f'{load:.2f}' for load in os.getloadavg())}")
    slow = [r for r in results if r and (r["seconds"] > BUDGET_SECONDS * r["rows"] / 100_000)]
    heavy = [r for r in results if r and r["peak_mb"] > BUDGET_MB]
    print(
        f"budget (per 100,000 rows < {BUDGET_SECONDS} s, < {BUDGET_MB} MB): "
        + ("met" if not slow and not heavy and all(results) else "NOT met")
    )


if __name__ == "__main__":
    main()
