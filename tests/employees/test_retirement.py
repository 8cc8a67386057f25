"""The retirement engine (employees/retirement.py): pure, table-driven, no database."""

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from employees.retirement import (
    END_REASON_BUP,
    END_REASON_CONTRACT,
    Person,
    RetirementFacts,
    Rule,
    RuleChoices,
    add_months,
    bup_date,
    compute,
    full_months,
    months_until,
    mpp_window,
    select_rule,
    service_length,
    tmt_pensiun,
)

D = dt.date
IN_FORCE = D(2014, 1, 15)
BORN = D(1970, 6, 15)  # reaches 58 on 15 June 2028: TMT pensiun 1 July 2028
TMT_CPNS = D(1995, 3, 1)


def rule(
    jenis_jabatan: str = "",
    jenjang: str = "",
    rumpun: str = "",
    *,
    bup: int,
    born_before: dt.date | None = None,
    valid_from: dt.date = IN_FORCE,
    valid_until: dt.date | None = None,
    asn_type: str = "",
    id: int | None = None,
) -> Rule:
    return Rule(id, asn_type, jenis_jabatan, jenjang, rumpun, born_before, bup, valid_from, valid_until, "test")


def person(
    jenis_jabatan: str = "pelaksana",
    jenjang: str = "",
    rumpun: str = "",
    *,
    birth_date: dt.date = BORN,
    tmt_cpns: dt.date = TMT_CPNS,
    asn_type: str = "PNS",
    **kwargs,
) -> Person:
    return Person(asn_type, jenis_jabatan, jenjang, rumpun, birth_date, tmt_cpns, **kwargs)


# DESIGN.md section 5, "Retirement age (BUP)", written out independently of the seed migration.
KEAHLIAN = ["ahli_pertama", "ahli_muda", "ahli_madya", "ahli_utama"]
KETERAMPILAN = ["pemula", "terampil", "mahir", "penyelia"]
DESIGN_RULES = [
    *(rule(jj, bup=58) for jj in ["administrator", "pengawas", "pelaksana"]),
    *(rule("fungsional", j, bup=58) for j in ["ahli_pertama", "ahli_muda", *KETERAMPILAN]),
    *(rule(jj, bup=60) for jj in ["jpt_utama", "jpt_madya", "jpt_pratama"]),
    rule("fungsional", "ahli_madya", bup=60),
    rule("fungsional", "ahli_utama", bup=65),
    rule("fungsional", "ahli_madya", bup=65, born_before=D(1957, 4, 7)),
    rule("fungsional", rumpun="guru", bup=60),
    rule("fungsional", rumpun="dosen", bup=65),
    rule("fungsional", rumpun="profesor", bup=70),
    *(
        rule("fungsional", j, family, bup=bup)
        for family in ["peneliti", "perekayasa"]
        for j, bup in [("ahli_pertama", 58), ("ahli_muda", 58), ("ahli_madya", 65), ("ahli_utama", 70)]
    ),
]
DESIGN_RULES = [dataclasses.replace(r, id=n) for n, r in enumerate(DESIGN_RULES, start=1)]


@pytest.mark.parametrize(
    ("birth_date", "bup", "expected_bup_date", "expected_tmt"),
    [
        (D(1967, 5, 20), 58, D(2025, 5, 20), D(2025, 6, 1)),  # born in May -> 1 June
        (D(1967, 12, 15), 58, D(2025, 12, 15), D(2026, 1, 1)),  # December -> 1 January of the next year
        (D(1967, 12, 31), 58, D(2025, 12, 31), D(2026, 1, 1)),  # last day of the year
        (D(1967, 1, 1), 58, D(2025, 1, 1), D(2025, 2, 1)),  # first day of the year
        (D(1967, 5, 1), 58, D(2025, 5, 1), D(2025, 6, 1)),  # born on the 1st: still the next month
        (D(1967, 5, 31), 58, D(2025, 5, 31), D(2025, 6, 1)),  # last day of a 31-day month
        (D(1967, 4, 30), 58, D(2025, 4, 30), D(2025, 5, 1)),  # last day of a 30-day month
        (D(1967, 2, 28), 58, D(2025, 2, 28), D(2025, 3, 1)),  # last day of February
        (D(1968, 2, 29), 58, D(2026, 2, 28), D(2026, 3, 1)),  # 29 Feb, non-leap BUP year: 28 Feb
        (D(1968, 2, 29), 60, D(2028, 2, 29), D(2028, 3, 1)),  # 29 Feb, leap BUP year: 29 Feb
        (D(1968, 2, 29), 65, D(2033, 2, 28), D(2033, 3, 1)),
        (D(1968, 3, 1), 58, D(2026, 3, 1), D(2026, 4, 1)),  # 1 March is not confused with 29 February
    ],
)
def test_bup_date_and_tmt_pensiun(birth_date, bup, expected_bup_date, expected_tmt):
    assert bup_date(birth_date, bup) == expected_bup_date
    assert tmt_pensiun(birth_date, bup) == expected_tmt


@pytest.mark.parametrize(
    ("jenis_jabatan", "jenjang", "rumpun", "expected"),
    [
        ("administrator", "", "", 58),
        ("pengawas", "", "", 58),
        ("pelaksana", "", "", 58),
        ("jpt_utama", "", "", 60),
        ("jpt_madya", "", "", 60),
        ("jpt_pratama", "", "", 60),
        ("fungsional", "ahli_pertama", "", 58),
        ("fungsional", "ahli_muda", "", 58),
        ("fungsional", "ahli_madya", "", 60),
        ("fungsional", "ahli_utama", "", 65),
        ("fungsional", "penyelia", "", 58),
        ("fungsional", "mahir", "", 58),
        ("fungsional", "terampil", "", 58),
        ("fungsional", "pemula", "", 58),
        # A family's own law wins over the jenjang (PP 11/2017 art. 240).
        *(("fungsional", j, "guru", 60) for j in KEAHLIAN + KETERAMPILAN),
        *(("fungsional", j, "dosen", 65) for j in KEAHLIAN),
        ("fungsional", "ahli_utama", "profesor", 70),
        ("fungsional", "ahli_madya", "profesor", 70),
        ("fungsional", "ahli_pertama", "peneliti", 58),
        ("fungsional", "ahli_muda", "peneliti", 58),
        ("fungsional", "ahli_madya", "peneliti", 65),
        ("fungsional", "ahli_utama", "peneliti", 70),
        ("fungsional", "ahli_pertama", "perekayasa", 58),
        ("fungsional", "ahli_muda", "perekayasa", 58),
        ("fungsional", "ahli_madya", "perekayasa", 65),
        ("fungsional", "ahli_utama", "perekayasa", 70),
        # A peneliti at a keterampilan jenjang has no family rule: the jenjang's rule applies.
        ("fungsional", "mahir", "peneliti", 58),
    ],
)
@pytest.mark.parametrize("asn_type", ["PNS", "PPPK"])
def test_bup_by_position_follows_the_design_table(jenis_jabatan, jenjang, rumpun, expected, asn_type):
    facts = compute(person(jenis_jabatan, jenjang, rumpun, asn_type=asn_type), DESIGN_RULES)
    assert facts.bup == expected
    assert facts.rule is not None and facts.rule.bup == expected


def test_guru_at_ahli_utama_retires_at_60_not_65():
    chosen = select_rule(person("fungsional", "ahli_utama", "guru"), DESIGN_RULES)
    assert (chosen.rumpun, chosen.bup) == ("guru", 60)


@pytest.mark.parametrize(
    ("birth_date", "jenjang", "rumpun", "expected"),
    [
        (D(1957, 4, 6), "ahli_madya", "", 65),  # born before 7 April 1957: kept 65
        (D(1955, 1, 1), "ahli_madya", "", 65),
        (D(1957, 4, 7), "ahli_madya", "", 60),  # born on the day: not before it
        (D(1960, 1, 1), "ahli_madya", "", 60),
        (D(1957, 1, 1), "ahli_muda", "", 58),  # the transition is for ahli madya only
        (D(1956, 1, 1), "ahli_madya", "guru", 60),  # the family still wins over the transition
    ],
)
def test_transition_rule_for_ahli_madya_born_before_7_april_1957(birth_date, jenjang, rumpun, expected):
    facts = compute(person("fungsional", jenjang, rumpun, birth_date=birth_date, tmt_cpns=D(1980, 3, 1)), DESIGN_RULES)
    assert facts.bup == expected


def test_transition_rule_beats_the_same_criteria_without_it():
    plain = rule("fungsional", "ahli_madya", bup=60, id=1)
    transition = rule("fungsional", "ahli_madya", bup=65, born_before=D(1957, 4, 7), id=2)
    subject = person("fungsional", "ahli_madya", birth_date=D(1956, 1, 1))
    assert select_rule(subject, [transition, plain]) == transition
    assert select_rule(subject, [plain, transition]) == transition


@pytest.mark.parametrize(
    ("subject", "rules", "expected_bup"),
    [
        (person("pelaksana"), [rule(bup=56), rule("pelaksana", bup=58)], 58),  # jenis jabatan beats nothing
        (person("pelaksana"), [rule(asn_type="PNS", bup=56), rule("pelaksana", bup=58)], 58),  # beats ASN type
        (person("pelaksana"), [rule(bup=56), rule(asn_type="PNS", bup=57)], 57),  # ASN type beats nothing
        (person("pelaksana", asn_type="PPPK"), [rule(bup=56), rule(asn_type="PNS", bup=57)], 56),
        (person("fungsional", "ahli_muda"), [rule("fungsional", bup=56), rule("fungsional", "ahli_muda", bup=58)], 58),
        (
            person("fungsional", "ahli_muda", "guru"),
            [rule("fungsional", "ahli_muda", bup=58), rule(rumpun="guru", bup=60)],
            60,
        ),
        (person("pelaksana"), [rule("pengawas", bup=59), rule("pelaksana", bup=58)], 58),  # other positions never apply
    ],
)
def test_most_specific_rule_wins(subject, rules, expected_bup):
    assert compute(subject, rules).bup == expected_bup
    assert compute(subject, list(reversed(rules))).bup == expected_bup


@pytest.mark.parametrize(
    ("birth_date", "expected_bup"),
    [
        (D(1950, 6, 1), 56),  # discharged at 56 in 2006, under the old rule
        (D(1956, 1, 15), 56),  # discharged at 56 in January 2012, two years before the new rule
        (D(1957, 12, 31), 56),  # discharged on 31 December 2013, under the old rule
        # 56 in January 2014, but discharged on 31 January, after UU 5/2014 (15 January): BKN's letter
        # K.26-30/V.7-3/99 kept them in service to the new BUP.
        (D(1958, 1, 1), 58),
        (D(1958, 1, 14), 58),
        (D(1958, 1, 15), 58),
        (D(1960, 1, 1), 58),
    ],
)
def test_rule_is_the_one_in_force_when_its_discharge_takes_effect(birth_date, expected_bup):
    rules = [
        rule("pelaksana", bup=56, valid_from=D(1979, 1, 1), valid_until=D(2014, 1, 14), id=1),  # PP 32/1979
        rule("pelaksana", bup=58, valid_from=D(2014, 1, 15), id=2),
    ]
    assert compute(person(birth_date=birth_date, tmt_cpns=D(1980, 1, 1)), rules).bup == expected_bup


@pytest.mark.parametrize(
    ("birth_date", "expected_bup", "expected_tmt"),
    [
        (D(1966, 1, 1), 58, D(2024, 2, 1)),  # 58 in 2024: retired before the raise
        (D(1967, 12, 1), 58, D(2026, 1, 1)),  # discharged on 31 December 2025, the old rule's last day
        (D(1967, 12, 31), 58, D(2026, 1, 1)),
        (D(1968, 1, 1), 60, D(2028, 2, 1)),  # discharged after the raise began: works on to 60
        (D(1975, 7, 20), 60, D(2035, 8, 1)),
    ],
)
def test_a_raised_bup_applies_to_whoever_is_not_yet_discharged_when_it_starts(birth_date, expected_bup, expected_tmt):
    # A law that raises the BUP of pelaksana from 58 to 60 on 1 January 2026 (hypothetical).
    rules = [
        rule("pelaksana", bup=58, valid_from=D(2014, 1, 15), valid_until=D(2025, 12, 31), id=1),
        rule("pelaksana", bup=60, valid_from=D(2026, 1, 1), id=2),
    ]
    for ordered in (rules, list(reversed(rules))):
        facts = compute(person(birth_date=birth_date, tmt_cpns=D(1995, 1, 1)), ordered)
        assert (facts.bup, facts.tmt_pensiun) == (expected_bup, expected_tmt)


def test_a_more_specific_rule_still_wins_on_the_day_it_is_reached():
    # A guru (60, art. 240) is not retired at 58 by the general rule: on their 58th birthday the guru
    # rule is the one in force for them.
    general = rule("fungsional", "ahli_muda", bup=58, id=1)
    guru = rule(rumpun="guru", bup=60, valid_from=D(2005, 12, 30), id=2)
    assert select_rule(person("fungsional", "ahli_muda", "guru", birth_date=D(1970, 3, 3)), [general, guru]) == guru


def test_a_rule_that_ends_before_the_person_reaches_its_bup_is_skipped():
    ended = rule("fungsional", "ahli_madya", bup=65, valid_until=D(2020, 12, 31), id=2)
    general = rule("fungsional", bup=60, id=1)
    assert select_rule(person("fungsional", "ahli_madya", birth_date=D(1955, 6, 1)), [ended, general]) == ended
    assert select_rule(person("fungsional", "ahli_madya", birth_date=D(1970, 6, 1)), [ended, general]) == general


def test_no_valid_rule_gives_unknown_facts():
    future_only = rule("pelaksana", bup=58, valid_from=D(2100, 1, 1))
    assert compute(person(), [future_only]) == RetirementFacts.unknown()
    assert compute(person(), []) == RetirementFacts.unknown()
    assert compute(person("fungsional", "ahli_muda"), [rule("pelaksana", bup=58)]).bup is None


def test_equal_specificity_latest_valid_from_wins_then_highest_id():
    older = rule("pelaksana", bup=58, valid_from=D(2014, 1, 15), id=5)
    newer = rule("pelaksana", bup=60, valid_from=D(2020, 1, 1), id=3)
    subject = person(birth_date=D(1970, 1, 1))
    assert select_rule(subject, [older, newer]) == newer
    assert select_rule(subject, [newer, older]) == newer
    twin = rule("pelaksana", bup=59, valid_from=D(2020, 1, 1), id=9)
    assert select_rule(subject, [twin, newer]) == twin
    assert select_rule(subject, [newer, twin]) == twin


@pytest.mark.parametrize(
    ("override", "expected_bup", "expected_tmt"),
    [(62, 62, D(2032, 7, 1)), (58, 58, D(2028, 7, 1)), (None, 58, D(2028, 7, 1))],
)
def test_override_wins_over_the_rules(override, expected_bup, expected_tmt):
    facts = compute(person(bup_override=override), DESIGN_RULES)
    assert (facts.bup, facts.tmt_pensiun) == (expected_bup, expected_tmt)
    assert facts.override_applied is (override is not None)
    assert (facts.rule is None) is (override is not None)


def test_override_applies_even_when_no_rule_matches():
    facts = compute(person(bup_override=60), [])
    assert (facts.bup, facts.tmt_pensiun, facts.end_reason) == (60, D(2030, 7, 1), END_REASON_BUP)


@pytest.mark.parametrize(
    ("contract_end", "expected_tmt", "expected_reason"),
    [
        (D(2026, 12, 31), D(2027, 1, 1), END_REASON_CONTRACT),  # contract ends long before the BUP
        (D(2028, 6, 29), D(2028, 6, 30), END_REASON_CONTRACT),  # a day earlier than the BUP-based TMT
        (D(2028, 6, 30), D(2028, 7, 1), END_REASON_BUP),  # ends on the BUP month's last day: the BUP
        (D(2030, 12, 31), D(2028, 7, 1), END_REASON_BUP),  # contract runs past the BUP
        (None, D(2028, 7, 1), END_REASON_BUP),
    ],
)
def test_pppk_ends_at_the_earlier_of_contract_end_and_bup(contract_end, expected_tmt, expected_reason):
    subject = person(asn_type="PPPK", tmt_cpns=D(2022, 1, 1), contract_end=contract_end)
    facts = compute(subject, DESIGN_RULES)
    assert (facts.tmt_pensiun, facts.end_reason) == (expected_tmt, expected_reason)
    assert (facts.bup, facts.bup_date) == (58, D(2028, 6, 15))  # still given, for information
    assert (facts.service_years, facts.service_months) == service_length(D(2022, 1, 1), expected_tmt)


def test_contract_end_counts_only_for_pppk():
    facts = compute(person(asn_type="PNS", contract_end=D(2026, 12, 31)), DESIGN_RULES)
    assert (facts.tmt_pensiun, facts.end_reason) == (D(2028, 7, 1), END_REASON_BUP)


def test_pppk_without_a_rule_still_ends_with_the_contract():
    facts = compute(person(asn_type="PPPK", tmt_cpns=D(2022, 1, 1), contract_end=D(2026, 12, 31)), [])
    assert (facts.bup, facts.bup_date, facts.tmt_pensiun, facts.end_reason) == (
        None,
        None,
        D(2027, 1, 1),
        END_REASON_CONTRACT,
    )


def test_golongan_plays_no_part():
    # The engine cannot even be told a golongan: the BUP never comes from it.
    assert "golongan" not in {field.name for field in dataclasses.fields(Person)}
    assert "golongan" not in {field.name for field in dataclasses.fields(Rule)}


@pytest.mark.parametrize(
    ("tmt_cpns", "tmt", "prior", "expected"),
    [
        (D(1995, 3, 1), D(2028, 7, 1), 0, (33, 4)),
        (D(1995, 3, 1), D(2028, 3, 1), 0, (33, 0)),
        (D(1995, 3, 15), D(2028, 7, 1), 0, (33, 3)),  # July's 15th not reached: the 4th month is not whole
        (D(1995, 3, 1), D(2028, 7, 1), 14, (34, 6)),  # plus recognised prior service (SK PMK)
        (D(1995, 3, 1), D(2028, 7, 1), 8, (34, 0)),
        (D(2000, 1, 31), D(2000, 2, 29), 0, (0, 1)),  # month end: 31 January -> 29 February is a month
        (D(2000, 1, 31), D(2000, 2, 28), 0, (0, 0)),
        (D(2030, 1, 1), D(2028, 7, 1), 0, (0, 0)),  # never negative
        (D(2030, 1, 1), D(2028, 7, 1), 5, (0, 5)),
    ],
)
def test_service_length(tmt_cpns, tmt, prior, expected):
    assert service_length(tmt_cpns, tmt, prior) == expected


def test_facts_include_service_length_to_tmt_pensiun():
    facts = compute(person(tmt_cpns=D(1995, 3, 1), prior_service_months=14), DESIGN_RULES)
    assert (facts.service_years, facts.service_months) == (34, 6)


def test_mpp_window():
    window = mpp_window(D(2026, 3, 1))
    assert window.earliest_start == D(2025, 3, 1)
    assert window.last_day == D(2026, 2, 28)
    assert window.request_by == D(2025, 2, 1)
    assert window.request_deadline(D(2025, 9, 1)) == D(2025, 8, 1)


@pytest.mark.parametrize(
    ("start", "requested_on", "allowed"),
    [
        (D(2025, 3, 1), D(2025, 2, 1), True),  # longest MPP, asked on the last possible day
        (D(2025, 3, 1), D(2025, 2, 2), False),  # asked too late
        (D(2025, 2, 1), D(2024, 12, 1), False),  # more than a year before the TMT
        (D(2026, 2, 1), D(2025, 12, 31), True),
        (D(2026, 3, 1), D(2025, 12, 1), False),  # starts on the TMT itself: no MPP left
    ],
)
def test_mpp_window_allows(start, requested_on, allowed):
    assert mpp_window(D(2026, 3, 1)).allows(start=start, requested_on=requested_on) is allowed


@pytest.mark.parametrize(
    ("tmt", "today", "expected"),
    [
        (D(2025, 3, 1), D(2025, 1, 1), 2),
        (D(2025, 3, 1), D(2025, 1, 15), 1),  # 15 February passed, 15 March not
        (D(2025, 3, 1), D(2025, 2, 28), 0),
        (D(2025, 3, 1), D(2025, 3, 1), 0),  # the TMT is today
        (D(2025, 3, 1), D(2025, 6, 1), 0),  # already past
        (D(2026, 1, 1), D(2025, 1, 1), 12),
        (D(2025, 3, 1), D(2025, 1, 31), 1),  # 31 January + 1 month = 28 February <= 1 March
    ],
)
def test_months_until(tmt, today, expected):
    assert months_until(tmt, today) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2025, 1, 15), -1, D(2024, 12, 15)),
        (D(2025, 3, 31), -1, D(2025, 2, 28)),
        (D(2025, 3, 1), -12, D(2024, 3, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@given(birth_date=st.dates(D(1900, 1, 1), D(2010, 12, 31)), bup=st.integers(40, 80))
def test_tmt_pensiun_is_the_first_of_the_month_after_the_bup_birthday(birth_date, bup):
    reached = bup_date(birth_date, bup)
    tmt = tmt_pensiun(birth_date, bup)
    assert reached.year - birth_date.year == bup
    assert reached.month == birth_date.month
    assert tmt.day == 1
    assert reached < tmt
    assert (tmt - reached).days <= 31
    assert tmt == add_months(reached.replace(day=1), 1)


@given(
    start=st.dates(D(1950, 1, 1), D(2050, 12, 31)),
    end=st.dates(D(1950, 1, 1), D(2050, 12, 31)),
)
def test_full_months_is_the_largest_whole_number_of_months(start, end):
    months = full_months(start, end)
    assert months >= 0
    if end > start:
        assert add_months(start, months) <= end < add_months(start, months + 1)
    else:
        assert months == 0


@given(
    birth_date=st.dates(D(1940, 1, 1), D(2000, 12, 31)),
    jenis_jabatan=st.sampled_from(["pelaksana", "jpt_pratama", "fungsional"]),
    jenjang=st.sampled_from(KEAHLIAN + KETERAMPILAN),
    rumpun=st.sampled_from(["", "guru", "dosen", "profesor", "peneliti", "perekayasa"]),
    rules=st.permutations(DESIGN_RULES),
)
def test_choice_does_not_depend_on_the_order_of_the_rules(birth_date, jenis_jabatan, jenjang, rumpun, rules):
    subject = person(jenis_jabatan, jenjang if jenis_jabatan == "fungsional" else "", rumpun, birth_date=birth_date)
    assert select_rule(subject, rules) == select_rule(subject, DESIGN_RULES)


@given(
    people=st.lists(
        st.tuples(
            st.dates(D(1955, 1, 1), D(1975, 12, 31)),
            st.sampled_from(["pelaksana", "jpt_pratama", "fungsional"]),
            st.sampled_from(["", "guru", "dosen"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_remembered_rule_choices_are_select_rules(people):
    choices = RuleChoices()
    # Two rules objects, one the other reversed: a choice made for one is never taken for the other.
    rules, reversed_rules = list(DESIGN_RULES), list(reversed(DESIGN_RULES))
    for birth_date, jenis_jabatan, rumpun in people * 2:
        jenjang = "ahli_muda" if jenis_jabatan == "fungsional" else ""
        subject = person(jenis_jabatan, jenjang, rumpun if jenjang else "", birth_date=birth_date)
        assert choices(subject, rules) == select_rule(subject, rules)
        assert choices(subject, reversed_rules[:3]) == select_rule(subject, reversed_rules[:3])
        assert compute(subject, rules, choose=choices) == compute(subject, rules)


def test_remembered_rule_choices_stop_growing_at_their_limit():
    choices = RuleChoices(limit=2)
    for day in range(1, 6):
        choices(person("pelaksana", "", "", birth_date=D(1970, 1, day)), DESIGN_RULES)
    assert len(choices.memory) == 2
