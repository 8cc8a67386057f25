"""benefits/payouts.py: the payout pipeline's table (which action starts from which status, the permission
it takes, four eyes), checked state by state, action by action and actor by actor without a database; then
the staff pages that read it (the preparer is offered no verify or approve button)."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from benefits import payouts
from benefits.models import BenefitType, Payout, PayoutStatus
from benefits.services import payouts as services
from purna import roles
from tests.factories import EmployeeFactory, TaliAsihRateFactory, UnitKerjaFactory, UserFactory

# Written out by hand, not read from payouts.MOVES: the table is what these say.
STARTS_FROM = {
    payouts.VERIFY: {PayoutStatus.DRAFT},
    payouts.APPROVE: {PayoutStatus.VERIFIED},
    payouts.PAY: {PayoutStatus.APPROVED},
    payouts.HAND_OVER: {PayoutStatus.APPROVED},
    payouts.UNDO_HAND_OVER: {PayoutStatus.PAID},
    payouts.OVERRIDE: {PayoutStatus.DRAFT},
    payouts.CANCEL: {PayoutStatus.DRAFT, PayoutStatus.VERIFIED, PayoutStatus.APPROVED},
    payouts.REVERSE: {PayoutStatus.PAID},
    payouts.PAYEE: {PayoutStatus.DRAFT, PayoutStatus.VERIFIED},
}
PERMISSION = {
    payouts.VERIFY: "benefits.verify_payout",
    payouts.APPROVE: "benefits.approve_payout",
    payouts.PAY: "benefits.pay_payout",
    payouts.HAND_OVER: "benefits.pay_payout",
    payouts.UNDO_HAND_OVER: "benefits.pay_payout",
    payouts.OVERRIDE: "benefits.change_payout",
    payouts.CANCEL: "benefits.change_payout",
    payouts.REVERSE: "benefits.reverse_payout",
    payouts.PAYEE: "benefits.change_payout",
}
FOUR_EYES = {payouts.VERIFY, payouts.APPROVE}
PREPARER_ID = 7

# Who tries: someone holding the permission, the preparer holding it, someone without it, and nobody.
ACTOR_KINDS = ("holder", "preparer", "without_permission", "nobody")


@dataclasses.dataclass(frozen=True)
class Actor:
    pk: int
    perms: frozenset[str]

    def has_perm(self, perm: str, obj=None) -> bool:
        return perm in self.perms


@dataclasses.dataclass(frozen=True)
class Row:
    status: str
    prepared_by_id: int | None = PREPARER_ID


def actor_of(kind: str, action: str) -> Actor | None:
    every = frozenset(PERMISSION.values())
    return {
        "holder": Actor(pk=8, perms=frozenset({PERMISSION[action]})),
        "preparer": Actor(pk=PREPARER_ID, perms=every),
        "without_permission": Actor(pk=9, perms=every - {PERMISSION[action]}),
        "nobody": None,
    }[kind]


def test_the_table_covers_every_action_of_a_payout():
    assert set(payouts.MOVES) == set(STARTS_FROM)


@pytest.mark.parametrize("kind", ACTOR_KINDS)
@pytest.mark.parametrize("action", sorted(STARTS_FROM))
@pytest.mark.parametrize("status", PayoutStatus.values)
def test_who_may_take_each_action_from_each_status(status, action, kind):
    actor = actor_of(kind, action)
    expected = (
        status in STARTS_FROM[action]
        and kind not in ("without_permission", "nobody")
        and not (kind == "preparer" and action in FOUR_EYES)
    )

    assert payouts.may(action, status=status, prepared_by_id=PREPARER_ID, actor=actor) is expected
    assert (action in payouts.allowed_actions(Row(status), actor)) is expected


@pytest.mark.parametrize("action", sorted(STARTS_FROM))
def test_a_payout_nobody_prepared_is_refused_to_no_one_for_four_eyes(action):
    actor = actor_of("preparer", action)
    status = sorted(STARTS_FROM[action])[0]

    assert payouts.preparer_refusal(action, prepared_by_id=None, actor_id=actor.pk) is None
    assert payouts.may(action, status=status, prepared_by_id=None, actor=actor)


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (payouts.VERIFY, "You may not verify payouts."),
        (payouts.APPROVE, "You may not approve payouts."),
        (payouts.PAY, "Only the treasurer (bendahara) may record payments."),
        (payouts.HAND_OVER, "Only the treasurer (bendahara) may record payments."),
        (payouts.OVERRIDE, "You may not change payouts."),
        (payouts.CANCEL, "You may not change payouts."),
        (payouts.REVERSE, "You may not reverse paid payouts."),
    ],
)
def test_the_permission_refusals_say_what_is_missing(action, message):
    with translation.override("en"):
        assert payouts.permission_refusal(action, actor_of("without_permission", action)) == message
        assert payouts.permission_refusal(action, None) == message
        assert payouts.permission_refusal(action, actor_of("holder", action)) is None


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        (payouts.VERIFY, PayoutStatus.APPROVED, "Only a draft can be verified; this payout is Approved."),
        (
            payouts.APPROVE,
            PayoutStatus.DRAFT,
            "This payout is still a draft: it must be verified before it is approved.",
        ),
        (payouts.APPROVE, PayoutStatus.APPROVED, "Only a verified payout can be approved; this one is Approved."),
        (payouts.PAY, PayoutStatus.VERIFIED, "Only an approved payout can be paid; this one is Verified."),
        (payouts.HAND_OVER, PayoutStatus.PAID, "Only an approved payout can be paid; this one is Paid."),
        (payouts.OVERRIDE, PayoutStatus.VERIFIED, "Only a draft's amount can be changed; this payout is Verified."),
        (
            payouts.CANCEL,
            PayoutStatus.PAID,
            "A paid payout cannot be cancelled: it can only be reversed by a recorded correction.",
        ),
        (payouts.CANCEL, PayoutStatus.CANCELLED, "This payout is Cancelled: it cannot be cancelled."),
        (payouts.REVERSE, PayoutStatus.APPROVED, "Only a paid payout can be reversed; this one is Approved."),
    ],
)
def test_the_status_refusals_name_the_status(action, status, message):
    with translation.override("en"):
        assert payouts.status_refusal(action, status) == message


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (payouts.VERIFY, "You prepared this payout: someone else must verify it."),
        (payouts.APPROVE, "You prepared this payout: someone else must approve it."),
    ],
)
def test_the_preparer_is_told_someone_else_must_do_it(action, message):
    with translation.override("en"):
        assert payouts.preparer_refusal(action, prepared_by_id=PREPARER_ID, actor_id=PREPARER_ID) == message
        assert payouts.preparer_refusal(action, prepared_by_id=PREPARER_ID, actor_id=8) is None


@pytest.mark.parametrize(
    ("status", "live", "awaiting", "receipt"),
    [
        (PayoutStatus.DRAFT, True, True, False),
        (PayoutStatus.VERIFIED, True, True, False),
        (PayoutStatus.APPROVED, True, False, True),
        (PayoutStatus.PAID, False, False, True),
        (PayoutStatus.CANCELLED, False, False, False),
        (PayoutStatus.REVERSED, False, False, False),
    ],
)
def test_what_each_status_leaves_open(status, live, awaiting, receipt):
    assert payouts.is_live(status) is live
    assert payouts.awaiting_decision(status) is awaiting
    assert payouts.receipt_open(status) is receipt
    assert Payout(status=status).awaiting_decision is awaiting
    assert Payout(status=status).receipt_open is receipt


@pytest.mark.parametrize(
    ("role", "actions"),
    [
        (roles.OPERATOR, {payouts.OVERRIDE, payouts.CANCEL, payouts.PAYEE}),
        (roles.VERIFIKATOR, {payouts.VERIFY}),
        (roles.PIMPINAN, set()),
        (roles.BENDAHARA, set()),
    ],
)
def test_the_roles_take_the_steps_of_a_draft_they_did_not_prepare(db, role, actions):
    user = UserFactory(roles=[role])

    assert payouts.allowed_actions(Row(PayoutStatus.DRAFT, prepared_by_id=None), user) == actions


# --- The pages read the same table --------------------------------------------------------------------------


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def admin_prepared(unit):
    """A tali asih draft prepared by an Admin Kepegawaian (who holds every permission)."""
    TaliAsihRateFactory(amount=Decimal("20000000"))
    admin = UserFactory(username="admin-dinkes", roles=[roles.ADMIN], units=[unit])
    employee = EmployeeFactory(unit=unit, golongan="III/c", tmt_pensiun=dt.date(2025, 7, 1), service_years=30)
    payout = services.payout_prepare(employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=admin)
    return admin, payout


def detail_page(client, user, payout) -> str:
    client.force_login(user)
    response = client.get(reverse("benefits:payout_detail", args=[payout.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_preparer_sees_no_verify_button(client, unit, admin_prepared):
    admin, payout = admin_prepared

    page = detail_page(client, admin, payout)

    assert 'data-testid="verify-button"' not in page
    assert 'data-testid="approve-button"' not in page


def test_someone_else_with_the_permission_sees_the_verify_button(client, unit, admin_prepared):
    _admin, payout = admin_prepared
    verifikator = UserFactory(roles=[roles.VERIFIKATOR], units=[unit])

    assert 'data-testid="verify-button"' in detail_page(client, verifikator, payout)


def test_the_preparer_sees_no_approve_button_once_it_is_verified(client, unit, admin_prepared):
    admin, payout = admin_prepared
    verifikator = UserFactory(roles=[roles.VERIFIKATOR], units=[unit])
    payout = services.payout_verify(payout=payout, actor=verifikator)
    pimpinan = UserFactory(roles=[roles.PIMPINAN], units=[unit])

    assert 'data-testid="approve-button"' not in detail_page(client, admin, payout)
    assert 'data-testid="approve-button"' in detail_page(client, pimpinan, payout)
