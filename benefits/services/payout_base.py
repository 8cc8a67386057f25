"""What the payout services share: the permission, scope, status and four-eyes checks read from the
pipeline's table (benefits/payouts.py), the history and timeline records, and saving a payout under its
model's and the database's checks. Bad input raises PayoutError and changes nothing."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from benefits import payouts as payout_rules
from benefits import tali_asih
from benefits.exceptions import PayoutError
from benefits.models import (
    Payout,
    PayoutStatusChange,
)
from employees.models import Employee
from employees.scope import staff_scope
from purna.history import history_note
from purna.history import history_user as _user
from purna.types import User

NOTE_MAX_LENGTH = PayoutStatusChange._meta.get_field("note").max_length


# --- Helpers --------------------------------------------------------------------------------------------


def _permission_check(actor: User | None, permission: str, message: str) -> User:
    """The actor, if they hold `permission`; else PayoutError(message)."""
    if actor is None or not actor.has_perm(permission):
        raise PayoutError(message)
    return actor


def _scope_check(actor: User, employee: Employee) -> None:
    """A staff member handles only the payouts of their own units' employees (employees/scope.py)."""
    if not staff_scope(actor).covers(employee.unit_id):
        raise PayoutError(_("%(name)s is not an employee of your work units.") % {"name": employee.display_name})


def _text_check(value: str, field_name: str, *, required: bool, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise PayoutError(errors={field_name: [message or _("Give the reason: it is kept in the payout's history.")]})
    if NOTE_MAX_LENGTH is not None and len(value) > NOTE_MAX_LENGTH:
        raise PayoutError(errors={field_name: [_("At most %(n)d characters are accepted.") % {"n": NOTE_MAX_LENGTH}]})
    return value


def amount_parse(value: Any, field_name: str = "amount") -> Decimal:
    """A payable amount from a form's text or a number: parse_rupiah, then not zero, not negative, not
    above Rp 1.000.000.000. Raises PayoutError with the message on `field_name`."""
    try:
        amount = tali_asih.parse_rupiah(value)
    except tali_asih.AmountError as exc:
        raise PayoutError(errors={field_name: [str(exc)]}) from exc
    problems = tali_asih.amount_check(amount)
    if problems:
        raise PayoutError(errors={field_name: problems})
    return amount


def _locked(payout: Payout) -> Payout:
    return (
        Payout.objects.select_for_update(of=("self", "employee"))
        .select_related("employee", "payee_spouse", "payee_child")
        .get(pk=payout.pk)
    )


def _status_change(
    payout: Payout, *, from_status: str, actor: User, note: str = "", amount: Decimal | None = None
) -> None:
    PayoutStatusChange.objects.create(
        payout=payout, from_status=from_status, to_status=payout.status, actor=_user(actor), note=note, amount=amount
    )


def _save(payout: Payout, actor: User, reason: str = "") -> None:
    try:
        payout.full_clean(exclude=["proof"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise PayoutError(errors=exc.message_dict) from exc
    history_note(payout, actor=actor, reason=reason)
    try:
        # A savepoint: the database's constraints are the last guard, and their refusal must leave the
        # caller's transaction usable.
        with transaction.atomic():
            payout.save()
    except IntegrityError as exc:
        raise PayoutError(_("The payout could not be saved: it conflicts with another payout.")) from exc


def _action_check(actor: User, action: str) -> None:
    """The actor holds the permission of `action` (benefits/payouts.py), else PayoutError with its message."""
    message = payout_rules.permission_refusal(action, actor)
    if message is not None:
        raise PayoutError(message)


def _step_check(payout: Payout, action: str, actor: User) -> None:
    """`action` may start from the payout's status, and the actor is not its preparer where four eyes
    are needed (benefits/payouts.py); else PayoutError with the table's message."""
    message = payout_rules.status_refusal(action, payout.status) or payout_rules.preparer_refusal(
        action, prepared_by_id=payout.prepared_by_id, actor_id=getattr(actor, "pk", None)
    )
    if message is not None:
        raise PayoutError(message)


@dataclass
class BulkReport:
    """What a bulk action did: the payouts it wrote, who it skipped (already having one), and the errors
    per person or payout (their display name and the messages)."""

    done: list[Payout] = field(default_factory=list)
    skipped: list[Employee] = field(default_factory=list)
    errors: list[tuple[str, list[str]]] = field(default_factory=list)
