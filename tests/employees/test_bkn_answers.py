"""BKN's answers BTL (berkas tidak lengkap) and TMS (tidak memenuhi syarat): each with BKN's reason,
the resubmission after a BTL (counted), then the pertek and the SK (employees/cases.py, services/cases.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from employees.cases import NEEDS_REASON, StepFacts, allowed_transitions, steps, transition_check
from employees.choices import CaseStatus as S
from employees.exceptions import CaseError
from employees.models import Employee
from employees.scope import Scope
from employees.selectors import retirement_case_card, retirement_worklist
from employees.services.cases import retirement_case_transition
from employees.templatetags.case_status import case_badge
from tests.employees.case_fixtures import (  # noqa: F401
    in_english,
    retired_last_month_fixture,
    snapshot,
    today_fixture,
)

D = dt.date
TODAY = D(2026, 5, 20)


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [(S.PROPOSED, S.INCOMPLETE), (S.PROPOSED, S.NOT_ELIGIBLE), (S.NOT_ELIGIBLE, S.PREPARING)],
)
def test_bkn_answers_need_bkns_reason(from_status, to_status, english):
    assert (from_status, to_status) in NEEDS_REASON
    with pytest.raises(CaseError) as caught:
        transition_check(
            from_status=from_status, to_status=to_status, facts=StepFacts(), tmt=TODAY, proposed_on=None, today=TODAY
        )
    assert "note" in caught.value.errors
    transition_check(
        from_status=from_status,
        to_status=to_status,
        facts=StepFacts(note="SKP 2024 belum dilampirkan"),
        tmt=TODAY,
        proposed_on=None,
        today=TODAY,
    )


def test_a_btl_record_is_proposed_again_and_a_tms_one_is_not():
    assert allowed_transitions(S.INCOMPLETE)[0] == S.PROPOSED
    assert S.PROPOSED not in allowed_transitions(S.NOT_ELIGIBLE)
    assert S.SK_ISSUED not in allowed_transitions(S.INCOMPLETE) + allowed_transitions(S.NOT_ELIGIBLE)


@pytest.mark.parametrize(
    ("new_date", "ok"),
    [(D(2026, 5, 9), False), (D(2026, 5, 10), True), (TODAY, True), (D(2026, 5, 21), False)],
)
def test_a_resubmission_is_dated_from_the_previous_proposal_to_today(new_date, ok):
    check = {
        "from_status": S.INCOMPLETE,
        "to_status": S.PROPOSED,
        "facts": StepFacts(proposed_on=new_date),
        "tmt": D(2026, 9, 1),
        "proposed_on": D(2026, 5, 10),
        "today": TODAY,
    }
    if ok:
        transition_check(**check)
    else:
        with pytest.raises(CaseError) as caught:
            transition_check(**check)
        assert "proposed_on" in caught.value.errors


def test_btl_and_tms_stand_at_the_proposal_step_with_their_badges():
    for status in (S.INCOMPLETE, S.NOT_ELIGIBLE):
        assert [step.state for step in steps(status)] == ["done", "current", "todo", "todo", "todo"]
    assert case_badge(S.INCOMPLETE) == "text-bg-danger"
    assert case_badge(S.NOT_ELIGIBLE) == "text-bg-dark"


def test_btl_resubmission_pertek_and_sk(retired_last_month, actor, today, english):
    case = retirement_case_transition(case=retired_last_month, to_status=S.PROPOSED, actor=actor)
    before = snapshot()
    with pytest.raises(CaseError):
        retirement_case_transition(case=case, to_status=S.INCOMPLETE, actor=actor, note="  ")
    assert snapshot() == before

    case = retirement_case_transition(
        case=case, to_status=S.INCOMPLETE, actor=actor, note="SK pangkat terakhir tidak terbaca"
    )
    assert case.status == S.INCOMPLETE
    assert Employee.objects.get(pk=case.employee_id).case_status == S.INCOMPLETE
    card = retirement_case_card(employee=case.employee)
    assert card.bkn_answer.note == "SK pangkat terakhir tidak terbaca"
    assert [step.status for step in card.next_steps] == [S.PROPOSED, S.PREPARING, S.CANCELLED]
    assert card.next_steps[0].label == "Propose to BKN again"
    # Still on the work list as an open record.
    assert case.employee_id in set(
        retirement_worklist(scope=_all(), months=24, case_status=S.INCOMPLETE).values_list("pk", flat=True)
    )

    case = retirement_case_transition(case=case, to_status=S.PROPOSED, actor=actor, proposed_on=today)
    card = retirement_case_card(employee=case.employee)
    assert (card.proposal_count, card.bkn_answer) == (2, None)

    case = retirement_case_transition(
        case=case,
        to_status=S.SK_ISSUED,
        actor=actor,
        pertek_number="AR-13003000123",
        pertek_date=today,
        sk_number="823.4/88/BKPSDM/2026",
        sk_date=today,
        sk_signer="Bupati Contoh",
    )
    assert (case.status, case.pertek_number) == (S.SK_ISSUED, "AR-13003000123")
    trail = list(case.status_changes.values_list("from_status", "to_status", "note"))
    assert trail[1:] == [
        (S.PREPARING, S.PROPOSED, ""),
        (S.PROPOSED, S.INCOMPLETE, "SK pangkat terakhir tidak terbaca"),
        (S.INCOMPLETE, S.PROPOSED, ""),
        (S.PROPOSED, S.SK_ISSUED, ""),
    ]


def test_tms_goes_back_to_preparation_with_a_reason_or_is_cancelled(retired_last_month, actor):
    case = retirement_case_transition(case=retired_last_month, to_status=S.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=S.NOT_ELIGIBLE, actor=actor, note="Masa kerja kurang dari 20 tahun untuk APS"
    )
    with pytest.raises(CaseError):
        retirement_case_transition(case=case, to_status=S.PROPOSED, actor=actor)
    with pytest.raises(CaseError):
        retirement_case_transition(case=case, to_status=S.PREPARING, actor=actor)
    case = retirement_case_transition(case=case, to_status=S.PREPARING, actor=actor, note="Diusulkan sebagai BUP")
    assert (case.status, case.proposed_on) == (S.PREPARING, None)


def test_the_btl_step_asks_for_bkns_reason_on_the_page(operator_client, retired_last_month, actor, today):
    retirement_case_transition(case=retired_last_month, to_status=S.PROPOSED, actor=actor)
    in_english(operator_client)
    detail = operator_client.get(reverse("employees:case_detail", args=[retired_last_month.pk])).content.decode()
    assert 'data-testid="step-btl"' in detail and 'data-testid="step-tms"' in detail

    url = reverse("employees:case_transition", args=[retired_last_month.pk, S.INCOMPLETE])
    refused = operator_client.post(url, {"note": ""})
    assert refused.status_code == 200 and "note" in refused.context["form"].errors
    assert operator_client.post(url, {"note": "DPCP belum ditandatangani"}).status_code == 302

    detail = operator_client.get(reverse("employees:case_detail", args=[retired_last_month.pk])).content.decode()
    assert 'data-testid="bkn-answer"' in detail and "DPCP belum ditandatangani" in detail
    assert 'data-testid="step-diusulkan"' in detail


def _all() -> Scope:
    return Scope(None)
