"""What the tests of the benefits' staff pages share: two units, the staff of one (one user per role), a flat
tali asih rate, a client reading English, a retiree and the pipeline's steps.

A test module takes a fixture by importing it (`staff_fixture` is the fixture `staff`).
"""

import datetime as dt
from decimal import Decimal

import pytest

from benefits.models import BenefitType
from benefits.services import payouts as services
from purna import roles
from tests.factories import EmployeeFactory, TaliAsihRateFactory, UnitKerjaFactory, UserFactory

RP = Decimal
TMT = dt.date(2025, 7, 1)


@pytest.fixture(name="unit")
def unit_fixture(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture(name="other_unit")
def other_unit_fixture(db):
    return UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")


@pytest.fixture(name="staff")
def staff_fixture(db, unit):
    """One user per role, each seeing only `unit` (a unit's own staff)."""
    return {
        role: UserFactory(username=username, roles=[name], units=[unit])
        for role, username, name in [
            ("operator", "operator-dinkes", roles.OPERATOR),
            ("verifikator", "verifikator", roles.VERIFIKATOR),
            ("pimpinan", "pimpinan", roles.PIMPINAN),
            ("bendahara", "bendahara", roles.BENDAHARA),
            ("admin", "admin-kepegawaian", roles.ADMIN),
        ]
    }


@pytest.fixture(name="flat_rate")
def flat_rate_fixture(db):
    return TaliAsihRateFactory(amount=RP("20000000"), decision_number="800/7/KORPRI/2020")


@pytest.fixture(name="en")
def en_fixture(client):
    client.cookies["django_language"] = "en"
    return client


def retiree(unit, **fields):
    defaults = {"unit": unit, "name": "Ahmad Yani", "golongan": "III/c", "tmt_pensiun": TMT, "service_years": 30}
    return EmployeeFactory(**{**defaults, **fields})


def prepare(employee, staff, **kwargs):
    return services.payout_prepare(
        employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=staff["operator"], **kwargs
    )


def verified(employee, staff, **kwargs):
    return services.payout_verify(payout=prepare(employee, staff, **kwargs), actor=staff["verifikator"])


def approved(employee, staff, **kwargs):
    return services.payout_approve(payout=verified(employee, staff, **kwargs), actor=staff["pimpinan"])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
