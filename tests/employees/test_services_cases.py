"""The write path of retirement records (employees/services/cases.py) on the real database."""

import datetime as dt

import pytest

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.exceptions import CaseError
from employees.models import Employee, KindRule
from employees.retirement import add_months
from employees.services.cases import retirement_case_decision_correct, retirement_case_open, retirement_case_transition
from tests.employees.case_fixtures import (
    checklist_complete,
    first_of_month,
    make_employee,
    retired_last_month_fixture,  # noqa: F401 (a fixture)
    snapshot,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import UserFactory

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


# --- Opening ------------------------------------------------------------------------------------------


def test_a_bup_record_takes_the_computed_tmt_and_a_deadline_twelve_months_before(actor, today):
    tmt = first_of_month(today, 14)
    employee = make_employee(tmt=tmt)

    case = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)

    case.refresh_from_db()
    assert (case.kind, case.tmt, case.status) == (RetirementKind.BUP, tmt, CaseStatus.PREPARING)
    assert case.proposal_due == add_months(tmt, -12)
    change = case.status_changes.get()
    assert (change.from_status, change.to_status, change.actor) == ("", CaseStatus.PREPARING, actor)
    assert [(h.history_type, h.history_user) for h in case.history.all()] == [("+", actor)]


def test_the_lead_time_comes_from_the_rule_of_the_kind(actor, today, settings):
    KindRule.objects.filter(kind=RetirementKind.BUP).update(proposal_months_before=15)
    tmt = first_of_month(today, 18)

    case = retirement_case_open(employee=make_employee(tmt=tmt), kind=RetirementKind.BUP, actor=actor)

    assert case.proposal_due == add_months(tmt, -15)
    assert case.kind_rule == KindRule.objects.get(kind=RetirementKind.BUP)


def test_without_a_rule_a_bup_lead_time_comes_from_the_settings(actor, today, settings):
    KindRule.objects.filter(kind=RetirementKind.BUP).delete()
    settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT = 6
    tmt = first_of_month(today, 14)

    case = retirement_case_open(employee=make_employee(tmt=tmt), kind=RetirementKind.BUP, actor=actor)

    assert case.proposal_due == add_months(tmt, -6)
    assert (case.with_pension, case.pension_from, case.kind_rule) == (True, tmt, None)


def test_a_second_record_is_refused_and_nothing_changes(actor, today):
    employee = make_employee(tmt=first_of_month(today, 10))
    retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    before = snapshot()

    with pytest.raises(CaseError, match="already has a retirement record"):
        retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)

    assert snapshot() == before


@pytest.mark.parametrize(
    ("kind", "tmt_months", "field"),
    [
        (RetirementKind.DEATH, None, "died_on"),
        (RetirementKind.KILLED, 3, "died_on"),
        ("pindah_instansi", 3, "kind"),
        (RetirementKind.CONTRACT_END, 3, "kind"),  # a PNS has no contract
    ],
)
def test_a_refused_opening_saves_nothing(actor, today, kind, tmt_months, field):
    employee = make_employee(tmt=first_of_month(today, 40), tmt_cpns=D(2015, 3, 1))
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_open(
            employee=employee,
            kind=kind,
            tmt=first_of_month(today, tmt_months) if tmt_months else None,
            actor=actor,
        )

    assert field in caught.value.errors
    assert snapshot() == before


def test_an_aps_without_the_service_is_opened_without_pension(actor, today):
    employee = make_employee(tmt=first_of_month(today, 40), tmt_cpns=D(2015, 3, 1))
    tmt = first_of_month(today, 3)

    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=tmt, actor=actor)

    case.refresh_from_db()
    assert (case.tmt, case.status, case.with_pension, case.pension_from) == (tmt, CaseStatus.PREPARING, False, None)
    assert "Honourable discharge without pension" in case.outcome_note
    assert "a pension at one's own request needs at least 45 years of age and 20 years of service" in case.outcome_note
    assert case.kind_rule.kind == RetirementKind.APS


def test_an_eligible_aps_keeps_the_employee_in_service_until_done(actor, today):
    employee = make_employee(tmt=first_of_month(today, 40))
    tmt = first_of_month(today, 4)

    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=tmt, actor=actor)

    assert case.tmt == tmt
    assert case.proposal_due == add_months(today, 1)  # decided late: a month from opening
    employee.refresh_from_db()
    assert employee.status == EmployeeStatus.AKTIF


@pytest.mark.parametrize("kind", [RetirementKind.DEATH, RetirementKind.KILLED])
def test_a_death_marks_the_employee_deceased_at_once(actor, today, kind):
    employee = make_employee(tmt=first_of_month(today, 30))

    died_on = today - dt.timedelta(days=3)
    case = retirement_case_open(employee=employee, kind=kind, died_on=died_on, actor=actor)

    assert case.tmt == add_months(died_on.replace(day=1), 1)
    employee.refresh_from_db()
    assert employee.status == EmployeeStatus.MENINGGAL
    assert case.employee.status == EmployeeStatus.MENINGGAL
    latest = employee.history.latest()
    assert (latest.status, latest.history_user) == (EmployeeStatus.MENINGGAL, actor)


def test_a_death_can_be_recorded_for_someone_already_marked_deceased(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    Employee.objects.filter(pk=employee.pk).update(status=EmployeeStatus.MENINGGAL)

    case = retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=today, actor=actor)

    assert case.status == CaseStatus.PREPARING


def test_a_pppk_contract_end_defaults_to_the_end_of_the_contract(actor, today):
    contract_end = D(today.year + 1, 12, 31)
    employee = make_employee(tmt=first_of_month(today, 200), asn_type="PPPK", golongan="IX", contract_end=contract_end)

    case = retirement_case_open(employee=employee, kind=RetirementKind.CONTRACT_END, actor=actor)

    assert case.tmt == D(today.year + 2, 1, 1)


def test_a_cancelled_record_can_be_opened_again(actor, today):
    employee = make_employee(tmt=first_of_month(today, 40))
    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=first_of_month(today, 4), actor=actor)
    retirement_case_transition(case=case, to_status=CaseStatus.CANCELLED, note="Ditarik kembali", actor=actor)

    reopened = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)

    assert reopened.pk == case.pk
    assert (reopened.kind, reopened.tmt, reopened.status) == (
        RetirementKind.BUP,
        first_of_month(today, 40),
        CaseStatus.PREPARING,
    )
    assert list(reopened.status_changes.values_list("from_status", "to_status")) == [
        ("", CaseStatus.PREPARING),
        (CaseStatus.PREPARING, CaseStatus.CANCELLED),
        (CaseStatus.CANCELLED, CaseStatus.PREPARING),
    ]


# --- The pipeline -------------------------------------------------------------------------------------


def test_the_whole_pipeline_records_who_did_what(retired_last_month, actor, today):
    case = retired_last_month
    verifier = UserFactory(username="kabid-mutasi", password=None, units="all")

    checklist_complete(case)
    case = retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    assert case.proposed_on == today
    case = retirement_case_transition(
        case=case,
        to_status=CaseStatus.SK_ISSUED,
        actor=verifier,
        sk_number=" 823.4/45/BKPSDM/2026 ",
        sk_date=today,
        sk_signer="Bupati Contoh",
        pertek_number="AR-01.03/123/KR.IX/2026",
        pertek_date=today,
    )
    case = retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor, note="SK diserahkan")

    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    assert (case.sk_number, case.sk_date, case.sk_signer) == ("823.4/45/BKPSDM/2026", today, "Bupati Contoh")
    assert case.pertek_number == "AR-01.03/123/KR.IX/2026"
    changes = list(case.status_changes.values_list("from_status", "to_status", "actor__username", "note"))
    assert changes == [
        ("", CaseStatus.PREPARING, "operator-bkd", ""),
        (CaseStatus.PREPARING, CaseStatus.PROPOSED, "operator-bkd", ""),
        (CaseStatus.PROPOSED, CaseStatus.SK_ISSUED, "kabid-mutasi", ""),
        (CaseStatus.SK_ISSUED, CaseStatus.DONE, "operator-bkd", "SK diserahkan"),
    ]
    history = list(case.history.order_by("history_id").values_list("status", "history_user__username"))
    assert history == [
        (CaseStatus.PREPARING, "operator-bkd"),
        (CaseStatus.PROPOSED, "operator-bkd"),
        (CaseStatus.SK_ISSUED, "kabid-mutasi"),
        (CaseStatus.DONE, "operator-bkd"),
    ]
    employee = Employee.objects.get(pk=case.employee_id)
    assert employee.status == EmployeeStatus.PENSIUN
    assert employee.history.latest().history_user == actor


def test_a_contract_end_leaves_the_service_rather_than_retiring(actor, today):
    contract_end = today.replace(day=1) - dt.timedelta(days=1)
    employee = make_employee(tmt=first_of_month(today, 200), asn_type="PPPK", golongan="IX", contract_end=contract_end)
    case = retirement_case_open(employee=employee, kind=RetirementKind.CONTRACT_END, actor=actor)
    checklist_complete(case)
    case = retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)

    assert Employee.objects.get(pk=employee.pk).status == EmployeeStatus.BERHENTI


@pytest.mark.parametrize(
    ("to_status", "facts", "message"),
    [
        (CaseStatus.SK_ISSUED, {}, "cannot move"),
        (CaseStatus.DONE, {}, "cannot move"),
        (CaseStatus.CANCELLED, {}, "reason"),
        (CaseStatus.PROPOSED, {"proposed_on": D(2999, 1, 1)}, "future"),
    ],
)
def test_a_refused_move_changes_nothing(retired_last_month, actor, to_status, facts, message):
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=retired_last_month, to_status=to_status, actor=actor, **facts)

    assert message in " ".join(caught.value.messages)
    assert snapshot() == before


def test_an_sk_without_its_facts_changes_nothing(retired_last_month, actor, today):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1")

    assert set(caught.value.errors) == {"sk_date", "sk_signer"}
    assert snapshot() == before


def test_an_issued_sk_is_corrected_with_a_reason_in_the_history(retired_last_month, actor, today):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    corrector = UserFactory(username="admin-kepegawaian", password=None, units="all")

    case = retirement_case_decision_correct(
        case=case, actor=corrector, note="Nomor SK salah ketik", sk_number=" 823.4/117/BKPSDM/2026 "
    )

    case.refresh_from_db()
    assert (case.sk_number, case.sk_signer, case.status) == ("823.4/117/BKPSDM/2026", "Bupati", CaseStatus.SK_ISSUED)
    latest = case.history.first()
    assert (latest.history_user, latest.history_change_reason) == (corrector, "Nomor SK salah ketik")


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"sk_number": " "}, {"sk_number"}),
        ({"sk_date": dt.date(2099, 1, 1)}, {"sk_date"}),
        ({"pertek_number": "PERTEK-1"}, {"pertek_date"}),
        ({"pertek_date": dt.date(2000, 1, 1)}, {"pertek_number"}),
    ],
)
def test_a_correction_is_checked_as_the_sk_was(retired_last_month, actor, today, changes, fields):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    before = snapshot()
    with pytest.raises(CaseError) as caught:
        retirement_case_decision_correct(case=case, actor=actor, note="Koreksi", **changes)
    assert set(caught.value.errors) == fields
    assert snapshot() == before


def test_a_correction_needs_a_reason_and_a_pertek_or_an_sk(retired_last_month, actor, today):
    before = snapshot()
    with pytest.raises(CaseError, match="has one to correct"):
        retirement_case_decision_correct(case=retired_last_month, actor=actor, note="Koreksi", sk_number="2")
    with pytest.raises(CaseError) as caught:
        retirement_case_decision_correct(case=retired_last_month, actor=actor, note=" ", sk_number="2")
    assert set(caught.value.errors) == {"note"}
    with pytest.raises(TypeError):
        retirement_case_decision_correct(case=retired_last_month, actor=actor, note="Koreksi", status="selesai")
    assert snapshot() == before


def test_closing_before_the_tmt_is_refused(actor, today):
    case = retirement_case_open(
        employee=make_employee(tmt=first_of_month(today, 2)), kind=RetirementKind.BUP, actor=actor
    )
    checklist_complete(case)
    case = retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    before = snapshot()

    with pytest.raises(CaseError, match="still in service"):
        retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)

    assert snapshot() == before


def test_an_employee_record_that_cannot_be_saved_stops_the_closing(retired_last_month, actor, today):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    # A legacy row that the register's validation refuses (a PPPK golongan on a PNS).
    Employee.objects.filter(pk=case.employee_id).update(golongan="IX")
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)

    assert "correct the employee's record first" in caught.value.errors["__all__"][0]
    assert "golongan" in caught.value.errors
    assert snapshot() == before


def test_the_return_from_bkn_clears_the_proposal_date(retired_last_month, actor):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)

    case = retirement_case_transition(
        case=case, to_status=CaseStatus.PREPARING, actor=actor, note="BTL: SKP 2024 belum ada"
    )

    assert (case.status, case.proposed_on) == (CaseStatus.PREPARING, None)
    assert case.history.latest().history_change_reason == "BTL: SKP 2024 belum ada"


def test_facts_a_step_does_not_take_are_a_programming_error(retired_last_month, actor, today):
    with pytest.raises(TypeError, match="sk_number"):
        retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor, sk_number="1")
