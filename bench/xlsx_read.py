"""Read an XLSX sheet row by row: Purna's reader (purna/spreadsheets.py, a stream) against python-calamine
0.9.1 (the reference: the whole sheet in memory, Purna's reader before 7 December 2026), and openpyxl's
read-only mode when openpyxl is installed. Each in a process of its own: CPU seconds, the process's peak
memory (maxrss) and what it stood at before the file was opened, the ratios to the reference.

    .venv/bin/python bench/xlsx_read.py --file var/bench/employees-100000.xlsx   # bench/import.py writes it
    .venv/bin/python bench/xlsx_read.py --rows 300                                # a sheet made here

Purna's figure is open_sheet's, as an import calls it: the archive checked (purna/uploads.py), the sheet's
XML checked from end to end, then every row read.
"""

import argparse
import datetime as dt
import io
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

from bench._setup import ROOT, django_setup, machine  # noqa: E402

OUT = ROOT / "var" / "bench"


def sheet_make(rows: int) -> Path:
    """A register-like sheet (25 columns: text, some empty, three dates) written as bench/import.py does."""
    import xlsxwriter

    path = OUT / f"xlsx-read-{rows}.xlsx"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Pegawai")
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, [f"kolom {column}" for column in range(25)])
    for row in range(1, rows + 1):
        for column in range(25):
            if column in (7, 15, 16):
                sheet.write_datetime(row, column, dt.date(1960 + row % 40, 1 + row % 12, 1 + row % 28), date_format)
            elif column % 6 != 5:
                sheet.write_string(row, column, f"nilai {row} {column}")
    workbook.close()
    return path


def read_purna(path: Path) -> tuple[int, int]:
    from purna import spreadsheets

    data = path.read_bytes()
    sheet = spreadsheets.open_sheet(io.BytesIO(data), name=path.name, size=len(data), max_bytes=len(data), headers=[])
    return _count(cells for _number, cells in sheet.rows)


def read_calamine(path: Path) -> tuple[int, int]:
    from python_calamine import CalamineWorkbook

    with path.open("rb") as file:
        sheet = CalamineWorkbook.from_filelike(file).get_sheet_by_index(0)
        return _count(sheet.iter_rows())


def read_openpyxl(path: Path) -> tuple[int, int]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    return _count(workbook.worksheets[0].iter_rows(values_only=True))


def _count(rows) -> tuple[int, int]:
    count = cells = 0
    for row in rows:
        count += 1
        cells += sum(1 for cell in row if cell is not None and cell != "")
    return count, cells


READERS = {"purna": read_purna, "calamine": read_calamine, "openpyxl": read_openpyxl}


def child(reader: str, path: Path) -> None:
    if reader == "openpyxl":
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            print(json.dumps({"skipped": "openpyxl is not installed"}))
            return
    if reader == "purna":
        django_setup()  # Django's own memory is in the baseline, not in the reading
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu, start = time.process_time(), time.perf_counter()
    rows, cells = READERS[reader](path)
    print(
        json.dumps(
            {
                "rows": rows,
                "cells": cells,
                "cpu": time.process_time() - cpu,
                "seconds": time.perf_counter() - start,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "baseline_mb": baseline / 1024,
            }
        )
    )


def run(reader: str, path: Path) -> dict:
    command = [sys.executable, __file__, "--measure", reader, "--file", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    if done.returncode:
        raise SystemExit(f"{reader} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", help="an XLSX to read (default: a sheet of --rows rows made here)")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--measure", choices=sorted(READERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        child(args.measure, Path(args.file))
        return
    path = Path(args.file) if args.file else sheet_make(args.rows)
    django_setup()
    print(machine())
    print(f"file: {path.name}, {path.stat().st_size / 1e6:.1f} MB; load average {os.getloadavg()[0]:.2f}")
    reference = run("calamine", path)
    for label, reader in (
        ("reference: python-calamine", "calamine"),
        ("Purna (stream)", "purna"),
        ("openpyxl read-only", "openpyxl"),
    ):
        figures = reference if reader == "calamine" else run(reader, path)
        if "skipped" in figures:
            print(f"{label:<28} skipped: {figures['skipped']}")
            continue
        grown = figures["peak_mb"] - figures["baseline_mb"]
        print(
            f"{label:<28} {figures['rows']:>8,} rows {figures['cells']:>10,} cells  CPU {figures['cpu']:6.2f} s "
            f"({figures['cpu'] / reference['cpu']:.2f}x the reference)  wall {figures['seconds']:6.2f} s  "
            f"peak {figures['peak_mb']:4.0f} MB, {grown:+4.0f} MB while reading "
            f"({grown / max(reference['peak_mb'] - reference['baseline_mb'], 1):.2f}x the reference)"
        )


if __name__ == "__main__":
    main()
