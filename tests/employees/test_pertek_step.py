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
from employees.services.cases import (
    retirement_case_decision_correct,
    retirement_case_open,
    retirement_case_transition,
)
from purna import roles
from tests.employees.case_fixtures import (
    checklist_complete,
    first_of_month,
    in_english,
    make_employee,
    snapshot,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import UnitKerjaFactory

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


@pytest.fixture
def pertek(actor, today, proposed):
    return retirement_case_transition(
        case=proposed,
        to_status=CaseStatus.PERTEK,
        actor=actor,
        pertek_number="AR-03.01/9",
        pertek_date=today - dt.timedelta(days=5),
    )


def test_a_pertek_typed_wrong_is_corrected_with_a_reason_in_the_status_history(actor, today, pertek):
    changes = pertek.status_changes.count()

    corrected = retirement_case_decision_correct(
        case=pertek, actor=actor, note="Salah ketik nomor", pertek_number="AR-03.01/99", pertek_date=today
    )

    corrected.refresh_from_db()
    assert (corrected.status, corrected.pertek_number, corrected.pertek_date) == (
        CaseStatus.PERTEK,
        "AR-03.01/99",
        today,
    )
    change = corrected.status_changes.order_by("-pk").first()
    assert corrected.status_changes.count() == changes + 1
    assert (change.from_status, change.to_status, change.actor) == (CaseStatus.PERTEK, CaseStatus.PERTEK, actor)
    assert "AR-03.01/9 -> AR-03.01/99" in change.note and "Salah ketik nomor" in change.note
    assert corrected.history.first().history_change_reason == "Salah ketik nomor"


@pytest.mark.parametrize(
    ("facts", "note", "field"),
    [
        ({"pertek_number": "AR-1"}, "", "note"),
        ({"pertek_number": ""}, "typo", "pertek_number"),
        ({"pertek_date": None}, "typo", "pertek_date"),
        ({"pertek_date": "future"}, "typo", "pertek_date"),
        ({"pertek_date": "before_proposal"}, "typo", "pertek_date"),
        ({"sk_number": "800/1"}, "typo", "__all__"),
    ],
)
def test_a_bad_pertek_correction_changes_nothing(actor, today, pertek, facts, note, field):
    days = {"future": today + dt.timedelta(days=1), "before_proposal": pertek.proposed_on - dt.timedelta(days=1)}
    facts = {name: days.get(value, value) if isinstance(value, str) else value for name, value in facts.items()}
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_decision_correct(case=pertek, actor=actor, note=note, **facts)

    assert field in caught.value.errors
    assert snapshot() == before


def test_a_proposal_without_its_pertek_has_none_to_correct(actor, proposed):
    before = snapshot()
    with pytest.raises(CaseError):
        retirement_case_decision_correct(case=proposed, actor=actor, note="typo", pertek_number="AR-1")
    assert snapshot() == before


def test_the_case_page_corrects_the_pertek(operator_client, operator, today, pertek):
    client = in_english(operator_client)
    page = client.get(reverse("employees:case_detail", args=[pertek.pk])).content.decode()
    url = reverse("employees:case_pertek_correct", args=[pertek.pk])
    assert f'href="{url}?next=' in page

    form = client.get(url)
    assert form.status_code == 200 and 'value="AR-03.01/9"' in form.content.decode()
    refused = client.post(url, {"pertek_number": "AR-03.01/99", "pertek_date": today.isoformat(), "note": ""})
    assert refused.status_code == 200 and "note" in refused.context["form"].errors

    response = client.post(url, {"pertek_number": "AR-03.01/99", "pertek_date": today.isoformat(), "note": "Typo"})
    assert response.status_code == 302
    pertek.refresh_from_db()
    assert (pertek.status, pertek.pertek_number) == (CaseStatus.PERTEK, "AR-03.01/99")
    history = client.get(reverse("employees:case_detail", args=[pertek.pk])).content.decode()
    assert "(corrected)" in history and "AR-03.01/9 -&gt; AR-03.01/99" in history


def test_the_pertek_correction_is_refused_without_the_permission_or_the_scope(
    client, pimpinan, role_user, today, pertek
):
    url = reverse("employees:case_pertek_correct", args=[pertek.pk])
    data = {"pertek_number": "AR-2", "pertek_date": today.isoformat(), "note": "Typo"}
    assert client.post(url, data).status_code in (302, 403)  # anonymous: to the sign-in page
    client.force_login(pimpinan)
    assert client.post(url, data).status_code == 403
    client.force_login(role_user(roles.OPERATOR, units=[UnitKerjaFactory()]))
    assert client.post(url, data).status_code == 404
    pertek.refresh_from_db()
    assert pertek.pertek_number == "AR-03.01/9"
