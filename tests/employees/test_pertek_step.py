"""BKN's pertek as its own step of the proposal (employees/cases.py): recorded with its number and date,
through the record's write path and its page, followed by the work list and the SK."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from employees.choices import CaseStatus, RetirementKind
from employees.exceptions import CaseError
from employees.models import Employee, RetirementCase
from employees.scope import ALL_UNITS
from employees.selectors import retirement_worklist
from employees.selectors.cases import retirement_case_card
from employees.services.cases import retirement_case_open, retirement_case_transition
from tests.employees.case_fixtures import (
    checklist_complete,
    first_of_month,
    in_english,
    make_employee,
    snapshot,
    today_fixture,  # noqa: F401 (a fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


@pytest.fixture
def proposed(actor, today):
    employee = make_employee(tmt=first_of_month(today, 10))
    case = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    checklist_complete(case)
    return retirement_case_transition(
        case=case, to_status=CaseStatus.PROPOSED, actor=actor, proposed_on=today - dt.timedelta(days=20)
    )


@pytest.mark.parametrize(
    ("facts", "fields"),
    [
        ({}, {"pertek_number", "pertek_date"}),
        ({"pertek_number": "AR-03.01/9"}, {"pertek_date"}),
        ({"pertek_date": "today"}, {"pertek_number"}),
        ({"pertek_number": "AR-03.01/9", "pertek_date": "long_ago"}, {"pertek_date"}),
    ],
)
def test_the_pertek_is_refused_without_its_number_and_date(actor, today, proposed, facts, fields):
    days = {"today": today, "long_ago": today - dt.timedelta(days=400)}
    facts = {name: days.get(value, value) for name, value in facts.items()}
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=proposed, to_status=CaseStatus.PERTEK, actor=actor, **facts)

    assert set(caught.value.errors) == fields
    assert snapshot() == before


def test_the_pertek_is_recorded_and_the_sk_follows_it(actor, today, proposed):
    case = retirement_case_transition(
        case=proposed,
        to_status=CaseStatus.PERTEK,
        actor=actor,
        pertek_number=" AR-03.01/12345/KR.VIII/2026 ",
        pertek_date=today - dt.timedelta(days=5),
    )

    case.refresh_from_db()
    assert (case.status, case.pertek_number, case.pertek_date) == (
        CaseStatus.PERTEK,
        "AR-03.01/12345/KR.VIII/2026",
        today - dt.timedelta(days=5),
    )
    change = case.status_changes.order_by("-pk").first()
    assert (change.from_status, change.to_status, change.actor) == (CaseStatus.PROPOSED, CaseStatus.PERTEK, actor)
    assert case.history.first().pertek_number == "AR-03.01/12345/KR.VIII/2026"
    # The work list reads the new step.
    employee = Employee.objects.get(pk=case.employee_id)
    assert employee.case_status == CaseStatus.PERTEK
    assert list(retirement_worklist(scope=ALL_UNITS, months=24, case_status=CaseStatus.PERTEK)) == [employee]

    # The SK cannot be dated before the pertek; with the pertek already recorded it needs only the SK.
    with pytest.raises(CaseError) as caught:
        retirement_case_transition(
            case=case,
            to_status=CaseStatus.SK_ISSUED,
            actor=actor,
            sk_number="800/1",
            sk_date=today - dt.timedelta(days=6),
            sk_signer="Bupati Contoh",
        )
    assert "pertek_date" in caught.value.errors
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="800/1", sk_date=today, sk_signer="Bupati"
    )
    case.refresh_from_db()
    assert (case.status, case.pertek_number) == (CaseStatus.SK_ISSUED, "AR-03.01/12345/KR.VIII/2026")


def test_the_database_refuses_a_pertek_status_without_its_pertek(proposed):
    with pytest.raises(IntegrityError), transaction.atomic():
        RetirementCase.objects.filter(pk=proposed.pk).update(status=CaseStatus.PERTEK)


def test_the_card_offers_the_pertek_first_and_the_page_records_it(operator_client, operator, today, proposed):
    card = retirement_case_card(employee=proposed.employee)
    assert card.next_steps[0].status == CaseStatus.PERTEK
    assert [step.status for step in card.steps] == [
        CaseStatus.PREPARING,
        CaseStatus.PROPOSED,
        CaseStatus.PERTEK,
        CaseStatus.SK_ISSUED,
        CaseStatus.DONE,
    ]
    page = in_english(operator_client).get(reverse("employees:case_detail", args=[proposed.pk])).content.decode()
    assert "Record BKN&#x27;s pertek" in page and f'id="pertek-number-{proposed.pk}-step"' in page
    url = reverse("employees:case_transition", args=[proposed.pk, CaseStatus.PERTEK])

    refused = operator_client.post(url, {"pertek_number": "", "pertek_date": ""})
    assert refused.status_code == 200 and refused.context["form"].errors.keys() == {"pertek_number", "pertek_date"}

    response = operator_client.post(url, {"pertek_number": "AR-7", "pertek_date": today.isoformat(), "note": ""})
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.status, proposed.pertek_number, proposed.pertek_date) == (CaseStatus.PERTEK, "AR-7", today)
    listed = in_english(operator_client).get(reverse("employees:retiring"), {"bulan": 24, "status": CaseStatus.PERTEK})
    assert proposed.employee.name in listed.content.decode()
    assert "Pertek issued by BKN" in listed.content.decode()
