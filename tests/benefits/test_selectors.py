"""benefits/selectors.py: reads narrowed to the staff scope, with a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits import selectors
from benefits.models import BenefitType, PaymentMethod, Payout, PayoutStatus, PayoutStatusChange
from employees.choices import EmployeeStatus
from employees.scope import ALL_UNITS, NO_UNITS, Scope
from tests.factories import (
    EmployeeFactory,
    EventFactory,
    PayoutFactory,
    TaliAsihRateBandFactory,
    UnitKerjaFactory,
    UserFactory,
)

D = dt.date
RP = Decimal
TODAY = D(2025, 10, 15)
JULY = D(2025, 7, 1)


@pytest.fixture
def units(db):
    return UnitKerjaFactory(code="DINKES"), UnitKerjaFactory(code="DISDIK")


def payout(unit, *, status=PayoutStatus.DRAFT, tmt=JULY, amount="1000000", **fields):
    now = timezone.now()
    steps = {}
    if status in (PayoutStatus.VERIFIED, PayoutStatus.APPROVED, PayoutStatus.PAID, PayoutStatus.REVERSED):
        steps["verified_at"] = now
    if status in (PayoutStatus.APPROVED, PayoutStatus.PAID, PayoutStatus.REVERSED):
        steps["approved_at"] = now
    if status in (PayoutStatus.PAID, PayoutStatus.REVERSED):
        steps.update(
            paid_at=now,
            paid_on=tmt,
            method=PaymentMethod.BANK_TRANSFER,
            bank_name="Bank Jateng",
            account_number="123",
            account_holder="X",
        )
    if status == PayoutStatus.CANCELLED:
        steps.update(cancelled_at=now, cancel_reason="salah")
    if status == PayoutStatus.REVERSED:
        steps.update(reversed_at=now, reverse_reason="salah")
    employee = fields.pop("employee", None) or EmployeeFactory(unit=unit, tmt_pensiun=tmt, tmt_effective=tmt)
    return PayoutFactory(employee=employee, status=status, tmt=tmt, amount=RP(amount), **steps, **fields)


def test_payout_list_filters_and_keeps_to_the_scope(units):
    dinkes, disdik = units
    event = EventFactory(organizer=dinkes)
    mine = payout(dinkes, status=PayoutStatus.APPROVED, event=event)
    tht = payout(dinkes, benefit_type=BenefitType.THT, tmt=D(2024, 3, 1))
    theirs = payout(disdik)
    dinkes_only = Scope(frozenset({dinkes.pk}))

    assert set(selectors.payout_list(scope=ALL_UNITS)) == {mine, tht, theirs}
    assert set(selectors.payout_list(scope=dinkes_only)) == {mine, tht}
    assert list(selectors.payout_list(scope=NO_UNITS)) == []
    assert list(selectors.payout_list(scope=dinkes_only, status=PayoutStatus.APPROVED)) == [mine]
    assert list(selectors.payout_list(scope=dinkes_only, benefit_type=BenefitType.THT)) == [tht]
    assert list(selectors.payout_list(scope=dinkes_only, year=2024)) == [tht]
    assert list(selectors.payout_list(scope=ALL_UNITS, event=event)) == [mine]


def test_payout_list_runs_one_query_whatever_the_rows(units, django_assert_num_queries):
    user = UserFactory()
    for _ in range(12):
        payout(units[0], prepared_by=user, event=EventFactory(organizer=units[0]))

    with django_assert_num_queries(1):
        rows = [
            (p.employee.unit.name, p.event.title, p.prepared_by.username, p.rate, p.paid_by)
            for p in selectors.payout_list(scope=ALL_UNITS)
        ]
    assert len(rows) == 12


def test_payout_get_answers_only_inside_the_scope_with_its_timeline(units, django_assert_max_num_queries):
    dinkes, disdik = units
    user = UserFactory(username="verif")
    found = payout(dinkes)
    for to_status in (PayoutStatus.DRAFT, PayoutStatus.VERIFIED):
        PayoutStatusChange.objects.create(payout=found, to_status=to_status, actor=user)

    with django_assert_max_num_queries(2):
        got = selectors.payout_get(pk=found.pk, scope=Scope(frozenset({dinkes.pk})))
        actors = [change.actor.username for change in got.status_changes.all()]
        unit_name = got.employee.unit.name
    assert actors == ["verif", "verif"] and unit_name == dinkes.name
    with pytest.raises(Payout.DoesNotExist):
        selectors.payout_get(pk=found.pk, scope=Scope(frozenset({disdik.pk})))


def test_rate_list_prefetches_the_bands(db, django_assert_num_queries):
    for _ in range(3):
        band = TaliAsihRateBandFactory()
        TaliAsihRateBandFactory(rate=band.rate, min_years=10, max_years=None, amount=RP("2000000"))

    with django_assert_num_queries(2):
        bands = [len(rate.bands.all()) for rate in selectors.tali_asih_rate_list()]
    assert bands == [2, 2, 2]


def test_payout_summary_paid_outstanding_overdue_and_not_prepared(units, django_assert_max_num_queries):
    dinkes, disdik = units
    payout(dinkes, status=PayoutStatus.PAID, amount="1250000")
    payout(dinkes, status=PayoutStatus.PAID, amount="2000000", benefit_type=BenefitType.THT)
    payout(dinkes, status=PayoutStatus.DRAFT, amount="500000", tmt=D(2025, 10, 1))
    # Approved and unpaid: overdue 30 days after a TMT of 1 July, not yet after a TMT of 1 October.
    payout(dinkes, status=PayoutStatus.APPROVED, amount="750000", tmt=D(2025, 7, 1))
    payout(dinkes, status=PayoutStatus.APPROVED, amount="800000", tmt=D(2025, 10, 1))
    payout(dinkes, status=PayoutStatus.CANCELLED, amount="999999")
    payout(dinkes, status=PayoutStatus.PAID, amount="777777", tmt=D(2024, 7, 1))  # another year
    payout(disdik, status=PayoutStatus.PAID, amount="5000000")  # another unit
    # Retirees of 2025 whose TMT has passed without a tali asih payout: one with a cancelled one, one with
    # none; not someone retiring after today, nor someone who moved to another agency.
    cancelled_only = EmployeeFactory(unit=dinkes, tmt_pensiun=D(2025, 4, 1), tmt_effective=D(2025, 4, 1))
    payout(dinkes, status=PayoutStatus.CANCELLED, employee=cancelled_only, tmt=D(2025, 4, 1))
    EmployeeFactory(unit=dinkes, tmt_pensiun=D(2025, 5, 1), tmt_effective=D(2025, 5, 1))
    EmployeeFactory(unit=dinkes, tmt_pensiun=D(2025, 11, 1), tmt_effective=D(2025, 11, 1))
    EmployeeFactory(unit=dinkes, tmt_effective=D(2025, 6, 1), status=EmployeeStatus.PINDAH)
    EmployeeFactory(unit=disdik, tmt_pensiun=D(2025, 5, 1), tmt_effective=D(2025, 5, 1))

    with django_assert_max_num_queries(2):
        summary = selectors.payout_summary(scope=Scope(frozenset({dinkes.pk})), year=2025, today=TODAY)

    tali_asih = summary.by_benefit[BenefitType.TALI_ASIH]
    assert (tali_asih.paid_count, tali_asih.paid_amount) == (1, RP("1250000"))
    assert (tali_asih.outstanding_count, tali_asih.outstanding_amount) == (3, RP("2050000"))
    assert tali_asih.overdue_count == 1
    tht = summary.by_benefit[BenefitType.THT]
    assert (tht.paid_count, tht.paid_amount, tht.outstanding_count) == (1, RP("2000000"), 0)
    # The two above, and the retirees of July whose only payouts are a THT and a cancelled tali asih.
    assert summary.tali_asih_not_prepared == 4


def test_payout_summary_of_an_empty_year(db):
    summary = selectors.payout_summary(scope=ALL_UNITS, year=2031, today=TODAY)

    assert summary.by_benefit[BenefitType.TALI_ASIH] == selectors.BenefitFigures(0, RP(0), 0, RP(0), 0)
    assert summary.tali_asih_not_prepared == 0
