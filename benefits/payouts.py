"""The payout pipeline as a table: its states, the moves between them and who may make each.

DRAFT -> VERIFIED -> APPROVED -> PAID (paid by transfer, or handed over in cash at a ceremony), CANCELLED
with a reason before it is paid, and a paid payout REVERSED only by a recorded correction. Each move is
one role's permission (purna/roles.py): preparing and correcting drafts `add_payout`/`change_payout`
(Operator), verifying `verify_payout` (Verifikator), approving `approve_payout` (Pimpinan), paying and
handing over `pay_payout` (Bendahara), who also undoes a hand-over tapped by mistake on the event's day,
reversing `reverse_payout` (Pimpinan). Four eyes (the separation
of duties of public finance: who prepares a payment does not also check it): whoever prepared a payout
can neither verify nor approve it.

The services (benefits/services/) enforce this table and raise its messages; the staff pages and the
templates read the same table to offer only the actions it allows. Pure: no queries, no request; an actor
is anything with a `pk` and `has_perm(permission)` (a Django user, or a stand-in in the tests).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from benefits.choices import PayoutStatus


class Actor(Protocol):
    pk: Any

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


PERM_PREPARE = "benefits.add_payout"
PERM_CHANGE = "benefits.change_payout"
PERM_VERIFY = "benefits.verify_payout"
PERM_APPROVE = "benefits.approve_payout"
PERM_PAY = "benefits.pay_payout"
PERM_REVERSE = "benefits.reverse_payout"
PERM_CLAIM = "benefits.change_thtclaim"

# The statuses a payout is on its way in (a step may still be taken, or it may be cancelled).
LIVE_STATUSES = (PayoutStatus.DRAFT, PayoutStatus.VERIFIED, PayoutStatus.APPROVED)
# A payout in these statuses is the employee's: another of the same benefit is refused.
COUNTED_STATUSES = (*LIVE_STATUSES, PayoutStatus.PAID)
# A receipt is the proof of money handed over (or about to be, at a ceremony): never for a payout that
# is not approved.
RECEIPT_STATUSES = (PayoutStatus.APPROVED, PayoutStatus.PAID)

# The actions on an existing payout.
VERIFY = "verify"
APPROVE = "approve"
PAY = "pay"
HAND_OVER = "hand_over"
UNDO_HAND_OVER = "undo_hand_over"
OVERRIDE = "override"
CANCEL = "cancel"
REVERSE = "reverse"
PAYEE = "payee"


@dataclass(frozen=True)
class Move:
    """One action on a payout: the permission it takes, the statuses it starts from, the status it leads
    to (None: the status stays), whether its preparer is refused (four eyes), and the messages of its
    refusals (`refused_from` names statuses with a message of their own; %(status)s is the status)."""

    permission: str
    from_statuses: tuple[str, ...]
    to_status: str | None
    no_permission: Promise
    wrong_status: Promise
    refused_from: Mapping[str, Promise] = field(default_factory=dict)
    four_eyes: Promise | None = None


_NO_PAYMENT = _("Only the treasurer (bendahara) may record payments.")
_NOT_APPROVED = _("Only an approved payout can be paid; this one is %(status)s.")

MOVES: Mapping[str, Move] = {
    VERIFY: Move(
        permission=PERM_VERIFY,
        from_statuses=(PayoutStatus.DRAFT,),
        to_status=PayoutStatus.VERIFIED,
        no_permission=_("You may not verify payouts."),
        wrong_status=_("Only a draft can be verified; this payout is %(status)s."),
        four_eyes=_("You prepared this payout: someone else must verify it."),
    ),
    APPROVE: Move(
        permission=PERM_APPROVE,
        from_statuses=(PayoutStatus.VERIFIED,),
        to_status=PayoutStatus.APPROVED,
        no_permission=_("You may not approve payouts."),
        wrong_status=_("Only a verified payout can be approved; this one is %(status)s."),
        refused_from={
            PayoutStatus.DRAFT: _("This payout is still a draft: it must be verified before it is approved.")
        },
        four_eyes=_("You prepared this payout: someone else must approve it."),
    ),
    PAY: Move(
        permission=PERM_PAY,
        from_statuses=(PayoutStatus.APPROVED,),
        to_status=PayoutStatus.PAID,
        no_permission=_NO_PAYMENT,
        wrong_status=_NOT_APPROVED,
    ),
    HAND_OVER: Move(
        permission=PERM_PAY,
        from_statuses=(PayoutStatus.APPROVED,),
        to_status=PayoutStatus.PAID,
        no_permission=_NO_PAYMENT,
        wrong_status=_NOT_APPROVED,
    ),
    # A hand-over tapped by mistake (the wrong person, money not given after all), taken back by the
    # Bendahara on the event's day (ceremonies.rules.undo_allowed): the payout is approved again.
    UNDO_HAND_OVER: Move(
        permission=PERM_PAY,
        from_statuses=(PayoutStatus.PAID,),
        to_status=PayoutStatus.APPROVED,
        no_permission=_NO_PAYMENT,
        wrong_status=_("Only a payout handed over can have its hand-over undone; this one is %(status)s."),
    ),
    OVERRIDE: Move(
        permission=PERM_CHANGE,
        from_statuses=(PayoutStatus.DRAFT,),
        to_status=None,
        no_permission=_("You may not change payouts."),
        wrong_status=_("Only a draft's amount can be changed; this payout is %(status)s."),
    ),
    CANCEL: Move(
        permission=PERM_CHANGE,
        from_statuses=LIVE_STATUSES,
        to_status=PayoutStatus.CANCELLED,
        no_permission=_("You may not change payouts."),
        wrong_status=_("This payout is %(status)s: it cannot be cancelled."),
        refused_from={
            PayoutStatus.PAID: _("A paid payout cannot be cancelled: it can only be reversed by a recorded correction.")
        },
    ),
    # An heir as the payee (benefits/heirs.py): set or changed until the payout is approved; the approval,
    # the kuitansi and the payment are made out to that person.
    PAYEE: Move(
        permission=PERM_CHANGE,
        from_statuses=(PayoutStatus.DRAFT, PayoutStatus.VERIFIED),
        to_status=None,
        no_permission=_("You may not change payouts."),
        wrong_status=_("The payee cannot be changed any more: the payout is %(status)s."),
    ),
    REVERSE: Move(
        permission=PERM_REVERSE,
        from_statuses=(PayoutStatus.PAID,),
        to_status=PayoutStatus.REVERSED,
        no_permission=_("You may not reverse paid payouts."),
        wrong_status=_("Only a paid payout can be reversed; this one is %(status)s."),
    ),
}


def permission_refusal(action: str, actor: Actor | None) -> str | None:
    """Why `actor` may not take `action` on any payout (its permission is missing), or None."""
    move = MOVES[action]
    if actor is None or not actor.has_perm(move.permission):
        return str(move.no_permission)
    return None


def may_take(action: str, actor: Actor | None) -> bool:
    """Whether `actor` holds the permission of `action` (on some payout: the list's bulk buttons)."""
    return permission_refusal(action, actor) is None


def status_refusal(action: str, status: str) -> str | None:
    """Why `action` cannot start from `status`, or None."""
    move = MOVES[action]
    if status in move.from_statuses:
        return None
    message = move.refused_from.get(status, move.wrong_status)
    return str(message) % {"status": PayoutStatus(status).label}


def preparer_refusal(action: str, *, prepared_by_id: Any, actor_id: Any) -> str | None:
    """Why the actor may not take `action` on a payout they prepared (four eyes), or None."""
    move = MOVES[action]
    if move.four_eyes is not None and prepared_by_id is not None and prepared_by_id == actor_id:
        return str(move.four_eyes)
    return None


def may(action: str, *, status: str, prepared_by_id: Any, actor: Actor | None) -> bool:
    """Whether `actor` may take `action` on a payout in `status` prepared by `prepared_by_id`."""
    return (
        may_take(action, actor)
        and status_refusal(action, status) is None
        and preparer_refusal(action, prepared_by_id=prepared_by_id, actor_id=getattr(actor, "pk", None)) is None
    )


def allowed_actions(payout: Any, actor: Actor | None) -> frozenset[str]:
    """The actions `actor` may take on `payout` (anything with `status` and `prepared_by_id`), staff scope
    aside (the pages only show payouts in the actor's scope)."""
    return frozenset(
        action
        for action in MOVES
        if may(action, status=payout.status, prepared_by_id=payout.prepared_by_id, actor=actor)
    )


def is_live(status: str) -> bool:
    """A payout on its way (draft, verified or approved): a step may still be taken, or it may be cancelled."""
    return status in LIVE_STATUSES


def awaiting_decision(status: str) -> bool:
    """A payout someone still has to verify or approve (what the list's bulk actions take)."""
    return status in MOVES[VERIFY].from_statuses or status in MOVES[APPROVE].from_statuses


def receipt_open(status: str) -> bool:
    """Whether a receipt (kuitansi) may be issued for a payout in `status`."""
    return status in RECEIPT_STATUSES
