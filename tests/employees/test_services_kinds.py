"""Opening and correcting records of the kinds beyond BUP on the real database: the outcome stored from
the rule of the kind in force (employees/services/kinds.py), the KPP request, the facts page."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from employees.choices import CaseStatus, DisciplineLevel, EmployeeStatus, RetirementKind
from employees.exceptions import CaseError
from employees.models import Child, DisciplinePenalty, Employee, KindRule, Parent, RetirementCase, Spouse
from employees.retirement import add_months
from employees.selectors.kinds import case_kind_panel
from employees.services.cases import retirement_case_kind_facts_update, retirement_case_open
from purna import roles
from tests.employees.case_fixtures import (
    checklist_complete,
    first_of_month,
    in_english,
    make_employee,
    snapshot,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import UnitKerjaFactory, UserFactory

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- Death in service -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "multiplier"), [(RetirementKind.DEATH, 3), (RetirementKind.KILLED, 6)])
def test_a_death_stores_both_dates_and_the_uang_duka(actor, today, kind, multiplier):
    employee = make_employee(tmt=first_of_month(today, 30))
    died_on = today - dt.timedelta(days=2)

    case = retirement_case_open(
        employee=employee, kind=kind, died_on=died_on, last_income=Decimal("4250000.50"), actor=actor
    )

    case.refresh_from_db()
    assert case.died_on == died_on
    assert case.tmt == case.pension_from == add_months(month_start(died_on), 1)
    assert case.pension_first_paid == add_months(month_start(died_on), 5)
    assert case.uang_duka == Decimal("4250000.50") * multiplier
    assert case.with_pension is True
    assert case.kind_rule == KindRule.objects.get(kind=kind)
    assert case.history.latest().uang_duka == case.uang_duka


def test_a_death_without_its_income_has_no_uang_duka_until_the_income_is_given(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    case = retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=today, actor=actor)
    assert case.uang_duka is None

    case = retirement_case_kind_facts_update(
        case=case, actor=actor, died_on=today, last_income=Decimal("5000000"), note="Gaji terakhir dari SKPP"
    )

    case.refresh_from_db()
    assert case.uang_duka == Decimal("15000000.00")
    assert case.history.latest().history_change_reason == "Gaji terakhir dari SKPP"


def test_a_death_follows_the_rule_in_force_on_the_day_of_death(actor, today):
    # A later rule (from tomorrow) does not apply to a death today.
    KindRule.objects.create(
        kind=RetirementKind.DEATH,
        valid_from=today + dt.timedelta(days=1),
        legal_basis="Peraturan baru",
        uang_duka_multiplier=Decimal("4"),
        gaji_terusan_months=0,
        pension_tmt_after_months=1,
        first_payment_after_months=1,
    )
    employee = make_employee(tmt=first_of_month(today, 30))
    case = retirement_case_open(
        employee=employee, kind=RetirementKind.DEATH, died_on=today, last_income=Decimal("1000000"), actor=actor
    )
    assert case.uang_duka == Decimal("3000000.00")
    assert case.pension_first_paid == add_months(month_start(today), 5)


@pytest.mark.parametrize(
    ("died_on", "tmt", "message"),
    [
        (None, None, "Give the date of death"),
        ("tomorrow", None, "cannot be in the future"),
        ("before_cpns", None, "on or after the TMT CPNS"),
        ("today", "wrong", "leave it empty"),
    ],
)
def test_a_bad_date_of_death_is_refused_and_nothing_changes(actor, today, died_on, tmt, message):
    employee = make_employee(tmt=first_of_month(today, 30))
    days = {
        None: None,
        "tomorrow": today + dt.timedelta(days=1),
        "before_cpns": employee.tmt_cpns - dt.timedelta(days=1),
        "today": today,
    }
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_open(
            employee=employee,
            kind=RetirementKind.KILLED,
            died_on=days[died_on],
            tmt=first_of_month(today, 3) if tmt else None,
            actor=actor,
        )

    assert message in " ".join(caught.value.messages)
    assert snapshot() == before
    assert Employee.objects.get(pk=employee.pk).status == EmployeeStatus.AKTIF


def test_without_a_rule_in_force_a_death_is_refused(actor, today):
    KindRule.objects.filter(kind=RetirementKind.DEATH).delete()
    employee = make_employee(tmt=first_of_month(today, 30))
    with pytest.raises(CaseError, match="No rule for Death"):
        retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=today, actor=actor)
    assert not RetirementCase.objects.exists()


def test_the_date_of_death_moves_the_tmt_only_before_the_proposal(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    died_on = add_months(month_start(today), -2)
    case = retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=died_on, actor=actor)

    case = retirement_case_kind_facts_update(case=case, actor=actor, died_on=died_on - dt.timedelta(days=1))

    assert case.tmt == month_start(died_on)
    assert Employee.objects.get(pk=employee.pk).tmt_effective == case.tmt  # the work list follows

    from employees.services.cases import retirement_case_transition

    checklist_complete(case)
    retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    before = snapshot()
    with pytest.raises(CaseError, match="only before the proposal"):
        retirement_case_kind_facts_update(case=case, actor=actor, died_on=died_on)
    assert snapshot() == before


# --- APS, udzur, reorganisasi ---------------------------------------------------------------------------


def test_an_eligible_aps_is_opened_with_a_pension_from_the_tmt(actor, today):
    employee = make_employee(tmt=first_of_month(today, 40))  # 55 years old, about 31 years of service
    tmt = first_of_month(today, 4)

    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=tmt, actor=actor)

    assert (case.with_pension, case.pension_from) == (True, tmt)
    assert "A pension from the TMT" in case.outcome_note


@pytest.mark.parametrize(("duty", "with_pension"), [(True, True), (False, False)])
def test_udzur_with_three_years_depends_on_the_duty(actor, today, duty, with_pension):
    tmt = first_of_month(today, 2)
    employee = make_employee(tmt=first_of_month(today, 200), tmt_cpns=add_months(tmt, -36))

    case = retirement_case_open(
        employee=employee, kind=RetirementKind.DISABILITY, tmt=tmt, caused_by_duty=duty, actor=actor
    )

    case.refresh_from_db()
    assert (case.caused_by_duty, case.with_pension) == (duty, with_pension)


def test_caused_by_duty_can_be_corrected_and_the_outcome_follows(actor, today):
    tmt = first_of_month(today, 2)
    employee = make_employee(tmt=first_of_month(today, 200), tmt_cpns=add_months(tmt, -36))
    case = retirement_case_open(employee=employee, kind=RetirementKind.DISABILITY, tmt=tmt, actor=actor)
    assert case.with_pension is False

    case = retirement_case_kind_facts_update(case=case, actor=actor, caused_by_duty=True, note="Keputusan tim penguji")

    assert (case.with_pension, case.pension_from) == (True, tmt)


def test_a_reorganisation_under_fifty_starts_the_pension_after_the_fiftieth_birthday(actor, today):
    tmt = first_of_month(today, 2)
    # BUP 58 ten years after the TMT: 47 years old on it, born on the 15th.
    employee = make_employee(tmt=add_months(tmt, 120), tmt_cpns=add_months(tmt, -12 * 12))
    birth = employee.birth_date

    case = retirement_case_open(employee=employee, kind=RetirementKind.REORGANISATION, tmt=tmt, actor=actor)

    assert (case.with_pension, case.pension_from) == (True, add_months(birth.replace(day=1), 50 * 12 + 1))
    assert "the month after the employee turns 50" in case.outcome_note


def test_facts_a_kind_does_not_keep_are_dropped(actor, today):
    employee = make_employee(tmt=first_of_month(today, 40))
    case = retirement_case_open(
        employee=employee,
        kind=RetirementKind.APS,
        tmt=first_of_month(today, 4),
        died_on=today,
        caused_by_duty=True,
        last_income=Decimal("1"),
        actor=actor,
    )
    assert (case.died_on, case.caused_by_duty, case.last_income, case.uang_duka) == (None, False, None, None)


def test_a_negative_income_is_refused(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    with pytest.raises(CaseError) as caught:
        retirement_case_open(
            employee=employee, kind=RetirementKind.DEATH, died_on=today, last_income=Decimal("-1"), actor=actor
        )
    assert "last_income" in caught.value.errors


def test_the_proposal_deadline_follows_the_lead_time_of_the_kind(actor, today):
    KindRule.objects.filter(kind=RetirementKind.APS).update(proposal_months_before=2)
    employee = make_employee(tmt=first_of_month(today, 40))
    tmt = first_of_month(today, 6)

    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=tmt, actor=actor)

    assert case.proposal_due == max(add_months(tmt, -2), add_months(today, 1))


# --- KPP --------------------------------------------------------------------------------------------------


def test_kpp_is_requested_only_when_eligible(actor, today):
    employee = make_employee(tmt=first_of_month(today, 14))
    Employee.objects.filter(pk=employee.pk).update(tmt_golongan=D(2015, 4, 1))
    case = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)

    case = retirement_case_kind_facts_update(case=case, actor=actor, kpp_requested=True)
    assert case.kpp_requested

    # Within the year before the TMT (the KPP is counted to it); one imposed today is more than a year before.
    DisciplinePenalty.objects.create(employee=employee, level=DisciplineLevel.MEDIUM, decided_on=today)
    assert retirement_case_kind_facts_update(case=case, actor=actor, kpp_requested=True).kpp_requested
    DisciplinePenalty.objects.create(
        employee=employee, level=DisciplineLevel.HEAVY, decided_on=add_months(case.tmt, -1)
    )
    with pytest.raises(CaseError) as caught:
        retirement_case_kind_facts_update(case=case, actor=actor, kpp_requested=True)
    assert "discipline penalty" in caught.value.errors["kpp_requested"][0]
    assert RetirementCase.objects.get(pk=case.pk).kpp_requested  # unchanged by the refusal


def test_the_panel_shows_the_heirs_and_the_kpp(actor, today, django_assert_num_queries):
    employee = make_employee(tmt=first_of_month(today, 30))
    first = Spouse.objects.create(employee=employee, name="Istri Pertama", order=1)
    Spouse.objects.create(employee=employee, name="Istri Kedua", order=2)
    Child.objects.create(employee=employee, name="Anak", birth_date=D(2010, 1, 1), other_parent=first)
    Parent.objects.create(employee=employee, name="Ibu", relation="ibu")
    case = retirement_case_open(employee=employee, kind=RetirementKind.KILLED, died_on=today, actor=actor)
    case = RetirementCase.objects.select_related("employee", "kind_rule").get(pk=case.pk)

    # penalties, spouses, children, parents
    with django_assert_num_queries(4):
        panel = case_kind_panel(case=case, today=today)

    assert [(heir.name, str(heir.share)) for heir in panel.heirs.shares] == [
        ("Istri Pertama", "1/2"),
        ("Istri Kedua", "1/2"),
    ]
    assert panel.death.first_payment == add_months(month_start(today), 5)
    assert not panel.kpp.eligible and "TMT golongan" in panel.kpp.reason


# --- The pages --------------------------------------------------------------------------------------------


def test_the_record_page_shows_the_outcome_heirs_and_kpp(operator_client, actor, today):
    in_english(operator_client)
    employee = make_employee(tmt=first_of_month(today, 30))
    Spouse.objects.create(employee=employee, name="Sri Wahyuni", order=1)
    case = retirement_case_open(
        employee=employee, kind=RetirementKind.DEATH, died_on=today, last_income=Decimal("4000000"), actor=actor
    )

    page = operator_client.get(reverse("employees:case_detail", args=[case.pk])).content.decode()

    assert "Rp 12.000.000" in page
    assert "Sri Wahyuni" in page and "share 1" in page
    assert "Kenaikan pangkat pengabdian (KPP)" in page
    assert "UU 11/1969 Pasal 24" in page


def test_the_death_is_opened_from_the_form(operator_client, today):
    in_english(operator_client)
    employee = make_employee(tmt=first_of_month(today, 30))
    response = operator_client.post(
        reverse("employees:case_open", args=[employee.pk]),
        {"kind": RetirementKind.KILLED, "died_on": today.isoformat(), "last_income": "3000000"},
    )
    assert response.status_code == 302
    case = RetirementCase.objects.get()
    assert (case.died_on, case.uang_duka) == (today, Decimal("18000000.00"))


def test_the_facts_page_saves_and_refuses_with_messages(operator_client, actor, today):
    in_english(operator_client)
    employee = make_employee(tmt=first_of_month(today, 30))
    case = retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=today, actor=actor)
    url = reverse("employees:case_kind_facts", args=[case.pk])

    page = operator_client.get(url)
    assert page.status_code == 200 and "caused_by_duty" not in page.content.decode()

    refused = operator_client.post(url, {"died_on": (today + dt.timedelta(days=3)).isoformat()})
    assert refused.status_code == 200
    assert "cannot be in the future" in refused.context["form"].errors["died_on"][0]
    assert RetirementCase.objects.get(pk=case.pk).died_on == today

    saved = operator_client.post(url, {"died_on": today.isoformat(), "last_income": "2000000"})
    assert saved.status_code == 302
    assert RetirementCase.objects.get(pk=case.pk).uang_duka == Decimal("6000000.00")


def test_the_facts_page_is_for_editors_in_scope(client, role_user, actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    case = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    url = reverse("employees:case_kind_facts", args=[case.pk])

    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(role_user(roles.VERIFIKATOR))
    assert client.post(url, {"kpp_requested": "on"}).status_code == 403
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[UnitKerjaFactory()]))
    assert client.get(url).status_code == 404
    assert client.post(url, {"kpp_requested": "on"}).status_code == 404
    assert not RetirementCase.objects.get(pk=case.pk).kpp_requested
