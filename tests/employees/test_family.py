"""The family rules (employees/family.py): table tests over their edges, no database."""

import datetime as dt

import pytest

from employees.family import (
    ChildFacts,
    MarriageDates,
    PersonDates,
    child_counts_for_pension,
    child_errors,
    nik_errors,
    normalize_nik,
    parent_errors,
    spouse_errors,
)

D = dt.date
pytestmark = pytest.mark.usefixtures("english")

BORN = D(2000, 6, 15)


@pytest.mark.parametrize(
    ("child", "on_date", "counts", "reason"),
    [
        (ChildFacts(birth_date=BORN), D(2025, 6, 14), True, ""),  # the day before the 25th birthday
        (ChildFacts(birth_date=BORN), D(2025, 6, 15), False, "25 years old or more"),  # the 25th birthday
        (ChildFacts(birth_date=BORN), D(2025, 6, 16), False, "25 years old or more"),
        (ChildFacts(birth_date=BORN), D(2000, 6, 15), True, ""),  # the day of birth
        (ChildFacts(birth_date=BORN), D(2000, 6, 14), False, "not born yet on that date"),
        # Born on 29 February: 25 on 28 February of a common year (as retirement.bup_date reads birthdays).
        (ChildFacts(birth_date=D(2004, 2, 29)), D(2029, 2, 27), True, ""),
        (ChildFacts(birth_date=D(2004, 2, 29)), D(2029, 2, 28), False, "25 years old or more"),
        # Born on 31 December: still 24 on the last day of the year before.
        (ChildFacts(birth_date=D(2000, 12, 31)), D(2025, 12, 30), True, ""),
        (ChildFacts(birth_date=D(2000, 12, 31)), D(2025, 12, 31), False, "25 years old or more"),
        (ChildFacts(birth_date=BORN, is_married=True), D(2010, 1, 1), False, "married"),
        (ChildFacts(birth_date=BORN, is_working=True), D(2020, 1, 1), False, "has an income"),
        (ChildFacts(birth_date=BORN, died_on=D(2020, 3, 1)), D(2020, 3, 1), False, "deceased"),
        (ChildFacts(birth_date=BORN, died_on=D(2020, 3, 1)), D(2020, 2, 29), True, ""),
        (ChildFacts(birth_date=None), D(2020, 1, 1), False, "date of birth not recorded"),
        # The age is the first reason given.
        (ChildFacts(birth_date=BORN, is_married=True, is_working=True), D(2026, 1, 1), False, "25 years old or more"),
    ],
)
def test_a_child_counts_for_the_pension_while_under_25_unmarried_and_without_income(child, on_date, counts, reason):
    result = child_counts_for_pension(child, on_date)

    assert (result.counts, result.reason) == (counts, reason)


EMPLOYEE = PersonDates(birth_date=D(1970, 5, 12))


@pytest.mark.parametrize(
    ("birth_date", "other_parent", "errors"),
    [
        (D(1995, 1, 1), None, {}),
        (D(1970, 5, 12), None, {"birth_date": ["The child is born before the employee."]}),  # the same day
        (D(1969, 1, 1), None, {"birth_date": ["The child is born before the employee."]}),
        # The employee's 12th birthday is the first day a child can be born.
        (D(1982, 5, 11), None, {"birth_date": ["The child is born before the employee was 12 years old."]}),
        (D(1982, 5, 12), None, {}),
        (
            D(1995, 1, 1),
            PersonDates(birth_date=D(1996, 1, 1)),
            {"birth_date": ["The child is born before the other parent."]},
        ),
        (
            D(1995, 1, 1),
            PersonDates(birth_date=D(1984, 1, 2)),
            {"birth_date": ["The child is born before the other parent was 12 years old."]},
        ),
        (D(1995, 1, 1), PersonDates(birth_date=D(1983, 1, 1)), {}),
        (None, PersonDates(birth_date=D(1983, 1, 1)), {}),
    ],
)
def test_a_child_is_born_after_both_parents_were_12(birth_date, other_parent, errors):
    assert child_errors(employee=EMPLOYEE, child=ChildFacts(birth_date=birth_date), other_parent=other_parent) == errors


def test_a_child_dying_before_birth_is_refused():
    errors = child_errors(
        employee=EMPLOYEE, child=ChildFacts(birth_date=D(2000, 1, 2), died_on=D(2000, 1, 1)), other_parent=None
    )
    assert errors == {"died_on": ["The date of death is before the date of birth."]}


@pytest.mark.parametrize(
    ("employee", "spouse", "errors"),
    [
        (EMPLOYEE, MarriageDates(birth_date=D(1972, 1, 1), marriage_date=D(1995, 2, 14)), {}),
        # Married after the employee died (the retirement record's date of death).
        (
            PersonDates(birth_date=D(1970, 5, 12), died_on=D(2020, 3, 31)),
            MarriageDates(marriage_date=D(2020, 4, 1)),
            {"marriage_date": ["The marriage date is after the employee's death."]},
        ),
        (
            PersonDates(birth_date=D(1970, 5, 12), died_on=D(2020, 3, 31)),
            MarriageDates(marriage_date=D(2020, 3, 31)),
            {},
        ),
        (
            EMPLOYEE,
            MarriageDates(died_on=D(2001, 1, 1), marriage_date=D(2001, 1, 2)),
            {"marriage_date": ["The marriage date is after the spouse's death."]},
        ),
        (
            EMPLOYEE,
            MarriageDates(birth_date=D(1980, 1, 1), marriage_date=D(1979, 12, 31)),
            {"marriage_date": ["The marriage date is before the spouse's date of birth."]},
        ),
        (
            EMPLOYEE,
            MarriageDates(marriage_date=D(1970, 5, 11)),
            {"marriage_date": ["The marriage date is before the employee's date of birth."]},
        ),
        (
            EMPLOYEE,
            MarriageDates(marriage_date=D(1995, 2, 14), ended_on=D(1995, 2, 13), end_reason="cerai"),
            {"ended_on": ["The marriage cannot end before it began."]},
        ),
        (EMPLOYEE, MarriageDates(marriage_date=D(1995, 2, 14), ended_on=D(1995, 2, 14), end_reason="cerai"), {}),
        (
            EMPLOYEE,
            MarriageDates(marriage_date=D(1995, 2, 14), ended_on=D(2001, 1, 1)),
            {"end_reason": ["Say how the marriage ended (divorce or death)."]},
        ),
        (EMPLOYEE, MarriageDates(end_reason="wafat"), {"ended_on": ["Give the date the marriage ended."]}),
        (
            EMPLOYEE,
            MarriageDates(birth_date=D(1972, 1, 2), died_on=D(1972, 1, 1)),
            {"died_on": ["The date of death is before the date of birth."]},
        ),
    ],
)
def test_a_marriage_lies_within_both_lives(employee, spouse, errors):
    assert spouse_errors(employee=employee, spouse=spouse) == errors


@pytest.mark.parametrize(
    ("parent_born", "errors"),
    [
        (D(1945, 1, 1), {}),
        (D(1958, 5, 12), {}),  # exactly 12 years older
        (D(1958, 5, 13), {"birth_date": ["The parent must be at least 12 years older than the employee."]}),
        (D(1970, 5, 12), {"birth_date": ["The parent is born after the employee."]}),
        (D(1980, 1, 1), {"birth_date": ["The parent is born after the employee."]}),
    ],
)
def test_a_parent_is_at_least_12_years_older(parent_born, errors):
    assert parent_errors(employee=EMPLOYEE, parent=PersonDates(birth_date=parent_born)) == errors


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("6471051270010003", True),
        ("6471 0512 7001 0003", True),
        ("6471-0512-7001-0003", True),
        ("647105127001000", False),  # 15 digits
        ("64710512700100031", False),  # 17
        ("647105127001000A", False),
        ("", True),  # not recorded
    ],
)
def test_a_nik_has_16_digits(typed, valid):
    assert (nik_errors(normalize_nik(typed)) == []) is valid


def test_a_bad_nik_is_reported_on_every_member():
    nik = "12345"
    assert "nik" in spouse_errors(employee=EMPLOYEE, spouse=MarriageDates(), nik=nik)
    assert "nik" in child_errors(employee=EMPLOYEE, child=ChildFacts(), other_parent=None, nik=nik)
    assert "nik" in parent_errors(employee=EMPLOYEE, parent=PersonDates(), nik=nik)
