"""What the SIASN reconciliation tests share: two units, an operator of one of them, records, and lists."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from employees.choices import CaseStatus
from purna import roles
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory, UserFactory

D = dt.date
HEADERS = ["NIP", "status usulan", "nomor pertek", "tanggal pertek", "nomor SK", "tanggal SK", "penandatangan SK",
           "TMT pensiun"]  # fmt: skip
TMT = D(2027, 1, 1)


def siasn_csv(rows: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return text.getvalue().encode()


def upload(data: bytes, name: str = "siasn.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def sk_row(employee, **overrides) -> dict[str, Any]:
    """SIASN's SK for an employee (pertek, SK, signer), on the record's TMT."""
    return {
        "NIP": employee.nip,
        "status usulan": "SK Terbit",
        "nomor pertek": f"PT-{employee.pk}/2026",
        "tanggal pertek": "01-06-2026",
        "nomor SK": f"SK-{employee.pk}/2026",
        "tanggal SK": "2026-07-01",
        "penandatangan SK": "Bupati Contoh",
        "TMT pensiun": "01-01-2027",
        **overrides,
    }


@pytest.fixture(name="world")
def world_fixture(db, private_media):
    """Unit A (the operator's) with a proposed record and an employee without one; unit B with a record."""
    unit_a = UnitKerjaFactory(code="DINAS-A", name="Dinas A")
    unit_b = UnitKerjaFactory(code="DINAS-B", name="Dinas B")
    operator = UserFactory(username="operator-a", roles=[roles.OPERATOR], units=[unit_a])
    proposed = RetirementCaseFactory(
        employee=EmployeeFactory(unit=unit_a), tmt=TMT, status=CaseStatus.PROPOSED, proposed_on=D(2026, 3, 1)
    )
    no_record = EmployeeFactory(unit=unit_a)
    other_unit = RetirementCaseFactory(
        employee=EmployeeFactory(unit=unit_b), tmt=TMT, status=CaseStatus.PROPOSED, proposed_on=D(2026, 3, 1)
    )
    return {
        "unit_a": unit_a,
        "unit_b": unit_b,
        "operator": operator,
        "proposed": proposed,
        "no_record": no_record,
        "other_unit": other_unit,
    }
