"""The death of a pensioner (pensiun terusan) on the real database: opened only for someone retired,
continuing the record of their own retirement, with its dated rule, checklist and pages; and the masa
kerja of someone who died, counted to the death."""

import datetime as dt

import pytest
from django.urls import reverse

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.exceptions import CaseError
from employees.models import Employee, KindRule, Spouse
from employees.retirement import add_months
from employees.selectors.cases import retirement_case_card
from employees.selectors.checklist import checklist_items, missing_by_case
from employees.services.cases import (
    retirement_case_kind_facts_update,
    retirement_case_open,
    retirement_case_transition,
)
from purna.formatting import bulan_tahun, rentang_bulan, tanggal
from tests.employees.case_fixtures import (
    checklist_complete,
    first_of_month,
    in_english,
    make_employee,
    snapshot,
    today_fixture,  # noqa: F401 (a fixture)
)

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@pytest.fixture
def pensioner(actor, today):
    """An employee retired through Purna: a BUP record done, with its SK pensiun, from the 1st of last month."""
    employee = make_employee(tmt=first_of_month(today, -1), tmt_cpns=D(1990, 3, 1))
    Spouse.objects.create(employee=employee, name="Ahmad Fauzi", marriage_date=D(1992, 6, 2))
    case = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    checklist_complete(case)
    proposed = add_months(first_of_month(today, -1), -6)
    retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor, proposed_on=proposed)
    retirement_case_transition(
        case=case,
        to_status=CaseStatus.SK_ISSUED,
        actor=actor,
        sk_number="800/77/BKPSDM/2026",
        sk_date=proposed + dt.timedelta(days=30),
        sk_signer="Bupati Contoh",
    )
    retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)
    employee.refresh_from_db()
    assert employee.status == EmployeeStatus.PENSIUN
    return employee


def test_a_pensioners_death_continues_the_record_of_their_retirement(actor, today, pensioner):
    retired_on = pensioner.retirement_case.tmt
    died_on = today

    case = retirement_case_open(employee=pensioner, kind=RetirementKind.PENSIONER_DEATH, died_on=died_on, actor=actor)

    case.refresh_from_db()
    assert (case.kind, case.status, case.died_on) == (RetirementKind.PENSIONER_DEATH, CaseStatus.PREPARING, died_on)
    # Four months of pensiun terusan, then the widow(er)'s pension in the fifth month.
    assert case.tmt == case.pension_from == case.pension_first_paid == add_months(month_start(died_on), 5)
    assert case.pensioner_tmt == retired_on
    assert case.uang_duka is None and case.with_pension is True
    assert case.kind_rule == KindRule.objects.get(kind=RetirementKind.PENSIONER_DEATH)
    assert "Pensiun terusan" in case.outcome_note
    # The SK of the retirement is in the history of the record, and named on the status change.
    assert (case.sk_number, case.proposed_on) == ("", None)
    change = case.status_changes.order_by("-pk").first()
    assert (change.from_status, change.to_status) == (CaseStatus.DONE, CaseStatus.PREPARING)
    assert "800/77/BKPSDM/2026" in change.note
    assert Employee.objects.get(pk=pensioner.pk).status == EmployeeStatus.MENINGGAL
    # The checklist is the pensiun terusan's: the deceased's SK pensiun, the death certificate, the heirs'
    # statements (the marriage certificate of the retirement's file stays uploaded).
    missing = {item.code for item in missing_by_case(checklist_items(), case_ids=[case.pk])[case.pk].missing}
    assert {"sk-pensiun-almarhum", "akta-kematian", "keterangan-ahli-waris", "keterangan-janda-duda"} <= missing
    asked = {row.document_type.code for row in retirement_case_card(employee=case.employee).checklist if row.applies}
    assert {"surat-nikah", "kartu-keluarga", "dpcp"} <= asked and "skp" not in asked


def test_a_pensioner_without_a_record_counts_from_the_tmt_of_the_bup(actor, today):
    employee = make_employee(tmt=first_of_month(today, -24))
    Employee.objects.filter(pk=employee.pk).update(status=EmployeeStatus.PENSIUN)
    employee.refresh_from_db()

    case = retirement_case_open(
        employee=employee, kind=RetirementKind.PENSIONER_DEATH, died_on=today - dt.timedelta(days=3), actor=actor
    )

    assert case.pensioner_tmt == employee.tmt_pensiun


def test_a_pensiun_terusan_is_refused_for_an_employee_in_service(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_open(employee=employee, kind=RetirementKind.PENSIONER_DEATH, died_on=today, actor=actor)

    assert "still in service" in caught.value.errors["kind"][0]
    assert snapshot() == before


def test_a_death_in_service_is_refused_for_a_pensioner(actor, today, pensioner):
    before = snapshot()
    for kind in (RetirementKind.DEATH, RetirementKind.KILLED):
        with pytest.raises(CaseError) as caught:
            retirement_case_open(employee=pensioner, kind=kind, died_on=today, actor=actor)
        assert "pensiun terusan" in caught.value.errors["kind"][0]
    assert snapshot() == before


def test_a_death_before_the_retirement_is_refused(actor, pensioner):
    before = snapshot()
    retired_on = pensioner.retirement_case.tmt

    with pytest.raises(CaseError) as caught:
        retirement_case_open(
            employee=pensioner,
            kind=RetirementKind.PENSIONER_DEATH,
            died_on=retired_on - dt.timedelta(days=1),
            actor=actor,
        )

    assert "before the TMT pensiun of the deceased" in caught.value.errors["died_on"][0]
    assert snapshot() == before


def test_the_pages_show_the_pensiun_terusan(operator_client, actor, today, pensioner):
    card = retirement_case_card(employee=pensioner)
    assert card.pensioner_death_possible
    employee_page = operator_client.get(reverse("employees:detail", args=[pensioner.pk])).content.decode()
    assert 'data-testid="case-open-terusan"' in employee_page
    open_url = reverse("employees:case_open", args=[pensioner.pk])
    form = in_english(operator_client).get(open_url, {"kind": RetirementKind.PENSIONER_DEATH}).content.decode()
    assert 'value="pensiun_terusan" selected' in form

    response = operator_client.post(
        open_url, {"kind": RetirementKind.PENSIONER_DEATH, "died_on": today.isoformat(), "tmt": "", "note": ""}
    )
    assert response.status_code == 302

    case = Employee.objects.get(pk=pensioner.pk).retirement_case
    page = operator_client.get(reverse("employees:case_detail", args=[case.pk])).content.decode()
    assert "Pensiun terusan" in page and "Gaji terusan" not in page and "Uang duka wafat" not in page
    assert "counted to the TMT pensiun of the deceased" in page
    assert "Ahmad Fauzi" in page  # the heir
    # The facts form of the kind asks the date of death, not a last income.
    facts = operator_client.get(reverse("employees:case_kind_facts", args=[case.pk])).content.decode()
    assert 'name="died_on"' in facts and 'name="last_income"' not in facts


def test_the_employee_page_counts_the_masa_kerja_of_a_death_in_service_to_the_date_of_death(
    operator_client, actor, today
):
    employee = make_employee(tmt=first_of_month(today, 60), tmt_cpns=D(2000, 1, 1))
    died_on = D(2024, 3, 15) if today > D(2024, 3, 15) else today
    retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=died_on, actor=actor)
    employee.refresh_from_db()
    bup_years = employee.service_years

    page = in_english(operator_client).get(reverse("employees:detail", args=[employee.pk])).content.decode()

    assert "24 years 2 months" in page and "counted to the date of death" in page
    assert bup_years != 24
    case_page = operator_client.get(reverse("employees:case_detail", args=[employee.retirement_case.pk]))
    assert "24 years 2 months" in case_page.content.decode()


def test_the_open_page_refuses_each_death_in_indonesian(operator_client, today, pensioner):
    active = make_employee(tmt=first_of_month(today, 30))
    before = snapshot()

    refused = operator_client.post(
        reverse("employees:case_open", args=[active.pk]),
        {"kind": RetirementKind.PENSIONER_DEATH, "died_on": today.isoformat(), "tmt": "", "note": ""},
    )
    assert refused.status_code == 200
    assert "Pegawai ini masih aktif" in refused.content.decode()

    refused = operator_client.post(
        reverse("employees:case_open", args=[pensioner.pk]),
        {"kind": RetirementKind.DEATH, "died_on": today.isoformat(), "tmt": "", "note": ""},
    )
    assert "Pegawai ini sudah pensiun" in refused.content.decode()
    assert snapshot() == before


def test_a_corrected_date_of_death_moves_the_widows_pension_and_stays_after_the_retirement(actor, today, pensioner):
    retired_on = pensioner.retirement_case.tmt
    case = retirement_case_open(employee=pensioner, kind=RetirementKind.PENSIONER_DEATH, died_on=today, actor=actor)

    case = retirement_case_kind_facts_update(case=case, actor=actor, died_on=retired_on, note="Akta kematian")
    assert case.tmt == case.pension_from == add_months(retired_on, 5)
    assert case.pensioner_tmt == retired_on

    before = snapshot()
    with pytest.raises(CaseError) as caught:
        retirement_case_kind_facts_update(case=case, actor=actor, died_on=retired_on - dt.timedelta(days=1))
    assert "before the TMT pensiun of the deceased" in caught.value.errors["died_on"][0]
    assert snapshot() == before


def test_the_case_page_names_the_months_of_gaji_and_pensiun_terusan_as_months(operator_client, actor, today, pensioner):
    """Four whole months are named as months ("Desember 2026 - Maret 2027"), not as their first days."""
    months = [add_months(month_start(today), n) for n in (1, 4)]
    span = rentang_bulan(*months)
    first_paid = bulan_tahun(add_months(month_start(today), 5))
    in_service = make_employee(tmt=first_of_month(today, 60))
    deaths = [
        retirement_case_open(employee=in_service, kind=RetirementKind.DEATH, died_on=today, actor=actor),
        retirement_case_open(employee=pensioner, kind=RetirementKind.PENSIONER_DEATH, died_on=today, actor=actor),
    ]
    for case in deaths:
        page = operator_client.get(reverse("employees:case_detail", args=[case.pk])).content.decode()
        assert f'data-testid="case-terusan">{span}</dd>' in page
        assert f'data-testid="case-first-paid">{first_paid}</dd>' in page
        assert tanggal(months[0]) not in page.split('data-testid="case-terusan"')[1].split("</dd>")[0]
    case = deaths[1]
    case.refresh_from_db()
    assert span in case.outcome_note and f"first paid in {first_paid}" in case.outcome_note


def kpp_line(page: str) -> str:
    return page.split('data-testid="case-kpp">')[1].split("</p>")[0]


def test_the_kpp_does_not_apply_to_a_pensiun_terusan_and_the_page_says_why(operator_client, actor, today, pensioner):
    case = retirement_case_open(employee=pensioner, kind=RetirementKind.PENSIONER_DEATH, died_on=today, actor=actor)
    client = in_english(operator_client)

    line = kpp_line(client.get(reverse("employees:case_detail", args=[case.pk])).content.decode())
    assert "Does not apply:" in line and "already retired" in line
    assert "Not eligible" not in line and "badge" not in line
    # Nor is it offered on the facts form.
    facts = client.get(reverse("employees:case_kind_facts", args=[case.pk])).content.decode()
    assert 'name="kpp_requested"' not in facts


def test_a_death_in_service_keeps_its_kpp_eligibility(operator_client, actor, today):
    employee = make_employee(tmt=first_of_month(today, 60), tmt_cpns=D(2020, 1, 1))
    case = retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=today, actor=actor)

    line = kpp_line(in_english(operator_client).get(reverse("employees:case_detail", args=[case.pk])).content.decode())
    assert "Not eligible" in line and "Does not apply" not in line
