"""The write path of THT claims and payouts: prepare, verify, approve, pay (or hand over), cancel, reverse.

The tali asih rules are in benefits/tali_asih.py; here they are applied under row locks, inside a
transaction, with the actor recorded in the history (django-simple-history) and every status change in
a PayoutStatusChange row (the timeline). Who may do what is the pipeline's table (benefits/payouts.py), a
permission per step (purna/roles.py): preparing and correcting drafts `add_payout`/`change_payout`
(Operator), verifying `verify_payout` (Verifikator), approving `approve_payout` (Pimpinan), paying and
handing over `pay_payout` (Bendahara), reversing a paid payout `reverse_payout` (Pimpinan); Admin
Kepegawaian holds them all. Whoever prepared a payout can neither verify nor approve it (four eyes).
Every service refuses employees outside the actor's staff scope (employees/scope.py). Bad input raises
PayoutError and changes nothing. Money is Decimal throughout.

This module holds the THT claims and Taspen's amounts; the payouts' steps are in payout_preparation.py
(the amounts and the drafts) and payout_flow.py (verify to reverse), their shared checks in
payout_base.py. Callers import all of them from here.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.exceptions import PayoutError
from benefits.models import BenefitType, Payout, ThtClaim
from benefits.payouts import COUNTED_STATUSES as COUNTED_STATUSES
from benefits.payouts import LIVE_STATUSES as LIVE_STATUSES
from benefits.payouts import PERM_APPROVE as PERM_APPROVE
from benefits.payouts import PERM_CHANGE as PERM_CHANGE
from benefits.payouts import PERM_CLAIM as PERM_CLAIM
from benefits.payouts import PERM_PAY as PERM_PAY
from benefits.payouts import PERM_PREPARE as PERM_PREPARE
from benefits.payouts import PERM_REVERSE as PERM_REVERSE
from benefits.payouts import PERM_VERIFY as PERM_VERIFY
from benefits.services.payout_base import NOTE_MAX_LENGTH as NOTE_MAX_LENGTH
from benefits.services.payout_base import BulkReport as BulkReport
from benefits.services.payout_base import _permission_check as _permission_check
from benefits.services.payout_base import _scope_check as _scope_check
from benefits.services.payout_base import amount_parse as amount_parse
from benefits.services.payout_flow import hand_over_undo_open as hand_over_undo_open
from benefits.services.payout_flow import payout_amount_override as payout_amount_override
from benefits.services.payout_flow import payout_approve as payout_approve
from benefits.services.payout_flow import payout_cancel as payout_cancel
from benefits.services.payout_flow import payout_hand_over as payout_hand_over
from benefits.services.payout_flow import payout_hand_over_undo as payout_hand_over_undo
from benefits.services.payout_flow import payout_pay as payout_pay
from benefits.services.payout_flow import payout_reverse as payout_reverse
from benefits.services.payout_flow import payout_verify as payout_verify
from benefits.services.payout_flow import payouts_approve_bulk as payouts_approve_bulk
from benefits.services.payout_flow import payouts_verify_bulk as payouts_verify_bulk
from benefits.services.payout_preparation import RetirementTerms as RetirementTerms
from benefits.services.payout_preparation import payout_prepare as payout_prepare
from benefits.services.payout_preparation import payouts_prepare_bulk as payouts_prepare_bulk
from benefits.services.payout_preparation import payouts_preview as payouts_preview
from benefits.services.payout_preparation import rate_from_model as rate_from_model
from benefits.services.payout_preparation import retirement_terms as retirement_terms
from benefits.services.payout_preparation import tali_asih_compute as tali_asih_compute
from employees.models import Employee
from purna.history import history_note
from purna.types import User

# --- THT claims -----------------------------------------------------------------------------------------

CLAIM_FIELDS = frozenset(
    {
        "claim_filed_on",
        "taspen_reference",
        "documents_complete",
        "documents_complete_on",
        "amount_received",
        "received_on",
        "notes",
    }
)


def _claim_apply(claim: ThtClaim, fields: Mapping[str, Any], today: dt.date) -> None:
    """Set and check a claim's fields (without saving); raises PayoutError by field."""
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name == "amount_received" and value not in (None, ""):
            try:
                value = amount_parse(value, "amount_received")
            except PayoutError as exc:
                errors.update(exc.errors)
                continue
        elif name == "amount_received":
            value = None
        elif name in ("taspen_reference", "notes"):
            value = (value or "").strip()
        setattr(claim, name, value)
    for name in ("claim_filed_on", "documents_complete_on", "received_on"):
        value = getattr(claim, name)
        if isinstance(value, dt.date) and value > today:
            errors.setdefault(name, []).append(_("The date cannot be in the future."))
    if claim.documents_complete and claim.documents_complete_on is None:
        claim.documents_complete_on = today
    if not claim.documents_complete:
        claim.documents_complete_on = None
    if claim.received_on is not None and claim.amount_received is None:
        errors.setdefault("amount_received", []).append(_("Enter the amount received with its date."))
    if errors:
        raise PayoutError(errors=errors)
    try:
        claim.full_clean(exclude=["employee"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise PayoutError(errors=exc.message_dict) from exc


def tht_claim_amount_check(*, claim: ThtClaim, before: Decimal | None) -> None:
    """Raise PayoutError if the claim's amount changed (from `before`) while a THT payout prepared from it is
    live or paid: the amount a payout was prepared from cannot change under it; cancel or reverse it first."""
    if claim.amount_received == before or claim.pk is None:
        return
    live = Payout.objects.filter(
        employee_id=claim.employee_id, benefit_type=BenefitType.THT, status__in=COUNTED_STATUSES
    ).first()
    if live is not None:
        raise PayoutError(
            errors={
                "amount_received": [
                    _("A THT payout (%(status)s) was prepared from the amount received: cancel or reverse it first.")
                    % {"status": live.get_status_display()}
                ]
            }
        )


def tht_claim_validate(claim: ThtClaim) -> None:
    """Raise PayoutError unless `claim` (as it would be saved) may be stored (for the admin's form)."""
    _claim_apply(claim, {}, timezone.localdate())


class ThtClaimFields(TypedDict, total=False):
    """What tht_claim_save takes (CLAIM_FIELDS); the amount may be text ("Rp 25.000.000")."""

    claim_filed_on: dt.date | None
    taspen_reference: str
    documents_complete: bool
    documents_complete_on: dt.date | None
    amount_received: Decimal | str | None
    received_on: dt.date | None
    notes: str


def tht_claim_save(*, employee: Employee, actor: User, **fields: Unpack[ThtClaimFields]) -> ThtClaim:
    """Create or update the THT claim of an employee (one each) with the given fields (CLAIM_FIELDS):
    when it was filed, Taspen's reference, whether the documents are complete (dated today if no date
    is given), and the amount PT Taspen paid and when. Amounts may be text ("Rp 25.000.000")."""
    unknown = sorted(set(fields) - CLAIM_FIELDS)
    if unknown:
        raise TypeError(f"Not a THT claim field: {', '.join(unknown)}")
    _permission_check(actor, PERM_CLAIM, _("You may not record THT claims."))
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        _scope_check(actor, locked)
        claim = ThtClaim.objects.select_for_update().filter(employee=locked).first() or ThtClaim(employee=locked)
        before = claim.amount_received
        _claim_apply(claim, fields, timezone.localdate())
        tht_claim_amount_check(claim=claim, before=before)
        history_note(claim, actor=actor)
        claim.save()
    return claim
