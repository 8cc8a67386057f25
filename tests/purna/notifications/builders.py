"""Test data for the outbox tests: employees at a given distance from their TMT, records, documents, staff."""

import datetime as dt

from django.apps import apps as global_apps
from django.core.files.base import ContentFile

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.models import CaseDocument, DocumentType, Employee, RetirementCase
from employees.retirement import add_months
from employees.services.cases import retirement_worklist_sync
from purna import roles
from tests.conftest import seed_documents
from tests.factories import EmployeeFactory, UserFactory


def document_types_ensure() -> list[DocumentType]:
    """The checklist of migration 0005 (a transactional test elsewhere may have flushed it)."""
    seed_documents(global_apps, None)
    return list(DocumentType.objects.filter(is_active=True, is_required=True).order_by("order", "name"))


def first_of_month(day: dt.date, months: int) -> dt.date:
    return add_months(day.replace(day=1), months)


def employee_retiring(tmt: dt.date, *, status: str = EmployeeStatus.AKTIF, **fields) -> Employee:
    """An employee whose stored TMT pensiun is `tmt` (the facts are stored, not computed, here)."""
    fields.setdefault("email", f"pegawai{Employee.objects.count() + 1}@contoh.go.id")
    return EmployeeFactory(tmt_pensiun=tmt, status=status, **fields)


def case_open(
    employee: Employee, *, status: str = CaseStatus.PREPARING, due: dt.date | None = None, tmt: dt.date | None = None
) -> RetirementCase:
    tmt = tmt or employee.tmt_pensiun
    extra = {}
    if status in (CaseStatus.SK_ISSUED, CaseStatus.DONE):
        extra = {"sk_number": "800/1/BKPSDM/2026", "sk_date": add_months(tmt, -2)}
    case = RetirementCase.objects.create(
        employee=employee,
        kind=RetirementKind.BUP,
        tmt=tmt,
        status=status,
        proposal_due=due or add_months(tmt, -12),
        **extra,
    )
    # Written around the services, so the work list's copy on the employee row is brought in step here.
    retirement_worklist_sync(employee_ids=[employee.pk])
    return case


def documents_upload(case: RetirementCase, document_types) -> None:
    for document_type in document_types:
        CaseDocument.objects.create(
            case=case,
            document_type=document_type,
            file=ContentFile(b"%PDF-1.4 test", name="dokumen.pdf"),
            original_name="dokumen.pdf",
            content_type="application/pdf",
            size=13,
        )


def staff(role: str, username: str, email: str | None = None, **fields):
    """A user of a role; `email` defaults to one derived from the username ("" for none)."""
    fields.setdefault("password", None)  # no hashing unless the test signs in
    return UserFactory(
        roles=[role], username=username, email=f"{username}@bkpsdm.contoh.go.id" if email is None else email, **fields
    )


def operator(username: str = "operator-bkd", **fields):
    fields = {"first_name": "Sri", "last_name": "Rahayu", **fields}
    return staff(roles.OPERATOR, username, **fields)


def pimpinan(username: str = "kepala-bkpsdm", **fields):
    fields = {"first_name": "Bambang", "last_name": "Sutrisno", **fields}
    return staff(roles.PIMPINAN, username, **fields)
