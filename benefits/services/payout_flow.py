"""The steps of a prepared payout: correct a draft's amount, verify, approve (one or many), pay by
transfer or hand over at a ceremony, cancel before payment, reverse a paid one. Each step is a move of the
table in benefits/payouts.py (its permission, the statuses it starts from, four eyes); its refusals are
the table's messages. The row is locked and its status read again inside the transaction."""

import datetime as dt
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import notifications, tali_asih
from benefits import payouts as payout_rules
from benefits.exceptions import PayoutError
from benefits.models import (
    PaymentMethod,
    Payout,
    PayoutStatus,
)
from benefits.services import receipts
from benefits.services.payout_base import (
    NOTE_MAX_LENGTH,
    BulkReport,
    _action_check,
    _locked,
    _save,
    _scope_check,
    _status_change,
    _step_check,
    _text_check,
    _user,
    amount_parse,
)
from ceremonies import rules as ceremony_rules
from ceremonies.models import Event, EventStatus, Participant
from ceremonies.services.events import participant_history_note
from employees.exceptions import CaseError
from employees.scope import staff_scope
from purna import uploads
from purna.db import is_transient
from purna.formatting import rupiah
from purna.types import User

# --- Correcting a draft ------------------------------------------------------------------------------------


def payout_amount_override(*, payout: Payout, actor: User, amount: Any, reason: str) -> Payout:
    """Set the amount of a draft by hand (amount None or "" goes back to the computed amount), with the
    reason, kept in the history and the timeline. Only drafts: a verified amount is what was verified."""
    _action_check(actor, payout_rules.OVERRIDE)
    new = None if amount in (None, "") else amount_parse(amount, "override_amount")
    reason = _text_check(reason, "override_reason", required=True)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _step_check(locked, payout_rules.OVERRIDE, actor)
        if new is None:
            problems = tali_asih.amount_check(locked.computed_amount)
            if problems:
                raise PayoutError(errors={"override_amount": problems})
        locked.override_amount = new
        locked.override_reason = reason if new is not None else ""
        locked.amount = new if new is not None else locked.computed_amount
        _save(locked, actor, reason)
        _status_change(locked, from_status=locked.status, actor=actor, note=reason, amount=locked.amount)
    return locked


# --- Verifying and approving -------------------------------------------------------------------------------


def payout_verify(*, payout: Payout, actor: User, note: str = "") -> Payout:
    """Verify a draft (the data and the amount are right). Not by the one who prepared it."""
    _action_check(actor, payout_rules.VERIFY)
    note = _text_check(note, "note", required=False)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _step_check(locked, payout_rules.VERIFY, actor)
        locked.status = PayoutStatus.VERIFIED
        locked.verified_by, locked.verified_at = _user(actor), timezone.now()
        _save(locked, actor, note)
        _status_change(locked, from_status=PayoutStatus.DRAFT, actor=actor, note=note)
        notifications.payout_verified(locked)
    return locked


def payout_approve(*, payout: Payout, actor: User, note: str = "") -> Payout:
    """Approve a verified payout for payment. Not a draft, and not by the one who prepared it.

    The row is locked and its status read again: two approvers at the same moment give one approval
    and one timeline entry; the second is told it is already approved.
    """
    _action_check(actor, payout_rules.APPROVE)
    note = _text_check(note, "note", required=False)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _step_check(locked, payout_rules.APPROVE, actor)
        locked.status = PayoutStatus.APPROVED
        locked.approved_by, locked.approved_at = _user(actor), timezone.now()
        _save(locked, actor, note)
        _status_change(locked, from_status=PayoutStatus.VERIFIED, actor=actor, note=note)
    return locked


def _bulk(payouts: Iterable[Payout], action: Any, actor: User) -> BulkReport:
    # One transaction per payout, and each one's result reported: a payout the database could not take
    # (busy beyond its wait: purna/db.py) is rolled back and named, the others stand.
    report = BulkReport()
    for payout in payouts:
        try:
            report.done.append(action(payout=payout, actor=actor))
        except PayoutError as error:
            report.errors.append((payout.employee.display_name, error.messages))
        except DatabaseError as error:
            if not is_transient(error):
                raise
            report.errors.append(
                (payout.employee.display_name, [_("The database was busy: this payout was not changed. Try again.")])
            )
    return report


def payouts_verify_bulk(*, payouts: Iterable[Payout], actor: User) -> BulkReport:
    """payout_verify for each payout; the errors are collected per payout."""
    _action_check(actor, payout_rules.VERIFY)
    return _bulk(payouts, payout_verify, actor)


def payouts_approve_bulk(*, payouts: Iterable[Payout], actor: User) -> BulkReport:
    """payout_approve for each payout; the errors are collected per payout."""
    _action_check(actor, payout_rules.APPROVE)
    return _bulk(payouts, payout_approve, actor)


# --- Paying ---------------------------------------------------------------------------------------------


def _proof_read(proof: Any) -> tuple[bytes, str]:
    # The same checks as a retirement record's documents (content, not name; size; PDFs without active
    # content; images that decode), with their messages put on the proof field.
    from employees.services.cases import document_content_check

    try:
        data = uploads.read_upload(proof, settings.PURNA_DOCUMENT_MAX_BYTES)
    except uploads.UploadError as exc:
        raise PayoutError(errors={"proof": [exc.message]}) from exc
    try:
        return data, document_content_check(data)
    except CaseError as exc:
        raise PayoutError(errors={"proof": exc.messages}) from exc


def _paid_on_check(paid_on: Any) -> dt.date:
    if not isinstance(paid_on, dt.date):
        raise PayoutError(errors={"paid_on": [_("Enter the date of payment.")]})
    if paid_on > timezone.localdate():
        raise PayoutError(errors={"paid_on": [_("The date of payment cannot be in the future.")]})
    return paid_on


def payout_pay(
    *,
    payout: Payout,
    actor: User,
    method: str,
    paid_on: dt.date,
    event: Event | None = None,
    bank_name: str = "",
    account_number: str = "",
    account_holder: str = "",
    proof: Any = None,
    note: str = "",
) -> Payout:
    """Record an approved payout as paid: in cash at a ceremony (`event`) or by bank transfer (bank,
    account number and holder; `holder_mismatch` flags a holder whose name is not the payee's, the
    employee's or their heir's, titles and case aside). `proof` (PDF, JPG or PNG) goes to private storage. Only the Bendahara
    (`pay_payout`); never an unapproved payout; the row is locked, so two payments give one."""
    return _pay(
        payout=payout,
        actor=actor,
        method=method,
        paid_on=paid_on,
        event=event,
        bank_name=bank_name,
        account_number=account_number,
        account_holder=account_holder,
        proof=proof,
        note=note,
        hand_over=False,
    )


def _pay(
    *,
    payout: Payout,
    actor: User,
    method: str,
    paid_on: Any,
    event: Event | None,
    bank_name: str,
    account_number: str,
    account_holder: str,
    proof: Any,
    note: str,
    hand_over: bool,
) -> Payout:
    action = payout_rules.HAND_OVER if hand_over else payout_rules.PAY
    _action_check(actor, action)
    if method not in PaymentMethod.values:
        raise PayoutError(errors={"method": [_("Choose how it was paid.")]})
    paid_on = _paid_on_check(paid_on)
    note = _text_check(note, "note", required=False)
    bank = {
        "bank_name": (bank_name or "").strip(),
        "account_number": "".join((account_number or "").split()),
        "account_holder": " ".join((account_holder or "").split()),
    }
    if method == PaymentMethod.CASH_AT_EVENT:
        if event is None:
            raise PayoutError(errors={"event": [_("Choose the ceremony where it was handed over.")]})
        bank = dict.fromkeys(bank, "")
    else:
        event = None
        missing = {
            name: [_("This field is required for a bank transfer.")] for name, value in bank.items() if not value
        }
        if missing:
            raise PayoutError(errors=missing)
        if not bank["account_number"].replace("-", "").isdigit():
            raise PayoutError(errors={"account_number": [_("An account number has digits only.")]})
    data, content_type = _proof_read(proof) if proof is not None else (b"", "")
    stored_name: str | None = ""
    try:
        with transaction.atomic():
            locked = _locked(payout)
            _scope_check(actor, locked.employee)
            _step_check(locked, action, actor)
            locked.status = PayoutStatus.PAID
            locked.method, locked.event, locked.paid_on = method, event, paid_on
            locked.paid_by, locked.paid_at = _user(actor), timezone.now()
            locked.handed_over_at = locked.paid_at if hand_over else None
            for name, value in bank.items():
                setattr(locked, name, value)
            # The account is checked against whom it is paid to: the heir, when an heir receives it.
            locked.holder_mismatch = method == PaymentMethod.BANK_TRANSFER and not tali_asih.names_match(
                bank["account_holder"], locked.payee_name
            )
            if data:
                extension = uploads.EXTENSIONS[content_type]
                locked.proof.save(f"bukti.{extension}", ContentFile(data), save=False)
                stored_name = locked.proof.name
                locked.proof_name = PurePath(getattr(proof, "name", "") or "").name[:255] or f"bukti.{extension}"
                locked.proof_content_type = content_type
            _save(locked, actor, note)
            _status_change(locked, from_status=PayoutStatus.APPROVED, actor=actor, note=note, amount=locked.amount)
            notifications.payout_paid(locked)
            # The kuitansi exists as soon as the payout is paid; its PDF is rendered after the commit.
            receipts.receipt_ensure(payout=locked, actor=actor)
    except Exception:
        if stored_name:
            locked.proof.storage.delete(stored_name)
        raise
    return locked


def payout_hand_over(*, payout: Payout, event: Event, actor: User, note: str = "") -> Payout:
    """Record an approved payout as handed over in cash at a ceremony the employee takes part in: paid,
    on the day it is recorded, by the Bendahara, with the same rules as payout_pay. The participant's history
    notes it with the amount and the note (the representative's name, when one took the money), as it notes
    its undo."""
    _action_check(actor, payout_rules.HAND_OVER)
    if not staff_scope(actor).covers(event.organizer_id):
        message = _("This event is organised by another work unit: only its organisers may change it.")
        raise PayoutError(errors={"event": [message]})
    if not Participant.objects.filter(event=event, employee_id=payout.employee_id).exists():
        raise PayoutError(errors={"event": [_("The employee is not a participant of this event.")]})
    if event.status in (EventStatus.DRAFT, EventStatus.CLOSED):
        raise PayoutError(
            errors={
                "event": [
                    _("The event is %(status)s: nothing can be handed over at it.")
                    % {"status": event.get_status_display()}
                ]
            }
        )
    with transaction.atomic():
        paid = _pay(
            payout=payout,
            actor=actor,
            method=PaymentMethod.CASH_AT_EVENT,
            paid_on=timezone.localdate(),
            event=event,
            bank_name="",
            account_number="",
            account_holder="",
            proof=None,
            note=note or _("Handed over at %(event)s") % {"event": event.title},
            hand_over=True,
        )
        said = " ".join((note or "").split())
        amount = f"{paid.get_benefit_type_display()} {rupiah(paid.amount)}"
        participant_history_note(
            event=event,
            employee_id=paid.employee_id,
            actor=actor,
            reason=f"hand-over ({amount}): {said}" if said else f"hand-over ({amount})",
        )
    return paid


# What a payout was before it was paid, restored when a hand-over is undone: how and where it was to be
# paid (an approved payout may already name its ceremony), and no payment.
_NO_PAYMENT: dict[str, Any] = {
    "method": "",
    "event_id": None,
    "paid_on": None,
    "paid_by_id": None,
    "paid_at": None,
    "handed_over_at": None,
    "bank_name": "",
    "account_number": "",
    "account_holder": "",
    "holder_mismatch": False,
}
_PAYMENT_FIELDS = tuple(_NO_PAYMENT)


def hand_over_undo_open(*, event: Event, today: dt.date | None = None) -> bool:
    """Whether a hand-over at `event` may still be undone: while attendance is open and until the end of the
    event's (last) day, as a check-in (ceremonies.rules.undo_allowed)."""
    today = today or timezone.localdate()
    return ceremony_rules.undo_allowed(event.status, timezone.localdate(event.ends_at), today)


def payout_hand_over_undo(
    *, payout: Payout, event: Event, actor: User, reason: str, now: dt.datetime | None = None
) -> Payout:
    """Take back a hand-over recorded by mistake (the wrong person tapped, the money not given after all):
    by the Bendahara, with the reason, on the event's day while attendance is open. The payout is approved
    again with the payment facts it had before (its history), the timeline and the history say who undid it
    and why, the participant's history notes it, and its kuitansi keeps its number and is printed void
    (re-rendered after the commit) until the payout is paid again. A second undo is refused."""
    _action_check(actor, payout_rules.UNDO_HAND_OVER)
    reason = " ".join((reason or "").split())
    reason = _text_check(reason, "reason", required=True, message=_("Say why the hand-over is being undone."))
    if not staff_scope(actor).covers(event.organizer_id):
        message = _("This event is organised by another work unit: only its organisers may change it.")
        raise PayoutError(errors={"event": [message]})
    today = timezone.localdate(now or timezone.now())
    if not hand_over_undo_open(event=event, today=today):
        raise PayoutError(_("A hand-over can only be undone on the day of the event, while attendance is open."))
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _step_check(locked, payout_rules.UNDO_HAND_OVER, actor)
        if locked.handed_over_at is None or locked.event_id != event.pk:
            raise PayoutError(_("This payout was not handed over at this event."))
        before = (
            locked.history.filter(status=PayoutStatus.APPROVED, history_date__lte=locked.paid_at)
            .order_by("-history_date", "-history_id")
            .first()
        )
        # Without a history row (written straight to the table): no payment, the ceremony kept.
        restored = (
            {name: getattr(before, name) for name in _PAYMENT_FIELDS}
            if before is not None
            else {**_NO_PAYMENT, "event_id": event.pk}
        )
        for name, value in restored.items():
            setattr(locked, name, value)
        locked.status = PayoutStatus.APPROVED
        note = _("Hand-over undone: %(reason)s") % {"reason": reason}
        _save(locked, actor, f"hand-over undone: {reason}")
        _status_change(
            locked, from_status=PayoutStatus.PAID, actor=actor, note=note[:NOTE_MAX_LENGTH], amount=locked.amount
        )
        receipts.receipt_void(payout=locked, actor=actor, reason=reason)
        participant_history_note(
            event=event,
            employee_id=locked.employee_id,
            actor=actor,
            reason=f"hand-over undone ({locked.get_benefit_type_display()} {rupiah(locked.amount)}): {reason}",
        )
    return locked


# --- Cancelling and correcting --------------------------------------------------------------------------


def payout_cancel(*, payout: Payout, actor: User, reason: str) -> Payout:
    """Cancel a payout not yet paid, with the reason; a new one may then be prepared."""
    _action_check(actor, payout_rules.CANCEL)
    reason = _text_check(reason, "reason", required=True)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _step_check(locked, payout_rules.CANCEL, actor)
        from_status = locked.status
        locked.status = PayoutStatus.CANCELLED
        locked.cancelled_by, locked.cancelled_at, locked.cancel_reason = _user(actor), timezone.now(), reason
        _save(locked, actor, reason)
        _status_change(locked, from_status=from_status, actor=actor, note=reason)
    return locked


def payout_reverse(*, payout: Payout, actor: User, reason: str) -> Payout:
    """Reverse a paid payout by an explicit, recorded correction (paid to the wrong account, the wrong
    amount): the payout is kept, marked reversed with who, when and why, and a new payout may then be
    prepared. A paid payout is never edited otherwise."""
    _action_check(actor, payout_rules.REVERSE)
    reason = _text_check(reason, "reason", required=True)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _step_check(locked, payout_rules.REVERSE, actor)
        locked.status = PayoutStatus.REVERSED
        locked.reversed_by, locked.reversed_at, locked.reverse_reason = _user(actor), timezone.now(), reason
        _save(locked, actor, reason)
        _status_change(locked, from_status=PayoutStatus.PAID, actor=actor, note=reason, amount=locked.amount)
    return locked
