"""The kinds beyond BUP (employees/pension_kinds.py): table tests over the edges of each rule.

No database: the rules are pure and the rule rows are built here as the seeded ones are.
"""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import translation

from employees import pension_kinds as pk
from employees.retirement import add_months


@pytest.fixture(autouse=True)
def english():
    """The reasons are read in English here (the site's language is Indonesian)."""
    with translation.override("en"):
        yield


D = dt.date

DEATH_RULE = pk.KindRule(
    kind=pk.DEATH,
    valid_from=D(2014, 1, 1),
    valid_until=None,
    legal_basis="UU 11/1969 art. 24",
    proposal_months_before=12,
    uang_duka_multiplier=Decimal("3"),
    gaji_terusan_months=4,
    pension_tmt_after_months=1,
    first_payment_after_months=5,
    id=1,
)
KILLED_RULE = pk.KindRule(**{**DEATH_RULE.__dict__, "kind": pk.KILLED, "uang_duka_multiplier": Decimal("6"),
                             "unsure": True, "id": 2})  # fmt: skip
APS_RULE = pk.KindRule(
    kind=pk.APS, valid_from=D(2014, 1, 1), valid_until=None, legal_basis="PP 11/2017", proposal_months_before=12,
    min_age=45, min_service_years=20, id=3,
)  # fmt: skip
UDZUR_RULE = pk.KindRule(
    kind=pk.DISABILITY, valid_from=D(2014, 1, 1), valid_until=None, legal_basis="UU 11/1969 art. 9",
    proposal_months_before=12, min_service_years=4, id=4,
)  # fmt: skip
REORG_RULE = pk.KindRule(
    kind=pk.REORGANISATION, valid_from=D(2014, 1, 1), valid_until=None, legal_basis="PP 11/2017",
    proposal_months_before=12, min_age=50, min_service_years=10, id=5,
)  # fmt: skip


# --- Death in service -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("died_on", "tmt", "first_payment", "gaji_terusan"),
    [
        # The day in the month does not matter: the 1st, the 15th, the last day.
        (D(2026, 3, 1), D(2026, 4, 1), D(2026, 8, 1), (D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1), D(2026, 7, 1))),
        (D(2026, 3, 15), D(2026, 4, 1), D(2026, 8, 1), (D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1), D(2026, 7, 1))),
        (D(2026, 3, 31), D(2026, 4, 1), D(2026, 8, 1), (D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1), D(2026, 7, 1))),
        (D(2026, 1, 31), D(2026, 2, 1), D(2026, 6, 1), (D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 1))),
        # February, leap and common years.
        (D(2028, 2, 29), D(2028, 3, 1), D(2028, 7, 1), (D(2028, 3, 1), D(2028, 4, 1), D(2028, 5, 1), D(2028, 6, 1))),
        (D(2027, 2, 28), D(2027, 3, 1), D(2027, 7, 1), (D(2027, 3, 1), D(2027, 4, 1), D(2027, 5, 1), D(2027, 6, 1))),
        # December: into the next year.
        (D(2025, 12, 1), D(2026, 1, 1), D(2026, 5, 1), (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1))),
        (D(2025, 12, 31), D(2026, 1, 1), D(2026, 5, 1), (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1))),
        # August to November: the payments cross the year.
        (
            D(2026, 9, 30),
            D(2026, 10, 1),
            D(2027, 2, 1),
            (D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)),
        ),
    ],
)
@pytest.mark.parametrize("rule", [DEATH_RULE, KILLED_RULE])
def test_death_dates(rule, died_on, tmt, first_payment, gaji_terusan):
    payments = pk.death_payments(died_on=died_on, rule=rule, last_income=None)
    assert payments.pension_tmt == tmt
    assert payments.first_payment == first_payment
    assert payments.gaji_terusan == gaji_terusan
    # The rule: TMT the month after the death; first paid after the gaji terusan.
    assert payments.first_payment == add_months(payments.gaji_terusan[-1], 1)
    assert payments.uang_duka is None


def test_death_dates_follow_the_dated_rule():
    # The law's reading (paid from the TMT) as another region applies it.
    rule = pk.KindRule(**{**DEATH_RULE.__dict__, "gaji_terusan_months": 0, "first_payment_after_months": 1})
    payments = pk.death_payments(died_on=D(2026, 12, 31), rule=rule, last_income=None)
    assert (payments.pension_tmt, payments.first_payment, payments.gaji_terusan) == (D(2027, 1, 1), D(2027, 1, 1), ())


@pytest.mark.parametrize(
    ("rule", "income", "expected"),
    [
        (DEATH_RULE, Decimal("4500000"), Decimal("13500000.00")),
        (KILLED_RULE, Decimal("4500000"), Decimal("27000000.00")),
        (DEATH_RULE, Decimal("3333333.33"), Decimal("9999999.99")),
        (pk.KindRule(**{**DEATH_RULE.__dict__, "uang_duka_multiplier": Decimal("2.5")}), Decimal("1000000.01"),
         Decimal("2500000.03")),
        (DEATH_RULE, Decimal("0"), Decimal("0.00")),
    ],
)  # fmt: skip
def test_uang_duka_is_a_multiple_of_the_last_income(rule, income, expected):
    payments = pk.death_payments(died_on=D(2026, 5, 20), rule=rule, last_income=income)
    assert payments.uang_duka == expected
    assert isinstance(payments.uang_duka, Decimal)
    assert payments.unsure is rule.unsure


@pytest.mark.parametrize(
    ("died_on", "tmt_pensiun", "message"),
    [
        (None, None, "Give the date of death"),
        (D(2026, 6, 2), None, "future"),
        (D(1999, 12, 31), None, "TMT CPNS"),
        (D(2030, 1, 1), D(2030, 1, 1), "pensioner"),
    ],
)
def test_death_date_errors(died_on, tmt_pensiun, message):
    errors = pk.death_date_errors(
        died_on=died_on, birth_date=D(1975, 1, 1), tmt_cpns=D(2000, 1, 1), tmt_pensiun=tmt_pensiun,
        today=D(2026, 6, 1) if died_on != D(2030, 1, 1) else D(2030, 2, 1),
    )  # fmt: skip
    assert len(errors) == 1 and message in errors[0]


def test_a_death_on_the_tmt_cpns_or_the_eve_of_the_tmt_pensiun_is_in_service():
    for died_on in (D(2000, 1, 1), D(2029, 12, 31)):
        assert not pk.death_date_errors(
            died_on=died_on, birth_date=D(1975, 1, 1), tmt_cpns=D(2000, 1, 1), tmt_pensiun=D(2030, 1, 1),
            today=D(2030, 1, 5),
        )  # fmt: skip


# --- Heirs ----------------------------------------------------------------------------------------------

DIED = D(2026, 3, 15)
ON = D(2026, 6, 1)


def child(id, born, parent=None, **kw):
    return pk.ChildFact(id=id, name=f"anak{id}", birth_date=born, other_parent_id=parent, **kw)


def shares(result):
    return [(share.role, share.id, share.share) for share in result.shares]


@pytest.mark.parametrize(
    ("spouses", "children", "parents", "kind", "expected"),
    [
        # One wife takes it all; the children then count for nothing here.
        ([pk.SpouseFact(1, "istri")], [child(5, D(2010, 1, 1), 1)], [], pk.DEATH, [("spouse", 1, Fraction(1))]),
        # Several wives share equally, in their order.
        ([pk.SpouseFact(2, "istri kedua", order=2), pk.SpouseFact(1, "istri", order=1)], [], [], pk.DEATH,
         [("spouse", 1, Fraction(1, 2)), ("spouse", 2, Fraction(1, 2))]),
        ([pk.SpouseFact(i, f"istri{i}", order=i) for i in (1, 2, 3)], [], [], pk.KILLED,
         [("spouse", i, Fraction(1, 3)) for i in (1, 2, 3)]),
        # A divorced wife (before the death) has no share; a wife who died after the employee neither.
        ([pk.SpouseFact(1, "mantan", ended_on=D(2020, 1, 1)), pk.SpouseFact(2, "istri", order=2)], [], [], pk.DEATH,
         [("spouse", 2, Fraction(1))]),
        ([pk.SpouseFact(1, "istri", died_on=D(2026, 5, 1), ended_on=D(2026, 5, 1))],
         [child(5, D(2010, 1, 1), 1), child(6, D(2012, 1, 1), 1)], [], pk.DEATH,
         [("child", 5, Fraction(1, 2)), ("child", 6, Fraction(1, 2))]),
        # No spouse: one share per set of parents, split inside the set.
        ([pk.SpouseFact(1, "istri", ended_on=D(2019, 1, 1)), pk.SpouseFact(2, "istri2", ended_on=D(2024, 1, 1))],
         [child(5, D(2005, 1, 1), 1), child(6, D(2008, 1, 1), 1), child(7, D(2015, 1, 1), 2)], [], pk.DEATH,
         [("child", 5, Fraction(1, 4)), ("child", 6, Fraction(1, 4)), ("child", 7, Fraction(1, 2))]),
        # Children who do not count: 25 or over, married, with income, dead.
        ([], [child(5, D(2001, 6, 1)), child(6, D(2001, 6, 2)), child(7, D(2010, 1, 1), is_married=True),
              child(8, D(2010, 1, 1), is_working=True), child(9, D(2010, 1, 1), died_on=D(2026, 1, 1))],
         [], pk.DEATH, [("child", 6, Fraction(1))]),
        # Tewas, unmarried: the living parents; a plain death leaves them nothing.
        ([], [], [pk.ParentFact(1, "ayah"), pk.ParentFact(2, "ibu")], pk.KILLED,
         [("parent", 1, Fraction(1, 2)), ("parent", 2, Fraction(1, 2))]),
        ([], [], [pk.ParentFact(1, "ayah", died_on=D(2020, 1, 1)), pk.ParentFact(2, "ibu")], pk.KILLED,
         [("parent", 2, Fraction(1))]),
        ([], [], [pk.ParentFact(1, "ayah"), pk.ParentFact(2, "ibu")], pk.DEATH, []),
        # Tewas with a child who counts: the child, not the parents.
        ([], [child(5, D(2010, 1, 1))], [pk.ParentFact(1, "ayah")], pk.KILLED, [("child", 5, Fraction(1))]),
    ],
)  # fmt: skip
def test_heirs_and_shares(spouses, children, parents, kind, expected):
    result = pk.heirs(kind=kind, died_on=DIED, on=ON, spouses=spouses, children=children, parents=parents)
    assert shares(result) == expected
    if expected:
        assert sum(share.share for share in result.shares) == 1


def test_a_child_whose_birth_date_is_unknown_is_left_out_and_named():
    result = pk.heirs(kind=pk.DEATH, died_on=DIED, on=ON, spouses=[], children=[child(5, None)], parents=[])
    assert result.shares == () and result.unchecked == ("anak5",)


@pytest.mark.parametrize(
    ("born", "on", "counts"),
    [
        (D(2001, 6, 1), D(2026, 5, 31), True),  # 24 the day before the 25th birthday
        (D(2001, 6, 1), D(2026, 6, 1), False),
        (D(2004, 2, 29), D(2029, 2, 27), True),
        (D(2004, 2, 29), D(2029, 2, 28), False),
    ],
)
def test_a_child_counts_until_25(born, on, counts):
    assert pk.child_counts(child(1, born), on) is counts


# --- APS, udzur, reorganisasi --------------------------------------------------------------------------


def facts(kind, *, born, cpns, tmt, prior=0, duty=False):
    return pk.CaseFacts(kind=kind, tmt=tmt, birth_date=born, tmt_cpns=cpns, prior_service_months=prior,
                        caused_by_duty=duty)  # fmt: skip


TMT = D(2026, 7, 1)


@pytest.mark.parametrize(
    ("born", "cpns", "prior", "with_pension", "age", "years"),
    [
        # Age 45 on the TMT, by a day and by a month.
        (D(1981, 7, 1), D(2000, 1, 1), 0, True, 45, 26),
        (D(1981, 7, 2), D(2000, 1, 1), 0, False, 44, 26),
        (D(1981, 6, 1), D(2000, 1, 1), 0, True, 45, 26),
        (D(1981, 8, 1), D(2000, 1, 1), 0, False, 44, 26),
        # Service 20 years on the TMT, by a day and by a month; SK PMK months count.
        (D(1970, 1, 1), D(2006, 7, 1), 0, True, 56, 20),
        (D(1970, 1, 1), D(2006, 7, 2), 0, False, 56, 19),
        (D(1970, 1, 1), D(2006, 8, 1), 0, False, 56, 19),
        (D(1970, 1, 1), D(2006, 8, 1), 1, True, 56, 20),
        # Both just short, both just met.
        (D(1981, 7, 2), D(2006, 7, 2), 0, False, 44, 19),
        (D(1981, 7, 1), D(2006, 7, 1), 0, True, 45, 20),
    ],
)
def test_aps(born, cpns, prior, with_pension, age, years):
    result = pk.outcome(facts(pk.APS, born=born, cpns=cpns, tmt=TMT, prior=prior), APS_RULE)
    assert (result.with_pension, result.age_years, result.service_years) == (with_pension, age, years)
    assert result.pension_from == (TMT if with_pension else None)
    if not with_pension:
        assert "without pension" in result.reason and f"{age} years old" in result.reason


@pytest.mark.parametrize(
    ("cpns", "duty", "with_pension"),
    [
        (D(2022, 7, 1), False, True),  # 4 years exactly
        (D(2022, 7, 2), False, False),  # 3 years 11 months
        (D(2022, 8, 1), False, False),
        (D(2023, 7, 1), False, False),  # 3 years
        (D(2023, 7, 1), True, True),
        (D(2026, 6, 1), True, True),  # a month of service, caused by duty
    ],
)
def test_udzur(cpns, duty, with_pension):
    result = pk.outcome(facts(pk.DISABILITY, born=D(1990, 1, 1), cpns=cpns, tmt=TMT, duty=duty), UDZUR_RULE)
    assert result.with_pension is with_pension
    assert result.pension_from == (TMT if with_pension else None)


@pytest.mark.parametrize(
    ("born", "cpns", "with_pension", "pension_from"),
    [
        (D(1976, 7, 1), D(2016, 7, 1), True, TMT),  # 50 on the TMT, 10 years
        (D(1976, 7, 2), D(2016, 7, 1), True, D(2026, 8, 1)),  # 49, turns 50 on 2 July: from 1 August
        (D(1977, 1, 15), D(2016, 7, 1), True, D(2027, 2, 1)),  # 49: the month after turning 50
        (D(1976, 12, 31), D(2000, 1, 1), True, D(2027, 1, 1)),  # December birthday: into the next year
        (D(1960, 1, 1), D(2016, 7, 2), False, None),  # 9 years 11 months, whatever the age
        (D(1976, 7, 1), D(2017, 7, 1), False, None),  # 50, 9 years
        (D(1980, 1, 1), D(2017, 7, 1), False, None),  # 46, 9 years
    ],
)
def test_reorganisation(born, cpns, with_pension, pension_from):
    result = pk.outcome(facts(pk.REORGANISATION, born=born, cpns=cpns, tmt=TMT), REORG_RULE)
    assert (result.with_pension, result.pension_from) == (with_pension, pension_from)


def test_the_thresholds_come_from_the_rule():
    stricter = pk.KindRule(**{**APS_RULE.__dict__, "min_age": 50})
    case = facts(pk.APS, born=D(1981, 7, 1), cpns=D(2000, 1, 1), tmt=TMT)
    assert pk.outcome(case, APS_RULE).with_pension and not pk.outcome(case, stricter).with_pension


def test_bup_and_contract_end():
    bup = pk.outcome(facts(pk.BUP, born=D(1968, 6, 5), cpns=D(1990, 1, 1), tmt=TMT), None)
    assert (bup.with_pension, bup.pension_from) == (True, TMT)
    assert not pk.outcome(facts(pk.CONTRACT_END, born=D(1990, 1, 1), cpns=D(2022, 1, 1), tmt=TMT), None).with_pension


def test_death_outcome_keeps_both_dates():
    case = pk.CaseFacts(kind=pk.KILLED, tmt=D(2026, 1, 1), birth_date=D(1980, 1, 1), tmt_cpns=D(2005, 1, 1),
                        died_on=D(2025, 12, 31), last_income=Decimal("5000000"))  # fmt: skip
    result = pk.outcome(case, KILLED_RULE)
    assert (result.with_pension, result.pension_from) == (True, D(2026, 1, 1))
    assert result.death.first_payment == D(2026, 5, 1) and result.death.uang_duka == Decimal("30000000.00")
    # The TMT is a day; the first payment is a month.
    assert "from 1 Januari 2026" in result.reason and "first paid in Mei 2026." in result.reason


# --- The rule in force ----------------------------------------------------------------------------------


def test_rule_in_force_by_date():
    newer = pk.KindRule(**{**APS_RULE.__dict__, "valid_from": D(2027, 1, 1), "min_age": 50, "id": 9})
    ended = pk.KindRule(**{**APS_RULE.__dict__, "valid_until": D(2026, 12, 31)})
    rules = [ended, newer, DEATH_RULE]
    assert pk.rule_in_force(rules, kind=pk.APS, on=D(2026, 12, 31)) == ended
    assert pk.rule_in_force(rules, kind=pk.APS, on=D(2027, 1, 1)) == newer
    assert pk.rule_in_force(rules, kind=pk.APS, on=D(2013, 12, 31)) is None
    assert pk.rule_in_force(rules, kind=pk.REORGANISATION, on=D(2026, 1, 1)) is None
    # Two rows valid on the same day: the latest valid_from.
    both = pk.KindRule(**{**APS_RULE.__dict__, "valid_from": D(2020, 1, 1), "id": 10})
    assert pk.rule_in_force([APS_RULE, both], kind=pk.APS, on=D(2026, 1, 1)) == both


def test_rule_date():
    assert pk.rule_date(kind=pk.DEATH, tmt=D(2026, 4, 1), died_on=D(2026, 3, 31)) == D(2026, 3, 31)
    assert pk.rule_date(kind=pk.APS, tmt=D(2026, 4, 1), died_on=None) == D(2026, 4, 1)


# --- KPP ------------------------------------------------------------------------------------------------

ON_TMT = D(2026, 7, 1)


def kpp(*, cpns, golongan, kind=pk.BUP, duty=False, penalties=(), prior=0):
    return pk.kpp_check(kind=kind, caused_by_duty=duty, on=ON_TMT, tmt_cpns=cpns, prior_service_months=prior,
                        tmt_golongan=golongan, penalties=penalties)  # fmt: skip


@pytest.mark.parametrize(
    ("cpns", "golongan", "eligible"),
    [
        # 30 years: a month in the last rank.
        (D(1996, 7, 1), D(2026, 6, 1), True),
        (D(1996, 7, 1), D(2026, 6, 2), False),
        (D(1996, 7, 2), D(2026, 6, 1), False),  # 29 years 11 months: the 20-year step needs a year
        # 20 years: a year in the last rank.
        (D(2006, 7, 1), D(2025, 7, 1), True),
        (D(2006, 7, 1), D(2025, 7, 2), False),
        (D(2006, 7, 2), D(2024, 7, 2), False),  # 19 years 11 months: the 10-year step needs two years
        (D(2006, 7, 2), D(2024, 7, 1), True),  # ... which it has by a day
        # 10 years: two years in the last rank.
        (D(2016, 7, 1), D(2024, 7, 1), True),
        (D(2016, 7, 1), D(2024, 7, 2), False),
        (D(2016, 7, 2), D(2016, 7, 2), False),  # 9 years 11 months
    ],
)
def test_kpp_thresholds(cpns, golongan, eligible):
    result = kpp(cpns=cpns, golongan=golongan)
    assert result.eligible is eligible, result.reason
    assert result.reason


def test_kpp_counts_recognised_prior_service():
    assert kpp(cpns=D(1996, 8, 1), golongan=D(2026, 6, 1), prior=1).eligible


@pytest.mark.parametrize(
    ("level", "decided_on", "eligible"),
    [
        ("ringan", D(2026, 6, 1), True),
        ("sedang", D(2026, 6, 1), False),
        ("berat", D(2025, 7, 1), False),  # a year ago to the day
        ("berat", D(2025, 6, 30), True),  # over a year ago
        ("sedang", D(2026, 7, 2), True),  # after the day counted to
    ],
)
def test_kpp_discipline_in_the_last_year(level, decided_on, eligible):
    result = kpp(cpns=D(1990, 1, 1), golongan=D(2020, 1, 1), penalties=[pk.Penalty(level, decided_on)])
    assert result.eligible is eligible


@pytest.mark.parametrize(
    ("kind", "duty", "eligible"),
    [
        (pk.BUP, False, True),
        (pk.DEATH, False, True),
        (pk.KILLED, False, True),
        (pk.DISABILITY, True, True),
        (pk.DISABILITY, False, False),
        (pk.APS, False, False),
        (pk.REORGANISATION, False, False),
        (pk.CONTRACT_END, False, False),
        (pk.PENSIONER_DEATH, False, False),
    ],
)
def test_kpp_only_for_some_kinds(kind, duty, eligible):
    result = kpp(cpns=D(1990, 1, 1), golongan=D(2020, 1, 1), kind=kind, duty=duty)
    assert result.eligible is eligible
    # Where it is refused here, it is refused by the kind: it does not apply (the page says so, no badge).
    assert result.applies is eligible is pk.kpp_applies(kind=kind, caused_by_duty=duty)


def test_kpp_applies_to_a_death_in_service_even_when_not_eligible():
    result = kpp(cpns=D(2020, 1, 1), golongan=D(2026, 1, 1), kind=pk.DEATH)
    assert (result.eligible, result.applies) == (False, True)


def test_a_pensioners_death_says_why_no_kpp():
    result = kpp(cpns=D(1990, 1, 1), golongan=D(2020, 1, 1), kind=pk.PENSIONER_DEATH)
    assert not result.applies and "already retired" in result.reason


def test_kpp_needs_the_tmt_golongan():
    result = kpp(cpns=D(1990, 1, 1), golongan=None)
    assert not result.eligible and "TMT golongan" in result.reason


# --- A pensioner who dies (pensiun terusan) -------------------------------------------------------------

TERUSAN_RULE = pk.KindRule(
    kind=pk.PENSIONER_DEATH, valid_from=D(2014, 1, 1), valid_until=None, legal_basis="UU 11/1969 art. 24",
    proposal_months_before=12, gaji_terusan_months=4, pension_tmt_after_months=5, first_payment_after_months=5,
    unsure=True, id=6,
)  # fmt: skip


@pytest.mark.parametrize(
    ("died_on", "terusan", "widow_tmt"),
    [
        # The middle, the first and the last day of a month: the months count from the month of death.
        (D(2026, 3, 15), (D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1), D(2026, 7, 1)), D(2026, 8, 1)),
        (D(2026, 3, 1), (D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1), D(2026, 7, 1)), D(2026, 8, 1)),
        (D(2026, 3, 31), (D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1), D(2026, 7, 1)), D(2026, 8, 1)),
        (D(2026, 4, 30), (D(2026, 5, 1), D(2026, 6, 1), D(2026, 7, 1), D(2026, 8, 1)), D(2026, 9, 1)),
        (D(2028, 2, 29), (D(2028, 3, 1), D(2028, 4, 1), D(2028, 5, 1), D(2028, 6, 1)), D(2028, 7, 1)),
        # December: the pensiun terusan and the widow(er)'s pension are in the next year.
        (D(2025, 12, 1), (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)), D(2026, 5, 1)),
        (D(2025, 12, 31), (D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)), D(2026, 5, 1)),
        # From September the four months cross the year.
        (D(2026, 9, 30), (D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1), D(2027, 1, 1)), D(2027, 2, 1)),
    ],
)
def test_pensiun_terusan_dates(died_on, terusan, widow_tmt):
    payments = pk.death_payments(died_on=died_on, rule=TERUSAN_RULE, last_income=Decimal("4000000"))
    assert payments.gaji_terusan == terusan
    assert payments.pension_tmt == payments.first_payment == widow_tmt
    # No uang duka wafat for a pensioner: that is for a death in service.
    assert payments.pensiun_terusan and payments.uang_duka is None and payments.uang_duka_multiplier is None


def test_pensiun_terusan_follows_the_dated_rule():
    shorter = pk.KindRule(**{**TERUSAN_RULE.__dict__, "gaji_terusan_months": 2, "pension_tmt_after_months": 3,
                             "first_payment_after_months": 3})  # fmt: skip
    payments = pk.death_payments(died_on=D(2026, 11, 20), rule=shorter, last_income=None)
    assert payments.gaji_terusan == (D(2026, 12, 1), D(2027, 1, 1))
    assert payments.pension_tmt == D(2027, 2, 1)


def test_a_death_in_service_is_not_a_pensiun_terusan():
    assert not pk.death_payments(died_on=D(2026, 3, 15), rule=DEATH_RULE, last_income=None).pensiun_terusan


def test_pensiun_terusan_outcome():
    case = pk.CaseFacts(kind=pk.PENSIONER_DEATH, tmt=D(2026, 5, 1), birth_date=D(1960, 3, 10),
                        tmt_cpns=D(1985, 3, 1), died_on=D(2025, 12, 31), retired_on=D(2018, 4, 1))  # fmt: skip
    result = pk.outcome(case, TERUSAN_RULE)
    assert (result.with_pension, result.pension_from) == (True, D(2026, 5, 1))
    assert result.death.gaji_terusan[0] == D(2026, 1, 1) and result.death.gaji_terusan[-1] == D(2026, 4, 1)
    # The months of pensiun terusan are a span of months, not the first days of its ends.
    assert "Pensiun terusan (the deceased's pension continued) Januari 2026 \u2013 April 2026, then" in result.reason
    assert "from 1 Mei 2026, first paid in Mei 2026;" in result.reason
    # The deceased's masa kerja is the one of their own retirement.
    assert (result.service_years, result.service_months) == (33, 1)


@pytest.mark.parametrize(
    ("died_on", "retired_on", "message"),
    [
        (None, D(2020, 6, 1), "Give the date of death"),
        (D(2026, 1, 2), D(2020, 6, 1), "cannot be in the future"),
        (D(2020, 5, 31), D(2020, 6, 1), "before the TMT pensiun of the deceased (1 Juni 2020)"),
        (D(2025, 5, 31), None, "TMT pensiun of the deceased is unknown"),
        (D(2020, 6, 1), D(2020, 6, 1), None),
        (D(2026, 1, 1), D(2020, 6, 1), None),
    ],
)
def test_pensioner_death_date_errors(died_on, retired_on, message):
    errors = pk.pensioner_death_date_errors(
        died_on=died_on, birth_date=D(1962, 5, 10), retired_on=retired_on, today=D(2026, 1, 1)
    )
    assert (message in errors[0]) if message else errors == []


def test_the_rule_of_a_pensioners_death_is_the_one_of_its_day():
    assert pk.rule_date(kind=pk.PENSIONER_DEATH, tmt=D(2026, 5, 1), died_on=D(2025, 12, 31)) == D(2025, 12, 31)


def test_heirs_of_a_pensioner_are_as_for_a_death():
    spouse = pk.SpouseFact(id=1, name="Ahmad")
    orphan = {"spouses": [], "children": [], "parents": [pk.ParentFact(id=9, name="Ibu")]}
    got = pk.heirs(kind=pk.PENSIONER_DEATH, died_on=D(2025, 12, 31), on=D(2026, 1, 5), spouses=[spouse],
                   children=[], parents=[])  # fmt: skip
    assert [(heir.role, heir.name) for heir in got.shares] == [(pk.SPOUSE, "Ahmad")]
    # Parents inherit only from someone killed in the line of duty.
    assert pk.heirs(kind=pk.PENSIONER_DEATH, died_on=D(2025, 12, 31), on=D(2026, 1, 5), **orphan).shares == ()


# --- Masa kerja of the deceased -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "tmt", "died_on", "retired_on", "until", "basis", "years_months"),
    [
        # Died in service on 15 March 2026 after 20 years 2 months 14 days: counted to the death, not to the
        # TMT janda/duda (1 April 2026) nor to the BUP.
        (pk.DEATH, D(2026, 4, 1), D(2026, 3, 15), None, D(2026, 3, 15), pk.UNTIL_DEATH, (20, 2)),
        (pk.KILLED, D(2026, 1, 1), D(2025, 12, 31), None, D(2025, 12, 31), pk.UNTIL_DEATH, (19, 11)),
        (pk.DEATH, D(2026, 2, 1), D(2026, 1, 1), None, D(2026, 1, 1), pk.UNTIL_DEATH, (20, 0)),
        # A pensioner: to their own TMT pensiun.
        (pk.PENSIONER_DEATH, D(2026, 5, 1), D(2025, 12, 31), D(2024, 7, 1), D(2024, 7, 1), pk.UNTIL_RETIREMENT,
         (18, 6)),
        # Any other kind: to the TMT.
        (pk.BUP, D(2030, 7, 1), None, None, D(2030, 7, 1), pk.UNTIL_TMT, (24, 6)),
        (pk.APS, D(2027, 1, 1), None, None, D(2027, 1, 1), pk.UNTIL_TMT, (21, 0)),
    ],
)  # fmt: skip
def test_masa_kerja_ends_at_the_death(kind, tmt, died_on, retired_on, until, basis, years_months):
    service = pk.masa_kerja(kind=kind, tmt=tmt, died_on=died_on, tmt_cpns=D(2006, 1, 1), retired_on=retired_on)
    assert (service.until, service.basis, (service.years, service.months)) == (until, basis, years_months)


def test_a_death_outcome_counts_service_to_the_death():
    case = pk.CaseFacts(kind=pk.DEATH, tmt=D(2026, 4, 1), birth_date=D(1980, 1, 1), tmt_cpns=D(2006, 1, 1),
                        died_on=D(2026, 3, 15), prior_service_months=5)  # fmt: skip
    result = pk.outcome(case, DEATH_RULE)
    assert (result.service_years, result.service_months) == (20, 7)


# --- The proposal lead time -----------------------------------------------------------------------------

BUP_RULE = pk.KindRule(kind=pk.BUP, valid_from=D(2014, 1, 1), valid_until=D(2026, 12, 31), legal_basis="-",
                       proposal_months_before=12, id=1)  # fmt: skip
BUP_2027 = pk.KindRule(kind=pk.BUP, valid_from=D(2027, 1, 1), valid_until=None, legal_basis="-",
                       proposal_months_before=15, id=2)  # fmt: skip


@pytest.mark.parametrize(
    ("on", "months"),
    [(D(2013, 12, 1), 6), (D(2014, 1, 1), 12), (D(2026, 12, 31), 12), (D(2027, 1, 1), 15), (D(2040, 1, 1), 15)],
)
def test_proposal_months_follow_the_dated_rule_and_fall_back_to_the_default(on, months):
    assert pk.proposal_months([BUP_RULE, BUP_2027, APS_RULE], kind=pk.BUP, on=on, default=6) == months


def test_proposal_months_spans_cover_every_tmt_once():
    spans = pk.proposal_months_spans([BUP_RULE, BUP_2027, APS_RULE], kind=pk.BUP, default=6)
    assert spans == (
        pk.LeadSpan(None, D(2014, 1, 1), 6),
        pk.LeadSpan(D(2014, 1, 1), D(2027, 1, 1), 12),
        pk.LeadSpan(D(2027, 1, 1), None, 15),
    )
    # Neighbours with one lead time are one span; no rule at all is the default for every TMT.
    assert pk.proposal_months_spans([BUP_RULE], kind=pk.BUP, default=12) == (pk.LeadSpan(None, None, 12),)
    assert pk.proposal_months_spans([], kind=pk.BUP, default=12) == (pk.LeadSpan(None, None, 12),)
