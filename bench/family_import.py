"""Import a family sheet of a province's size (one spouse, two children and a parent per employee) with
Purna's family import job, and compare a plain bulk_create of the same members.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench .venv/bin/python bench/family_import.py --employees 50000

The register is seeded to --employees employees (bench/seed.py) and the family tables are emptied first
(use a database of its own). Each measurement runs in a process of its own and reports its wall time and
peak memory (maxrss):

- Purna, dry run: every row read, matched and checked, nothing written;
- Purna, import into empty families: every member added with its history row;
- Purna, the same file again: every member matched and unchanged (nothing written);
- the reference, in the same run: csv.DictReader, employees looked up by NIP, bulk_create of the members
  (nothing validated, no history, spouses before the children who name them).

The file has 4 rows per employee: 50,000 employees make a 200,000-row file (MAX_ROWS).
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
sys.path.insert(0, str(_BENCH.parent))

from bench._setup import ROOT, django_setup, employees_ensure, machine, ratio  # noqa: E402

OUT = ROOT / "var" / "bench"
HEADERS = ["nip", "hubungan", "nama", "tanggal_lahir", "tanggal_menikah", "orang_tua_lain", "status_anak"]


def write_file(path: Path, count: int) -> int:
    from employees.models import Employee

    rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for nip, birth in Employee.objects.order_by("pk").values_list("nip", "birth_date")[:count].iterator():
            wife = f"Pasangan {nip[-6:]}"
            year = birth.year
            writer.writerow([nip, "istri", wife, f"01-01-{year + 2}", f"01-06-{year + 25}", "", ""])
            for n in (1, 2):
                writer.writerow([nip, "anak", f"Anak {n} {nip[-6:]}", f"01-0{n}-{year + 27 + n}", "", wife, "kandung"])
            writer.writerow([nip, "ibu", f"Ibu {nip[-6:]}", f"01-01-{year - 25}", "", "", ""])
            rows += 4
    return rows


def empty_families() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        tables = [
            "employees_child",
            "employees_historicalchild",
            "employees_spouse",
            "employees_historicalspouse",
            "employees_parent",
            "employees_historicalparent",
        ]
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (the fixed table names above)


def measure(kind: str, path: Path) -> dict:
    """One measurement, in this (child) process."""
    from django.core.files import File

    from employees.choices import ImportKind
    from employees.services.imports import import_job_create, import_job_run

    start = time.perf_counter()
    if kind == "reference":
        result = reference(path)
    else:
        with path.open("rb") as handle:
            job = import_job_create(
                actor=None,
                file=File(handle, name=path.name),
                dry_run=kind == "dry",
                schedule=False,
                kind=ImportKind.FAMILY,
            )
        job = import_job_run(job_id=job.pk)
        result = {
            "status": job.status,
            "added": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "errors": job.errors[:2] if job.status != "done" else [],
        }
    result["seconds"] = time.perf_counter() - start
    result["max_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def reference(path: Path) -> dict:
    """A plain load: no rules, no matching against the recorded family, no history."""
    from employees.models import Child, Employee, Parent, Spouse

    employees = dict(Employee.objects.values_list("nip", "pk"))
    spouses, children, parents = [], [], []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            employee_id = employees[row["nip"]]
            day, month, year = row["tanggal_lahir"].split("-")
            birth = f"{year}-{month}-{day}"
            if row["hubungan"] == "istri":
                spouses.append(Spouse(employee_id=employee_id, name=row["nama"], birth_date=birth))
            elif row["hubungan"] == "anak":
                children.append(
                    (row["orang_tua_lain"], Child(employee_id=employee_id, name=row["nama"], birth_date=birth))
                )
            else:
                parents.append(Parent(employee_id=employee_id, name=row["nama"], relation="ibu", birth_date=birth))
    Spouse.objects.bulk_create(spouses, batch_size=2000)
    by_name = {(spouse.employee_id, spouse.name): spouse.pk for spouse in spouses}
    for name, child in children:
        child.other_parent_id = by_name.get((child.employee_id, name))
    Child.objects.bulk_create([child for _name, child in children], batch_size=2000)
    Parent.objects.bulk_create(parents, batch_size=2000)
    return {"status": "done", "added": len(spouses) + len(children) + len(parents)}


def run_child(kind: str, path: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", kind, "--file", str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true"},
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--measure", choices=["dry", "import", "again", "reference"])
    parser.add_argument("--file")
    args = parser.parse_args()
    django_setup()
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.file)), default=str))
        return
    print(machine())
    employees_ensure(args.employees)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"keluarga-{args.employees}.csv"
    rows = write_file(path, args.employees)
    print(f"file: {rows:,} rows, {path.stat().st_size / 1024 / 1024:.1f} MB")
    empty_families()
    figures = {"reference": run_child("reference", path)}
    empty_families()
    for kind in ("dry", "import", "again"):
        figures[kind] = run_child(kind, path)
    empty_families()
    for kind, result in figures.items():
        rate = rows / result["seconds"]
        print(
            f"{kind:>9}: {result['seconds']:7.1f} s, {rate:8,.0f} rows/s, peak {result['max_mb']:6.0f} MB, "
            f"{result['status']} added {result.get('added', 0):,} unchanged {result.get('unchanged', 0):,}"
            + (f" errors {result['errors']}" if result.get("errors") else "")
        )
    print(f"import / reference: {ratio(figures['import']['seconds'], figures['reference']['seconds'])}")


if __name__ == "__main__":
    main()
