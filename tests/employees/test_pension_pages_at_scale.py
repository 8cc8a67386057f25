"""The pension proposal's pages keep a fixed query count whatever the data: each page is counted with a
handful of records, then again after 600 retirement records (every kind, BKN's BTL/TMS answers among them)
and 2,000 family members were added in bulk, the record shown getting a large family of its own and a
collective cover letter of 300 records. The counts must be equal (issue 17, "Quality")."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceremonies.services.pension import cover_letter_issue
from employees.choices import CaseStatus, Gender, ParentRelation, RetirementKind
from employees.models import CaseStatusChange, Child, Employee, Parent, RetirementCase, Spouse
from employees.retirement import add_months
from employees.services.cases import retirement_worklist_sync
from portal.demo import instansi_ensure
from purna import roles
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents")]

CASES = 600
FAMILY = 2000
KINDS = [RetirementKind.BUP, RetirementKind.DEATH, RetirementKind.APS, RetirementKind.KILLED]
STATUSES = [CaseStatus.PREPARING, CaseStatus.PROPOSED, CaseStatus.INCOMPLETE, CaseStatus.NOT_ELIGIBLE]


def family_add(employee: Employee, *, spouses: int, children: int, parents: int = 0) -> int:
    wives = Spouse.objects.bulk_create(
        Spouse(employee=employee, name=f"Istri {n} {employee.pk}", order=n + 1, birth_date=dt.date(1970, 1, 1))
        for n in range(spouses)
    )
    Child.objects.bulk_create(
        Child(
            employee=employee,
            name=f"Anak {n} {employee.pk}",
            gender=Gender.MALE if n % 2 else Gender.FEMALE,
            birth_date=dt.date(2000 + n % 20, 1 + n % 12, 1),
            other_parent=wives[n % len(wives)] if wives else None,
        )
        for n in range(children)
    )
    Parent.objects.bulk_create(
        Parent(employee=employee, name=f"Orang tua {n} {employee.pk}", relation=relation)
        for n, relation in enumerate(list(ParentRelation)[:parents])
    )
    return spouses + children + parents


@pytest.fixture
def world(private_media):
    """One unit, its operator, a death record with a small family (the pages' subject), a BUP record with
    a BKN answer, and a cover letter for the death record."""
    instansi_ensure()
    unit = UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")
    operator = UserFactory(username="op-skala", roles=[roles.OPERATOR], units=[unit])
    today = timezone.localdate()
    employee = EmployeeFactory(unit=unit, gender=Gender.MALE, tmt_pensiun=add_months(today.replace(day=1), 20))
    family_add(employee, spouses=1, children=2)
    case = RetirementCaseFactory(
        employee=employee,
        kind=RetirementKind.DEATH,
        died_on=today - dt.timedelta(days=10),
        tmt=add_months(today.replace(day=1), 1),
    )
    other = RetirementCaseFactory(employee__unit=unit, status=CaseStatus.INCOMPLETE)
    CaseStatusChange.objects.create(
        case=other, from_status=CaseStatus.PROPOSED, to_status=CaseStatus.INCOMPLETE, note="SKP tidak dilampirkan"
    )
    letter = cover_letter_issue(cases=[case], actor=operator, attachments=1)
    return {"unit": unit, "operator": operator, "case": case, "letter": letter}


def grow(world) -> RetirementCase:
    """600 records of every kind and status in the unit (BTL/TMS with BKN's reason), 2,000 family members
    (the subject's own family grows too), and a collective cover letter of 300 records, all in bulk."""
    unit, today = world["unit"], timezone.localdate()
    people = Employee.objects.bulk_create(
        EmployeeFactory.build(unit=unit, tmt_pensiun=add_months(today.replace(day=1), 1 + n % 24)) for n in range(CASES)
    )
    records = RetirementCase.objects.bulk_create(
        RetirementCase(
            employee=person,
            kind=kind,
            status=status,
            tmt=person.tmt_pensiun,
            proposal_due=add_months(person.tmt_pensiun, -12),
            died_on=today - dt.timedelta(days=5) if kind in (RetirementKind.DEATH, RetirementKind.KILLED) else None,
        )
        for person, kind, status in zip(people, itertools.cycle(KINDS), itertools.cycle(STATUSES), strict=False)
    )
    CaseStatusChange.objects.bulk_create(
        CaseStatusChange(case=record, from_status=CaseStatus.PROPOSED, to_status=record.status, note=f"Alasan {n % 9}")
        for n, record in enumerate(records)
        if record.status in (CaseStatus.INCOMPLETE, CaseStatus.NOT_ELIGIBLE)
    )
    retirement_worklist_sync(employee_ids=[person.pk for person in people])
    subject = world["case"].employee
    added = family_add(subject, spouses=3, children=37, parents=2)
    for person in people:
        if added >= FAMILY:
            break
        added += family_add(person, spouses=1, children=3)
    assert added >= FAMILY
    world["large_letter"] = cover_letter_issue(cases=records[:300], actor=world["operator"], attachments=300)
    return world["case"]


PAGES = {
    "case page": lambda w: reverse("employees:case_detail", args=[w["case"].pk]),
    "work list": lambda w: reverse("employees:retiring"),
    "employee page with family": lambda w: reverse("employees:detail", args=[w["case"].employee_id]),
    "DPCP page": lambda w: reverse("ceremonies:pension_dpcp", args=[w["case"].pk]),
    "BKN answers report": lambda w: reverse("employees:bkn_answers"),
    "cover letter list": lambda w: reverse("ceremonies:pension_papers"),
    "cover letter": lambda w: reverse("ceremonies:pension_cover_letter", args=[w["letter"].pk]),
}


def counted(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_pension_pages_keep_their_query_count_with_600_records_and_2000_family_members(client, world):
    client.force_login(world["operator"])
    for url in (make(world) for make in PAGES.values()):
        client.get(url)  # warm the session, permission and content type caches
    small = {name: counted(client, make(world)) for name, make in PAGES.items()}

    grow(world)
    large = {name: counted(client, make(world)) for name, make in PAGES.items()}
    large["cover letter"] = counted(client, reverse("ceremonies:pension_cover_letter", args=[world["large_letter"].pk]))

    assert large == small
    letter_page = client.get(reverse("ceremonies:pension_cover_letter", args=[world["large_letter"].pk]))
    assert letter_page.content.decode().count("<tr><td>") == 300
    assert Child.objects.filter(employee=world["case"].employee).count() == 39
    assert RetirementCase.objects.count() == CASES + 2
