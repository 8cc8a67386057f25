"""The tali asih of a member who died: the masa kerja of its slab is the years served, counted to the death
(benefits/services/payout_preparation.py retirement_terms, employees/pension_kinds.py masa_kerja)."""

import datetime as dt
from decimal import Decimal

import pytest

from benefits.models import RateBasis
from benefits.services.payout_preparation import tali_asih_compute
from employees.choices import RetirementKind
from employees.services.cases import retirement_case_open
from tests.employees.case_fixtures import first_of_month, make_employee, today_fixture  # noqa: F401 (a fixture)
from tests.factories import TaliAsihRateBandFactory, TaliAsihRateFactory, UserFactory

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules")]


@pytest.fixture
def slabs():
    """Slabs of whole years as KORPRI decisions write them: 0-20 years Rp 1.000.000, more than 20 Rp 2.000.000."""
    rate = TaliAsihRateFactory(basis=RateBasis.SERVICE_YEARS, amount=None, effective_from=D(2000, 1, 1))
    TaliAsihRateBandFactory(rate=rate, min_years=0, max_years=21, amount=Decimal("1000000"))
    TaliAsihRateBandFactory(rate=rate, min_years=21, max_years=None, amount=Decimal("2000000"))
    return rate


def test_a_death_just_before_21_years_of_service_is_in_the_slab_of_the_years_served(today, slabs):
    # TMT CPNS 1 March 2005, died 15 February 2026: 20 years 11 months served. The widow(er)'s TMT, 1 March
    # 2026, would count 21 years and the upper slab: a year the member never served.
    employee = make_employee(tmt=first_of_month(today, 60), tmt_cpns=D(2005, 3, 1))
    case = retirement_case_open(
        employee=employee, kind=RetirementKind.DEATH, died_on=D(2026, 2, 15), actor=UserFactory(units="all")
    )
    assert case.tmt == D(2026, 3, 1)
    employee.refresh_from_db()

    terms, breakdown = tali_asih_compute(employee=employee)

    assert (terms.tmt, terms.service_years, terms.service_months) == (D(2026, 3, 1), 20, 11)
    assert breakdown.amount == Decimal("1000000")


def test_a_death_on_the_21st_anniversary_of_service_is_in_the_upper_slab(today, slabs):
    employee = make_employee(tmt=first_of_month(today, 60), tmt_cpns=D(2005, 3, 1))
    retirement_case_open(
        employee=employee, kind=RetirementKind.DEATH, died_on=D(2026, 3, 1), actor=UserFactory(units="all")
    )
    employee.refresh_from_db()

    terms, breakdown = tali_asih_compute(employee=employee)

    assert (terms.service_years, terms.service_months) == (21, 0)
    assert breakdown.amount == Decimal("2000000")
