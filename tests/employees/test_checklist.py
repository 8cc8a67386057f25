"""The checklist's conditions and the person's checklist (employees/checklist.py): table tests, no database."""

import datetime as dt

import pytest

from employees.checklist import (
    ChildFact,
    ItemSpec,
    PersonFacts,
    SpouseFact,
    child_counts,
    condition_holds,
    item_applies,
    missing_required,
    person_checklist,
)
from employees.choices import ChecklistCondition as C
from employees.choices import RetirementKind as K

D = dt.date
ON = D(2026, 3, 1)  # the TMT (or the date of death) the family is counted on


def child(born: dt.date | None, **kwargs) -> ChildFact:
    return ChildFact(birth_date=born, **kwargs)


def facts(**kwargs) -> PersonFacts:
    return PersonFacts(**{"kind": K.BUP, "on": ON, **kwargs})


@pytest.mark.parametrize(
    ("the_child", "counts"),
    [
        (child(D(2001, 3, 2)), True),  # 24 on the day, 25 tomorrow
        (child(D(2001, 3, 1)), False),  # 25 on the day
        (child(D(2001, 2, 28)), False),
        (child(D(2001, 3, 2), is_married=True), False),
        (child(D(2001, 3, 2), is_working=True), False),
        (child(D(2010, 1, 1), died_on=D(2026, 2, 28)), False),
        (child(D(2010, 1, 1), died_on=D(2026, 3, 2)), True),  # died after the day counted
        (child(D(2026, 3, 2)), False),  # not born yet on the day
        (child(D(2026, 3, 1)), True),  # born that day
        (child(None), True),  # no birth date: its papers are asked, not skipped
    ],
)
def test_which_children_count_for_the_pension(the_child, counts):
    assert child_counts(the_child, ON) is counts


@pytest.mark.parametrize(
    ("condition", "person", "holds"),
    [
        (C.ALWAYS, facts(), True),
        (C.HAS_SPOUSE, facts(), False),
        (C.HAS_SPOUSE, facts(spouses=(SpouseFact(),)), True),
        (C.HAS_SPOUSE, facts(spouses=(SpouseFact(marriage_ended_on=D(2020, 1, 1)),)), False),
        (C.HAS_SPOUSE, facts(spouses=(SpouseFact(marriage_ended_on=ON),)), False),  # divorced that day
        (C.HAS_SPOUSE, facts(spouses=(SpouseFact(marriage_ended_on=D(2026, 3, 2)),)), True),  # divorced later
        (C.HAS_SPOUSE, facts(spouses=(SpouseFact(died_on=D(2025, 12, 31)),)), False),
        (C.HAS_SPOUSE, facts(spouses=(SpouseFact(died_on=D(2025, 12, 31)), SpouseFact())), True),  # remarried
        (C.HAS_CHILDREN, facts(), False),
        (C.HAS_CHILDREN, facts(children=(child(D(2001, 3, 1)),)), False),  # 25
        (C.HAS_CHILDREN, facts(children=(child(D(2001, 3, 1)), child(D(2012, 12, 31)))), True),
        (C.CHILD_OVER_21_IN_SCHOOL, facts(children=(child(D(2005, 3, 1), in_school=True),)), True),  # 21 that day
        (C.CHILD_OVER_21_IN_SCHOOL, facts(children=(child(D(2005, 3, 2), in_school=True),)), False),  # 20
        (C.CHILD_OVER_21_IN_SCHOOL, facts(children=(child(D(2001, 3, 2), in_school=True),)), True),  # 24
        (C.CHILD_OVER_21_IN_SCHOOL, facts(children=(child(D(2001, 3, 1), in_school=True),)), False),  # 25
        (C.CHILD_OVER_21_IN_SCHOOL, facts(children=(child(D(2003, 1, 1)),)), False),  # not in school
        (C.CHILD_OVER_21_IN_SCHOOL, facts(children=(child(D(2003, 1, 1), in_school=True, is_married=True),)), False),
        (C.NO_SPOUSE_OR_CHILDREN, facts(), True),
        (C.NO_SPOUSE_OR_CHILDREN, facts(children=(child(D(1990, 1, 1)),)), True),  # a grown child does not count
        (C.NO_SPOUSE_OR_CHILDREN, facts(children=(child(D(2010, 1, 1)),)), False),
        (C.NO_SPOUSE_OR_CHILDREN, facts(spouses=(SpouseFact(),)), False),
        (C.HAS_PRIOR_SERVICE, facts(), False),
        (C.HAS_PRIOR_SERVICE, facts(prior_service_months=1), True),
        (C.CAUSED_BY_DUTY, facts(caused_by_duty=True), True),
        (C.CAUSED_BY_DUTY, facts(), False),
        (C.KPP_REQUESTED, facts(kpp_requested=True), True),
        (C.KPP_REQUESTED, facts(), False),
        (C.MARRIED_FEMALE, facts(gender="2", spouses=(SpouseFact(),)), True),
        (C.MARRIED_FEMALE, facts(gender="1", spouses=(SpouseFact(),)), False),
        (C.MARRIED_FEMALE, facts(gender="2"), False),
    ],
)
def test_conditions(condition, person, holds):
    assert condition_holds(condition, person) is holds


def test_every_condition_is_evaluated():
    for condition in C.values:
        assert condition_holds(condition, facts()) in (True, False)
    with pytest.raises(ValueError):
        condition_holds("has_a_cat", facts())


ITEMS = [
    ItemSpec("surat-pengantar", "Surat pengantar"),
    ItemSpec("skp", "SKP", kinds=frozenset({K.BUP, K.APS})),
    ItemSpec("akta-kematian", "Akta kematian", kinds=frozenset({K.DEATH, K.KILLED})),
    ItemSpec("visum", "Visum et repertum", kinds=frozenset({K.KILLED})),
    ItemSpec("akta-anak", "Akta anak", condition=C.HAS_CHILDREN),
    ItemSpec("npwp", "NPWP", is_required=False),
    ItemSpec("akibat-dinas", "Akibat dinas", kinds=frozenset({K.DISABILITY}), condition=C.CAUSED_BY_DUTY),
]


@pytest.mark.parametrize(
    ("person", "codes"),
    [
        (facts(), ["surat-pengantar", "skp", "npwp"]),
        (facts(kind=K.DEATH), ["surat-pengantar", "akta-kematian", "npwp"]),
        (facts(kind=K.KILLED), ["surat-pengantar", "akta-kematian", "visum", "npwp"]),
        (facts(kind=K.KILLED, children=(child(D(2015, 5, 5)),)), ["surat-pengantar", "akta-kematian", "visum",
                                                                    "akta-anak", "npwp"]),
        (facts(kind=K.DISABILITY), ["surat-pengantar", "npwp"]),
        (facts(kind=K.DISABILITY, caused_by_duty=True), ["surat-pengantar", "npwp", "akibat-dinas"]),
    ],
)  # fmt: skip
def test_the_person_checklist_follows_kind_and_condition(person, codes):
    assert [item.code for item in person_checklist(ITEMS, person)] == codes
    assert all(item_applies(item, person) == (item.code in codes) for item in ITEMS)


def test_missing_counts_only_required_items_of_the_person_not_uploaded():
    person = facts(kind=K.KILLED)
    missing = missing_required(ITEMS, person, uploaded_codes={"surat-pengantar", "skp"})
    assert [item.code for item in missing] == ["akta-kematian", "visum"]  # skp is not asked; npwp optional
    assert missing_required(ITEMS, person, uploaded_codes={"surat-pengantar", "akta-kematian", "visum"}) == []
