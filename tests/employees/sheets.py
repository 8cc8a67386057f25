"""Spreadsheets for the import and export tests: consistent rows, CSV and XLSX files made in memory."""

import csv
import datetime as dt
import io
from typing import Any

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from employees.importer import COLUMNS
from employees.nip import build_ni_pppk, build_nip

HEADERS = [column.header for column in COLUMNS]
D = dt.date


def row(sequence: int = 1, **overrides: Any) -> dict[str, Any]:
    """A consistent PNS row (its NIP encodes its birth date, TMT CPNS and gender), by header."""
    birth, tmt, gender = D(1970, 5, 12), D(1995, 3, 1), "2"
    values: dict[str, Any] = {
        "NIP": build_nip(birth, tmt, gender, sequence),
        "NIP lama": "",
        "jenis ASN": "PNS",
        "gelar depan": "",
        "nama": f"Siti Aminah {sequence}",
        "gelar belakang": "S.Pd.",
        "tempat lahir": "Semarang",
        "tanggal lahir": "12-05-1970",
        "jenis kelamin": "P",
        "golongan": "III/c",
        "jabatan": "Pengelola Data",
        "jenis jabatan": "Pelaksana",
        "jenjang": "",
        "rumpun": "",
        "kode unit kerja": "BKPSDM",
        "TMT CPNS": "01-03-1995",
        "TMT PNS": "01-03-1996",
        "akhir kontrak": "",
        "email": f"siti{sequence}@contoh.go.id",
        "telepon": "(024) 351 1234",
        "email pribadi": f"siti{sequence}@gmail.com",
        "telepon pribadi": "0812 3456 7890",
        "alamat": "Jl. Pemuda No. 1, Semarang",
        "status": "Aktif",
        "TMT golongan": "01-04-2019",
    }
    values.update(overrides)
    return values


def pppk_row(sequence: int = 1, **overrides: Any) -> dict[str, Any]:
    """A consistent PPPK row: a guru ahli pertama with an NI PPPK and a contract end."""
    birth, year, gender = D(1990, 8, 17), 2022, "1"
    values = row(
        sequence,
        **{
            "NIP": build_ni_pppk(birth, year, gender, sequence),
            "jenis ASN": "PPPK",
            "nama": f"Budi Santoso {sequence}",
            "tanggal lahir": "17-08-1990",
            "jenis kelamin": "L",
            "golongan": "IX",
            "jabatan": "Guru Kelas",
            "jenis jabatan": "Fungsional",
            "jenjang": "Ahli Pertama",
            "rumpun": "Guru",
            "TMT CPNS": "01-03-2022",
            "TMT PNS": "",
            "akhir kontrak": "28-02-2027",
        },
    )
    values.update(overrides)
    return values


def csv_bytes(
    rows: list[dict[str, Any]],
    *,
    headers: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> bytes:
    headers = headers if headers is not None else HEADERS
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(header, "") for header in headers])
    return text.getvalue().encode(encoding)


def xlsx_bytes(
    rows: list[dict[str, Any]],
    *,
    headers: list[str] | None = None,
    formulas: dict[tuple[int, int], str] | None = None,
    numbers: bool = False,
    hidden_first_sheet: bool = False,
) -> bytes:
    """An XLSX with the rows on its first (visible) sheet; dates written as real dates.

    `formulas` puts a formula at (row, column), counted from 0 with the header as row 0. `numbers` writes
    digit-only cells as numbers, as Excel does when a column is not formatted as text.
    """
    headers = headers if headers is not None else HEADERS
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    if hidden_first_sheet:
        hidden = workbook.add_worksheet("Lama")
        hidden.write_string(0, 0, "bukan ini")
        hidden.hide()
    sheet = workbook.add_worksheet("Pegawai")
    date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 0, headers)
    for number, values in enumerate(rows, start=1):
        for column, header in enumerate(headers):
            value = values.get(header, "")
            if isinstance(value, dt.date):
                sheet.write_datetime(number, column, value, date_format)
            elif isinstance(value, int | float):
                sheet.write_number(number, column, value)
            elif numbers and isinstance(value, str) and value.isdigit():
                sheet.write_number(number, column, int(value))
            elif value != "":
                sheet.write_string(number, column, value)
    for (number, column), formula in (formulas or {}).items():
        sheet.write_formula(number, column, formula, None, 3)
    if hidden_first_sheet:
        sheet.activate()
    workbook.close()
    return buffer.getvalue()


def upload(data: bytes, name: str = "pegawai.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
