"""Payouts under concurrency (benefits/services/payouts.py): two approvers, or two bendahara, at the same
moment act once (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from benefits.exceptions import PayoutError
from benefits.models import BenefitType, PayoutStatus, PayoutStatusChange
from benefits.services import payouts as services
from purna import roles
from tests.benefits.payout_fixtures import pay_by_transfer, retiree
from tests.factories import TaliAsihRateFactory, UnitKerjaFactory, UserFactory

# --- Concurrency (PostgreSQL row locks) ---------------------------------------------------------------------


def at_the_same_moment(action, actors):
    """Run action(actor) in one thread per actor, released together; the outcomes (result or error)."""
    barrier = threading.Barrier(len(actors))
    outcomes = []

    def run(actor):
        try:
            barrier.wait()
            outcomes.append(action(actor))
        except PayoutError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_the_same_moment_approve_once():
    operator = UserFactory(username="op", roles=[roles.OPERATOR], units="all")
    verifier = UserFactory(username="ver", roles=[roles.VERIFIKATOR], units="all")
    approvers = [UserFactory(username=f"pim{i}", roles=[roles.PIMPINAN], units="all") for i in range(2)]
    TaliAsihRateFactory()
    employee = retiree(UnitKerjaFactory())
    payout = services.payout_prepare(employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=operator)
    payout = services.payout_verify(payout=payout, actor=verifier)

    outcomes = at_the_same_moment(lambda actor: services.payout_approve(payout=payout, actor=actor), approvers)

    assert sorted(isinstance(outcome, PayoutError) for outcome in outcomes) == [False, True]
    assert PayoutStatusChange.objects.filter(payout=payout, to_status=PayoutStatus.APPROVED).count() == 1
    assert payout.history.filter(status=PayoutStatus.APPROVED).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_bendahara_paying_at_the_same_moment_pay_once():
    operator = UserFactory(username="op", roles=[roles.OPERATOR], units="all")
    verifier = UserFactory(username="ver", roles=[roles.VERIFIKATOR], units="all")
    approver = UserFactory(username="pim", roles=[roles.PIMPINAN], units="all")
    treasurers = [UserFactory(username=f"bend{i}", roles=[roles.BENDAHARA], units="all") for i in range(2)]
    TaliAsihRateFactory()
    payout = services.payout_prepare(
        employee=retiree(UnitKerjaFactory()), benefit_type=BenefitType.TALI_ASIH, actor=operator
    )
    payout = services.payout_verify(payout=payout, actor=verifier)
    payout = services.payout_approve(payout=payout, actor=approver)

    outcomes = at_the_same_moment(lambda actor: pay_by_transfer(payout, actor), treasurers)

    assert sorted(isinstance(outcome, PayoutError) for outcome in outcomes) == [False, True]
    assert PayoutStatusChange.objects.filter(payout=payout, to_status=PayoutStatus.PAID).count() == 1
    assert payout.history.filter(status=PayoutStatus.PAID).count() == 1
