"""The rules of retirement records (employees/cases.py): pure, table-driven, no database."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from employees.cases import (
    Deadline,
    StepFacts,
    allowed_transitions,
    case_deadline,
    employee_status_on_done,
    employee_status_on_open,
    needs_reason,
    open_check,
    pensioner_death_possible,
    proposal_due,
    reopen_check,
    steps,
    transition_check,
    uncased_deadline,
    uncased_overdue_before,
)
from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.exceptions import CaseError
from employees.retirement import add_months

pytestmark = pytest.mark.usefixtures("english")
D = dt.date
S = CaseStatus
K = RetirementKind
TODAY = D(2026, 3, 10)
TMT = D(2026, 9, 1)
SK_FACTS = StepFacts(sk_number="823.4/12/BKPSDM/2026", sk_date=D(2026, 3, 2), sk_signer="Bupati Contoh")


# --- Transitions --------------------------------------------------------------------------------------

ALLOWED = {
    (S.PREPARING, S.PROPOSED),
    (S.PREPARING, S.CANCELLED),
    (S.PROPOSED, S.PERTEK),
    (S.PROPOSED, S.SK_ISSUED),
    (S.PROPOSED, S.PREPARING),
    (S.PROPOSED, S.CANCELLED),
    (S.PROPOSED, S.INCOMPLETE),
    (S.PROPOSED, S.NOT_ELIGIBLE),
    (S.INCOMPLETE, S.PROPOSED),
    (S.INCOMPLETE, S.PREPARING),
    (S.INCOMPLETE, S.CANCELLED),
    (S.NOT_ELIGIBLE, S.PREPARING),
    (S.NOT_ELIGIBLE, S.CANCELLED),
    (S.PERTEK, S.SK_ISSUED),
    (S.PERTEK, S.CANCELLED),
    (S.SK_ISSUED, S.DONE),
    (S.SK_ISSUED, S.CANCELLED),
}
PERTEK_FACTS = StepFacts(pertek_number="AR-03.01/12345/2026", pertek_date=D(2026, 3, 2))


def facts_for(to_status: str) -> StepFacts:
    """Complete facts for a step, so only the move itself is judged."""
    if to_status == S.PROPOSED:
        return StepFacts(proposed_on=TODAY)
    if to_status == S.SK_ISSUED:
        return SK_FACTS
    if to_status == S.PERTEK:
        return PERTEK_FACTS
    return StepFacts(note="Permintaan sendiri dibatalkan")


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, S.values)))
def test_transition_matrix(from_status, to_status):
    # TMT already reached, so "done" is judged by the matrix alone.
    check = {
        "from_status": from_status,
        "to_status": to_status,
        "facts": facts_for(to_status),
        "tmt": D(2026, 3, 1),
        "today": TODAY,
    }
    if (from_status, to_status) in ALLOWED:
        transition_check(**check, proposed_on=None)
        assert to_status in allowed_transitions(from_status)
    else:
        with pytest.raises(CaseError) as caught:
            transition_check(**check, proposed_on=None)
        assert "cannot move" in caught.value.messages[0] or "is closed" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (S.DONE, 'A record that is "Done" is closed and cannot move to "Proposed to BKN".'),
        (
            S.PREPARING,
            'A record that is "Preparing documents" cannot move to "Proposed to BKN"; it can move to: '
            '"Proposed to BKN", "Cancelled".',
        ),
    ],
)
def test_a_refused_move_says_where_the_record_can_go(status, message):
    target = S.PROPOSED if status == S.DONE else S.SK_ISSUED
    with pytest.raises(CaseError) as caught:
        transition_check(from_status=status, to_status=target, facts=SK_FACTS, tmt=TMT, proposed_on=None, today=TODAY)
    if status == S.DONE:
        assert caught.value.messages == [message]
    else:
        assert caught.value.messages == [message.replace('"Proposed to BKN";', '"SK pensiun issued";')]


def test_unknown_status_is_refused():
    with pytest.raises(CaseError, match="Unknown status"):
        transition_check(
            from_status=S.PREPARING, to_status="ditolak", facts=StepFacts(), tmt=TMT, proposed_on=None, today=TODAY
        )


def test_the_usual_next_step_comes_first():
    assert allowed_transitions(S.PREPARING)[0] == S.PROPOSED
    assert allowed_transitions(S.PROPOSED)[0] == S.PERTEK
    assert allowed_transitions(S.PERTEK)[0] == S.SK_ISSUED
    assert allowed_transitions(S.SK_ISSUED)[0] == S.DONE
    assert allowed_transitions(S.DONE) == allowed_transitions(S.CANCELLED) == ()


@pytest.mark.parametrize(
    ("from_status", "to_status", "expected"),
    [
        (S.PREPARING, S.CANCELLED, True),
        (S.PROPOSED, S.CANCELLED, True),
        (S.SK_ISSUED, S.CANCELLED, True),
        (S.PROPOSED, S.PREPARING, True),
        (S.PREPARING, S.PROPOSED, False),
        (S.SK_ISSUED, S.DONE, False),
    ],
)
def test_moves_that_undo_work_need_a_reason(from_status, to_status, expected):
    assert needs_reason(from_status, to_status) is expected
    if expected:
        with pytest.raises(CaseError) as caught:
            transition_check(
                from_status=from_status, to_status=to_status, facts=StepFacts(), tmt=TMT, proposed_on=None, today=TODAY
            )
        assert set(caught.value.errors) == {"note"}


@pytest.mark.parametrize(
    ("facts", "proposed_on", "fields"),
    [
        (SK_FACTS, None, set()),
        (StepFacts(), None, {"sk_number", "sk_date", "sk_signer"}),
        (StepFacts(sk_number="  ", sk_date=TODAY, sk_signer="Bupati"), None, {"sk_number"}),
        (StepFacts(sk_number="1", sk_date=D(2026, 3, 11), sk_signer="Bupati"), None, {"sk_date"}),  # future
        (StepFacts(sk_number="1", sk_date=D(2026, 1, 5), sk_signer="Bupati"), D(2026, 1, 6), {"sk_date"}),
        (StepFacts(sk_number="1", sk_date=D(2026, 1, 6), sk_signer="Bupati"), D(2026, 1, 6), set()),
        (StepFacts(sk_number="1", sk_date=TODAY, sk_signer="B", pertek_number="AR-1"), None, {"pertek_date"}),
        (StepFacts(sk_number="1", sk_date=TODAY, sk_signer="B", pertek_date=TODAY), None, {"pertek_number"}),
        (
            StepFacts(
                sk_number="1", sk_date=D(2026, 3, 1), sk_signer="B", pertek_number="AR", pertek_date=D(2026, 3, 2)
            ),
            None,
            {"pertek_date"},
        ),
        (
            StepFacts(
                sk_number="1", sk_date=D(2026, 3, 2), sk_signer="B", pertek_number="AR", pertek_date=D(2026, 2, 2)
            ),
            None,
            set(),
        ),
    ],
)
def test_an_sk_needs_number_date_and_signer(facts, proposed_on, fields):
    check = {
        "from_status": S.PROPOSED,
        "to_status": S.SK_ISSUED,
        "facts": facts,
        "tmt": TMT,
        "proposed_on": proposed_on,
    }
    if not fields:
        transition_check(**check, today=TODAY)
        return
    with pytest.raises(CaseError) as caught:
        transition_check(**check, today=TODAY)
    assert set(caught.value.errors) == fields


@pytest.mark.parametrize(
    ("proposed_on", "ok"), [(TODAY, True), (D(2025, 12, 1), True), (D(2026, 3, 11), False), (None, False)]
)
def test_a_proposal_needs_a_date_not_in_the_future(proposed_on, ok):
    check = {
        "from_status": S.PREPARING,
        "to_status": S.PROPOSED,
        "facts": StepFacts(proposed_on=proposed_on),
        "tmt": TMT,
        "proposed_on": None,
        "today": TODAY,
    }
    if ok:
        transition_check(**check)
    else:
        with pytest.raises(CaseError) as caught:
            transition_check(**check)
        assert set(caught.value.errors) == {"proposed_on"}


@pytest.mark.parametrize(("today", "ok"), [(D(2026, 8, 31), False), (D(2026, 9, 1), True), (D(2026, 9, 2), True)])
def test_a_record_is_closed_from_its_tmt_on(today, ok):
    check = {
        "from_status": S.SK_ISSUED,
        "to_status": S.DONE,
        "facts": StepFacts(),
        "tmt": TMT,
        "proposed_on": None,
        "today": today,
    }
    if ok:
        transition_check(**check)
    else:
        with pytest.raises(CaseError, match="1 September 2026"):
            transition_check(**check)


@pytest.mark.parametrize(
    ("status", "states"),
    [
        (S.PREPARING, ["current", "todo", "todo", "todo", "todo"]),
        (S.PROPOSED, ["done", "current", "todo", "todo", "todo"]),
        (S.INCOMPLETE, ["done", "current", "todo", "todo", "todo"]),
        (S.PERTEK, ["done", "done", "current", "todo", "todo"]),
        (S.SK_ISSUED, ["done", "done", "done", "current", "todo"]),
        (S.DONE, ["done", "done", "done", "done", "done"]),
        (S.CANCELLED, ["todo", "todo", "todo", "todo", "todo"]),
    ],
)
def test_step_indicator(status, states):
    shown = steps(status)
    assert [step.state for step in shown] == states
    assert [step.status for step in shown] == [S.PREPARING, S.PROPOSED, S.PERTEK, S.SK_ISSUED, S.DONE]
    assert shown[1].label == "Proposed to BKN"


# --- Opening a record ---------------------------------------------------------------------------------

BORN = D(1980, 6, 15)
CPNS = D(2006, 6, 1)


def opening(**overrides):
    values = {
        "kind": K.BUP,
        "tmt": None,
        "computed_tmt": D(2038, 7, 1),
        "tmt_cpns": CPNS,
        "is_pppk": False,
        "employee_status": EmployeeStatus.AKTIF,
    }
    values.update(overrides)
    return open_check(**values)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, D(2038, 7, 1)),
        ({"tmt": D(2038, 7, 1)}, D(2038, 7, 1)),
        ({"employee_status": EmployeeStatus.MPP}, D(2038, 7, 1)),
        ({"kind": K.APS, "tmt": D(2026, 7, 1)}, D(2026, 7, 1)),  # 46 years old, 20 years 1 month
        # Without the age or the service an APS is still opened (a discharge without pension).
        ({"kind": K.APS, "tmt": D(2026, 5, 1)}, D(2026, 5, 1)),
        ({"kind": K.DEATH, "tmt": D(2026, 4, 1)}, D(2026, 4, 1)),
        ({"kind": K.DEATH, "tmt": D(2026, 4, 1), "employee_status": EmployeeStatus.MENINGGAL}, D(2026, 4, 1)),
        ({"kind": K.KILLED, "tmt": D(2026, 4, 1)}, D(2026, 4, 1)),
        ({"kind": K.DISABILITY, "tmt": D(2026, 5, 1)}, D(2026, 5, 1)),
        ({"kind": K.REORGANISATION, "tmt": D(2027, 1, 1)}, D(2027, 1, 1)),
        ({"kind": K.CONTRACT_END, "is_pppk": True, "computed_tmt": D(2027, 1, 1)}, D(2027, 1, 1)),
        ({"kind": K.CONTRACT_END, "is_pppk": True, "tmt": D(2026, 12, 15)}, D(2026, 12, 15)),
    ],
)
def test_open_check_gives_the_tmt(overrides, expected):
    assert opening(**overrides) == expected


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"computed_tmt": None}, "kind", "unknown"),
        ({"tmt": D(2038, 8, 1)}, "tmt", "1 Juli 2038"),
        ({"kind": K.APS}, "tmt", "Give the TMT"),
        ({"kind": K.DISABILITY, "tmt": D(2026, 5, 15)}, "tmt", "first day of a month"),
        ({"kind": K.DISABILITY, "tmt": D(2006, 6, 1)}, "tmt", "after the TMT CPNS"),
        ({"kind": K.CONTRACT_END}, "kind", "Only a PPPK"),
        ({"employee_status": EmployeeStatus.PENSIUN}, "__all__", "no longer in service (status: Retired)"),
        ({"kind": K.BUP, "employee_status": EmployeeStatus.MENINGGAL}, "__all__", "no longer in service"),
        ({"kind": K.DEATH, "tmt": D(2026, 4, 1), "employee_status": EmployeeStatus.PINDAH}, "__all__", "no longer"),
    ],
)
def test_open_check_refuses_with_a_clear_message(overrides, field, text):
    with pytest.raises(CaseError) as caught:
        opening(**overrides)
    assert list(caught.value.errors) == [field]
    assert text in caught.value.errors[field][0]


@pytest.mark.parametrize(
    ("kind", "on_open", "on_done"),
    [
        (K.BUP, None, EmployeeStatus.PENSIUN),
        (K.APS, None, EmployeeStatus.PENSIUN),
        (K.DEATH, EmployeeStatus.MENINGGAL, EmployeeStatus.MENINGGAL),
        (K.KILLED, EmployeeStatus.MENINGGAL, EmployeeStatus.MENINGGAL),
        (K.DISABILITY, None, EmployeeStatus.PENSIUN),
        (K.REORGANISATION, None, EmployeeStatus.PENSIUN),
        (K.CONTRACT_END, None, EmployeeStatus.BERHENTI),
        (K.PENSIONER_DEATH, EmployeeStatus.MENINGGAL, EmployeeStatus.MENINGGAL),
    ],
)
def test_employee_status_by_kind(kind, on_open, on_done):
    assert employee_status_on_open(kind) == on_open
    assert employee_status_on_done(kind) == on_done


# --- Deadlines ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "tmt", "months", "opened_on", "expected"),
    [
        (K.BUP, D(2027, 7, 1), 12, D(2026, 1, 5), D(2026, 7, 1)),
        (K.BUP, D(2027, 7, 1), 6, D(2026, 1, 5), D(2027, 1, 1)),
        (K.BUP, D(2026, 7, 1), 12, D(2026, 3, 10), D(2025, 7, 1)),  # opened late: stays late
        (K.APS, D(2026, 7, 1), 12, D(2026, 3, 10), D(2026, 4, 10)),  # decided late: a month from opening
        (K.APS, D(2028, 7, 1), 12, D(2026, 3, 10), D(2027, 7, 1)),
        (K.DEATH, D(2026, 4, 1), 12, D(2026, 3, 31), D(2026, 4, 30)),
        (K.CONTRACT_END, D(2026, 12, 15), 12, D(2026, 1, 31), D(2026, 2, 28)),
    ],
)
def test_proposal_due(kind, tmt, months, opened_on, expected):
    assert proposal_due(kind=kind, tmt=tmt, months_before=months, opened_on=opened_on) == expected


DUE = D(2026, 3, 1)


@pytest.mark.parametrize(
    ("status", "today", "overdue", "days_late"),
    [
        (S.PREPARING, D(2026, 2, 28), False, 0),
        (S.PREPARING, DUE, False, 0),  # the due day itself is still in time
        (S.PREPARING, D(2026, 3, 2), True, 1),
        (S.PREPARING, D(2026, 4, 1), True, 31),
        (S.PROPOSED, D(2026, 4, 1), False, 0),
        (S.SK_ISSUED, D(2026, 4, 1), False, 0),
        (S.DONE, D(2026, 4, 1), False, 0),
    ],
)
def test_a_record_is_overdue_after_its_due_day_while_still_being_prepared(status, today, overdue, days_late):
    assert case_deadline(status=status, proposal_due=DUE, today=today) == Deadline(DUE, overdue, True, days_late)


@pytest.mark.parametrize(
    ("tmt", "today", "overdue"),
    [
        (D(2027, 3, 1), D(2026, 3, 1), False),
        (D(2027, 3, 1), D(2026, 3, 2), True),
        (D(2027, 4, 1), D(2026, 3, 31), False),
    ],
)
def test_no_record_yet_is_overdue_after_tmt_minus_the_lead_time(tmt, today, overdue):
    deadline = uncased_deadline(tmt_pensiun=tmt, months_before=12, today=today)
    assert (deadline.due, deadline.overdue, deadline.has_case) == (add_months(tmt, -12), overdue, False)


@given(
    today=st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)),
    tmt=st.dates(min_value=D(2000, 1, 1), max_value=D(2065, 12, 31)),
    months=st.integers(min_value=1, max_value=36),
)
def test_the_sql_bound_agrees_with_the_deadline(today, tmt, months):
    # The work list filters "overdue, no record" as tmt_pensiun < bound; it must mean exactly the rule.
    bound = uncased_overdue_before(today=today, months_before=months)
    assert (tmt < bound) == uncased_deadline(tmt_pensiun=tmt, months_before=months, today=today).overdue


@pytest.mark.parametrize(
    ("today", "months", "bound"),
    [(D(2026, 3, 31), 1, D(2026, 5, 1)), (D(2026, 3, 30), 1, D(2026, 4, 30)), (D(2026, 1, 15), 12, D(2027, 1, 15))],
)
def test_the_sql_bound_at_month_ends(today, months, bound):
    assert uncased_overdue_before(today=today, months_before=months) == bound


# --- Deaths of pensioners and of employees in service -------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status", "text"),
    [
        (K.PENSIONER_DEATH, EmployeeStatus.AKTIF, "still in service (status: Active)"),
        (K.PENSIONER_DEATH, EmployeeStatus.MPP, "janda/duda or tewas record, not a pensiun terusan"),
        (K.PENSIONER_DEATH, EmployeeStatus.PINDAH, "only for a pensioner who died"),
        (K.PENSIONER_DEATH, EmployeeStatus.BERHENTI, "only for a pensioner who died"),
        (K.DEATH, EmployeeStatus.PENSIUN, "the death of a pensioner is a pensiun terusan record"),
        (K.KILLED, EmployeeStatus.PENSIUN, "the death of a pensioner is a pensiun terusan record"),
    ],
)
def test_each_death_is_opened_only_for_its_own_people(kind, status, text):
    with pytest.raises(CaseError) as caught:
        opening(kind=kind, tmt=D(2026, 5, 1), employee_status=status)
    assert list(caught.value.errors) == ["kind"]
    assert text in caught.value.errors["kind"][0]


@pytest.mark.parametrize("status", [EmployeeStatus.PENSIUN, EmployeeStatus.MENINGGAL])
def test_a_pensiun_terusan_is_opened_for_a_pensioner(status):
    assert opening(kind=K.PENSIONER_DEATH, tmt=D(2026, 5, 1), employee_status=status) == D(2026, 5, 1)


@pytest.mark.parametrize(
    ("kind", "existing_kind", "existing_status", "allowed"),
    [
        (K.BUP, K.BUP, S.CANCELLED, True),
        (K.DEATH, K.APS, S.CANCELLED, True),
        (K.PENSIONER_DEATH, K.BUP, S.DONE, True),
        (K.PENSIONER_DEATH, K.APS, S.DONE, True),
        (K.PENSIONER_DEATH, K.BUP, S.CANCELLED, True),
        # A done record is continued only by the death of the pensioner it retired.
        (K.BUP, K.BUP, S.DONE, False),
        (K.DEATH, K.BUP, S.DONE, False),
        (K.PENSIONER_DEATH, K.DEATH, S.DONE, False),
        (K.PENSIONER_DEATH, K.PENSIONER_DEATH, S.DONE, False),
        (K.PENSIONER_DEATH, K.CONTRACT_END, S.DONE, False),
        (K.PENSIONER_DEATH, K.BUP, S.SK_ISSUED, False),
        (K.PENSIONER_DEATH, K.BUP, S.PREPARING, False),
    ],
)
def test_which_record_can_be_reopened(kind, existing_kind, existing_status, allowed):
    if allowed:
        reopen_check(kind=kind, existing_kind=existing_kind, existing_status=existing_status)
    else:
        with pytest.raises(CaseError, match="already has a retirement record"):
            reopen_check(kind=kind, existing_kind=existing_kind, existing_status=existing_status)
    expected = allowed and kind == K.PENSIONER_DEATH
    assert (
        pensioner_death_possible(
            employee_status=EmployeeStatus.PENSIUN, case_kind=existing_kind, case_status=existing_status
        )
        == expected
    ) or kind != K.PENSIONER_DEATH


def test_the_death_of_a_pensioner_needs_a_pensioner():
    assert pensioner_death_possible(employee_status=EmployeeStatus.PENSIUN, case_kind=None, case_status=None)
    assert not pensioner_death_possible(employee_status=EmployeeStatus.AKTIF, case_kind=None, case_status=None)
    assert not pensioner_death_possible(employee_status=EmployeeStatus.MENINGGAL, case_kind=K.BUP, case_status=S.DONE)


# --- BKN's pertek as its own step -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "field", "text"),
    [
        (StepFacts(pertek_date=D(2026, 3, 2)), "pertek_number", "number of BKN's pertek"),
        (StepFacts(pertek_number="AR-03.01/1"), "pertek_date", "date of BKN's pertek"),
        (StepFacts(pertek_number="AR-03.01/1", pertek_date=D(2026, 3, 11)), "pertek_date", "future"),
        (StepFacts(pertek_number="AR-03.01/1", pertek_date=D(2026, 1, 31)), "pertek_date", "1 Februari 2026"),
        (StepFacts(pertek_number="  ", pertek_date=D(2026, 3, 2)), "pertek_number", "number of BKN's pertek"),
    ],
)
def test_the_pertek_step_needs_its_number_and_date(facts, field, text):
    with pytest.raises(CaseError) as caught:
        transition_check(
            from_status=S.PROPOSED, to_status=S.PERTEK, facts=facts, tmt=TMT, proposed_on=D(2026, 2, 1), today=TODAY
        )
    assert text in caught.value.errors[field][0]


def test_the_pertek_step_with_its_number_and_date():
    transition_check(
        from_status=S.PROPOSED, to_status=S.PERTEK, facts=PERTEK_FACTS, tmt=TMT, proposed_on=D(2026, 2, 1), today=TODAY
    )


def test_an_sk_after_a_pertek_is_not_dated_before_it():
    facts = StepFacts(
        pertek_number="AR-03.01/1",
        pertek_date=D(2026, 3, 5),
        sk_number="823/1",
        sk_date=D(2026, 3, 2),
        sk_signer="Bupati Contoh",
    )
    with pytest.raises(CaseError) as caught:
        transition_check(
            from_status=S.PERTEK, to_status=S.SK_ISSUED, facts=facts, tmt=TMT, proposed_on=D(2026, 2, 1), today=TODAY
        )
    assert "pertek_date" in caught.value.errors
