"""THT claims (benefits/services/payouts.py): created and updated with history, bad claims refused by field,
the amount of a prepared THT payout kept, the permission and the scope."""

import datetime as dt

import pytest
from django.utils import timezone

from benefits.exceptions import PayoutError
from benefits.models import BenefitType, ThtClaim
from benefits.services import payouts as services
from purna import roles
from tests.benefits.payout_fixtures import (
    RP,
    prepare,
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import UnitKerjaFactory, UserFactory

D = dt.date


# --- THT claims -------------------------------------------------------------------------------------------


def test_tht_claim_is_created_then_updated_with_history(english, staff, unit):
    employee = retiree(unit)

    claim = services.tht_claim_save(
        employee=employee,
        actor=staff["operator"],
        claim_filed_on=D(2025, 5, 2),
        taspen_reference=" TSP-0001 ",
        documents_complete=True,
    )
    assert claim.taspen_reference == "TSP-0001" and claim.documents_complete_on == timezone.localdate()
    claim = services.tht_claim_save(
        employee=employee, actor=staff["operator"], amount_received="Rp 25.300.000", received_on=D(2025, 7, 10)
    )

    assert ThtClaim.objects.get(employee=employee).amount_received == RP("25300000")
    assert claim.history.count() == 2 and claim.history.latest().history_user == staff["operator"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount_received": "0"}, "amount_received", "more than zero"),
        ({"amount_received": "dua juta"}, "amount_received", "not an amount"),
        ({"received_on": D(2025, 7, 10)}, "amount_received", "Enter the amount received"),
        ({"claim_filed_on": D(2999, 1, 1)}, "claim_filed_on", "future"),
    ],
)
def test_bad_tht_claims_are_refused_by_field(english, staff, unit, fields, field, message):
    with pytest.raises(PayoutError, match=message) as caught:
        services.tht_claim_save(employee=retiree(unit), actor=staff["operator"], **fields)
    assert field in caught.value.errors
    assert not ThtClaim.objects.exists()


def test_the_amount_of_a_prepared_tht_cannot_change_under_it(english, staff, unit):
    employee = retiree(unit)
    services.tht_claim_save(employee=employee, actor=staff["operator"], amount_received="25000000")
    prepare(employee, staff, BenefitType.THT)

    with pytest.raises(PayoutError, match="cancel or reverse it first"):
        services.tht_claim_save(employee=employee, actor=staff["operator"], amount_received="26000000")
    services.tht_claim_save(employee=employee, actor=staff["operator"], notes="Berkas dikirim ulang")
    assert ThtClaim.objects.get(employee=employee).amount_received == RP("25000000")


def test_tht_claims_need_the_permission_and_the_scope(english, staff, unit):
    with pytest.raises(PayoutError, match="may not record THT"):
        services.tht_claim_save(employee=retiree(unit), actor=staff["bendahara"], notes="x")
    outsider = UserFactory(roles=[roles.OPERATOR], units=[UnitKerjaFactory()])
    with pytest.raises(PayoutError, match="not an employee of your work units"):
        services.tht_claim_save(employee=retiree(unit), actor=outsider, notes="x")
    with pytest.raises(TypeError):
        services.tht_claim_save(employee=retiree(unit), actor=staff["operator"], employee_id=1)
