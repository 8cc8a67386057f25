"""What the tests of the retirement records share (the services', the pages', the work list's): an
employee made through the register's service, the dates they use, and their fixtures.

A test module takes a fixture by importing it (`today_fixture` is the fixture `today`).
"""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from PIL import Image

from employees.choices import RetirementKind
from employees.models import CaseDocument, CaseStatusChange, Employee, RetirementCase
from employees.nip import build_ni_pppk, build_nip
from employees.retirement import add_months
from employees.services.cases import retirement_case_open
from employees.services.register import employee_create
from tests.factories import UnitKerjaFactory

D = dt.date


@pytest.fixture(name="today")
def today_fixture():
    return timezone.localdate()


_sequence = iter(range(1, 999))


def make_employee(*, tmt: dt.date, **overrides) -> Employee:
    """A pelaksana (BUP 58) whose computed TMT pensiun is `tmt` (a 1st), made through employee_create."""
    birth = add_months(tmt, -58 * 12 - 1).replace(day=15)
    tmt_cpns = overrides.pop("tmt_cpns", D(birth.year + 24, 3, 1))
    values = {
        "name": "Siti Aminah",
        "birth_date": birth,
        "gender": "2",
        "tmt_cpns": tmt_cpns,
        "jenis_jabatan": "pelaksana",
        "golongan": "III/c",
        "unit": UnitKerjaFactory(),
    }
    values.update(overrides)
    if values.get("asn_type") == "PPPK":
        values.setdefault("nip", build_ni_pppk(birth, tmt_cpns.year, values["gender"], next(_sequence)))
    values.setdefault("nip", build_nip(birth, tmt_cpns, values["gender"], next(_sequence)))
    employee = employee_create(actor=None, **values)
    assert employee.tmt_pensiun == tmt or values.get("asn_type") == "PPPK"
    return employee


def first_of_month(today: dt.date, months: int) -> dt.date:
    return add_months(today.replace(day=1), months)


def snapshot(case_or_employee=None) -> dict:
    """Everything an error must leave untouched."""
    return {
        "cases": list(RetirementCase.objects.order_by("pk").values()),
        "changes": CaseStatusChange.objects.count(),
        "case_history": RetirementCase.history.count(),
        "documents": list(CaseDocument.objects.order_by("pk").values()),
        "document_history": CaseDocument.history.count(),
        "employees": list(Employee.objects.order_by("pk").values("pk", "status", "tmt_pensiun")),
        "employee_history": Employee.history.count(),
    }


@pytest.fixture(name="retired_last_month")
def retired_last_month_fixture(actor, today):
    """A BUP record whose TMT was the first of this month: it can go all the way to done."""
    employee = make_employee(tmt=today.replace(day=1))
    case = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    checklist_complete(case)
    return case


def in_english(client: Client) -> Client:
    """Pages are Indonesian unless English is chosen (purna.middleware): tests that read messages choose it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def month_ahead(today: dt.date, months: int) -> dt.date:
    return add_months(today.replace(day=1), months)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (11, 93, 75)).save(buffer, format="PNG")
    return buffer.getvalue()


def checklist_complete(case: RetirementCase) -> None:
    """The required documents of the person's checklist marked as uploaded for `case` (rows only, no
    files): a record whose checklist cannot block the proposal to BKN, for tests about something else."""
    from employees.models import DocumentType
    from employees.selectors.checklist import checklist_items, missing_by_case

    record = missing_by_case(checklist_items(), case_ids=[case.pk]).get(case.pk)
    codes = [item.code for item in record.missing] if record else []
    CaseDocument.objects.bulk_create(
        CaseDocument(
            case=case,
            document_type=document_type,
            file=f"cases/{case.pk}/{document_type.code}.pdf",
            original_name=f"{document_type.code}.pdf",
            content_type="application/pdf",
            size=1,
        )
        for document_type in DocumentType.objects.filter(code__in=codes)
    )
