"""What the tests of the payouts' write path (benefits/services/payouts.py) share: a unit, its staff (one
user per role, seeing every unit), a flat tali asih rate, a retiree, and the pipeline's steps.

A test module takes a fixture by importing it (`staff_fixture` is the fixture `staff`).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits.models import BenefitType, PaymentMethod, PayoutStatusChange
from benefits.services import payouts as services
from purna import roles
from tests.factories import EmployeeFactory, TaliAsihRateFactory, UnitKerjaFactory, UserFactory

D = dt.date
RP = Decimal
TMT = D(2025, 7, 1)


@pytest.fixture(name="unit")
def unit_fixture(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture(name="staff")
def staff_fixture(db):
    """One user per role, seeing every unit (central BKD staff)."""
    return {
        "operator": UserFactory(username="operator-bkd", roles=[roles.OPERATOR]),
        "verifikator": UserFactory(username="verifikator", roles=[roles.VERIFIKATOR]),
        "pimpinan": UserFactory(username="pimpinan", roles=[roles.PIMPINAN]),
        "bendahara": UserFactory(username="bendahara", roles=[roles.BENDAHARA]),
        "admin": UserFactory(username="admin-kepegawaian", roles=[roles.ADMIN]),
    }


@pytest.fixture(name="flat_rate")
def flat_rate_fixture(db):
    return TaliAsihRateFactory(amount=RP("1250000"), decision_number="800/7/KORPRI/2020")


def retiree(unit, **fields):
    defaults = {
        "unit": unit,
        "name": "Ahmad Yani",
        "front_title": "Drs. H.",
        "back_title": "M.Si.",
        "golongan": "III/c",
        "tmt_pensiun": TMT,
        "service_years": 30,
        "service_months": 4,
    }
    return EmployeeFactory(**{**defaults, **fields})


def prepare(employee, staff, benefit_type=BenefitType.TALI_ASIH, **kwargs):
    return services.payout_prepare(employee=employee, benefit_type=benefit_type, actor=staff["operator"], **kwargs)


def approved(employee, staff, **kwargs):
    payout = prepare(employee, staff, **kwargs)
    payout = services.payout_verify(payout=payout, actor=staff["verifikator"])
    return services.payout_approve(payout=payout, actor=staff["pimpinan"])


def timeline(payout):
    return list(
        PayoutStatusChange.objects.filter(payout=payout).values_list("from_status", "to_status", "actor__username")
    )


def pay_by_transfer(payout, actor, **kwargs):
    fields = {
        "method": PaymentMethod.BANK_TRANSFER,
        "paid_on": timezone.localdate(),
        "bank_name": "Bank Jateng",
        "account_number": "1234 5678 90",
        "account_holder": "AHMAD YANI",
        **kwargs,
    }
    return services.payout_pay(payout=payout, actor=actor, **fields)
