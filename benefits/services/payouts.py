"""The write path of THT claims and payouts: prepare, verify, approve, pay (or hand over), cancel, reverse.

The tali asih rules are in benefits/tali_asih.py; here they are applied under row locks, inside a
transaction, with the actor recorded in the history (django-simple-history) and every status change in
a PayoutStatusChange row (the timeline). Who may do what is a permission (purna/roles.py): preparing and
correcting drafts `add_payout`/`change_payout` (Operator), verifying `verify_payout` (Verifikator),
approving `approve_payout` (Pimpinan), paying and handing over `pay_payout` (Bendahara), reversing a paid
payout `reverse_payout` (Pimpinan); Admin Kepegawaian holds them all. Whoever prepared a payout can neither
verify nor approve it (four eyes). Every service refuses employees outside the actor's staff scope
(employees/scope.py). Bad input raises PayoutError and changes nothing. Money is Decimal throughout.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import IO, Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import notifications, tali_asih
from benefits.exceptions import PayoutError
from benefits.models import (
    BenefitType,
    PaymentMethod,
    Payout,
    PayoutStatus,
    PayoutStatusChange,
    TaliAsihRate,
    ThtClaim,
)
from ceremonies.models import Event, EventStatus, Participant
from employees import cases, importer, retirement
from employees.choices import RetirementKind
from employees.exceptions import CaseError
from employees.models import Employee, RetirementCase
from employees.scope import staff_scope
from purna import uploads
from purna.db import BUSY_MESSAGE, is_transient
from purna.history import history_note
from purna.history import history_user as _user
from purna.types import User

# The statuses each step starts from; anything else is refused with the reason.
LIVE_STATUSES = (PayoutStatus.DRAFT, PayoutStatus.VERIFIED, PayoutStatus.APPROVED)
# A payout in these statuses is the employee's: another of the same benefit is refused.
COUNTED_STATUSES = (*LIVE_STATUSES, PayoutStatus.PAID)
NOTE_MAX_LENGTH = PayoutStatusChange._meta.get_field("note").max_length

PERM_PREPARE = "benefits.add_payout"
PERM_CHANGE = "benefits.change_payout"
PERM_VERIFY = "benefits.verify_payout"
PERM_APPROVE = "benefits.approve_payout"
PERM_PAY = "benefits.pay_payout"
PERM_REVERSE = "benefits.reverse_payout"
PERM_CLAIM = "benefits.change_thtclaim"


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
    return Payout.objects.select_for_update().select_related("employee").get(pk=payout.pk)


def _status_change(
    payout: Payout, *, from_status: str, actor: User, note: str = "", amount: Decimal | None = None
) -> None:
    PayoutStatusChange.objects.create(
        payout=payout, from_status=from_status, to_status=payout.status, actor=_user(actor), note=note, amount=amount
    )


def _status_check(payout: Payout, allowed: Iterable[str], message: str) -> None:
    if payout.status not in allowed:
        raise PayoutError(message % {"status": payout.get_status_display()})


def _not_preparer_check(payout: Payout, actor: User | None, message: str) -> None:
    # Four eyes: the person who prepared a payout does not also check or approve it.
    if payout.prepared_by_id is not None and payout.prepared_by_id == getattr(actor, "pk", None):
        raise PayoutError(message)


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


# --- Tali asih: the rate in force and the amount ---------------------------------------------------------


def rate_from_model(rate: TaliAsihRate) -> tali_asih.Rate:
    """The pure module's view of a TaliAsihRate row (its bands prefetched or loaded)."""
    return tali_asih.Rate(
        id=rate.pk,
        name=rate.name,
        decision_number=rate.decision_number,
        decision_date=rate.decision_date,
        effective_from=rate.effective_from,
        effective_until=rate.effective_until,
        basis=rate.basis,
        amount=rate.amount,
        cap=rate.cap,
        retirement_kind=rate.retirement_kind,
        asn_type=rate.asn_type,
        bands=tuple(band.as_band() for band in rate.bands.all()),
    )


@dataclass(frozen=True)
class RetirementTerms:
    """What a payout is computed for: the TMT pensiun, the retirement kind and the masa kerja at the TMT."""

    tmt: dt.date | None
    kind: str
    service_years: int
    service_months: int


def retirement_terms(employee: Employee) -> RetirementTerms:
    """The TMT and kind of the employee's retirement record while it is live or done (a death or an APS
    decides its own TMT), else the computed TMT pensiun as a retirement at the BUP."""
    case = RetirementCase.objects.filter(employee_id=employee.pk, status__in=cases.LIVE).first()
    tmt = case.tmt if case is not None else employee.tmt_pensiun
    kind = case.kind if case is not None else RetirementKind.BUP
    if tmt is None:
        return RetirementTerms(None, kind, 0, 0)
    if tmt == employee.tmt_pensiun and employee.service_years is not None:
        years, months = employee.service_years, employee.service_months or 0
    else:
        years, months = retirement.service_length(employee.tmt_cpns, tmt, employee.prior_service_months)
    return RetirementTerms(tmt, kind, years, months)


def tali_asih_compute(*, employee: Employee) -> tuple[RetirementTerms, tali_asih.Breakdown]:
    """The tali asih due to an employee from the rate in force at their TMT, with its breakdown (no
    write: the staff pages show it before a payout is prepared). Raises PayoutError."""
    terms = retirement_terms(employee)
    if terms.tmt is None:
        raise PayoutError(_("The employee has no TMT pensiun yet: complete their record first."))
    rates = [rate_from_model(rate) for rate in TaliAsihRate.objects.prefetch_related("bands")]
    rate = tali_asih.rate_for(rates, tmt=terms.tmt, asn_type=employee.asn_type, retirement_kind=terms.kind)
    if rate is None:
        raise PayoutError(
            _("No tali asih rate is in force on %(tmt)s for this retiree: add the KORPRI decision to the rates.")
            % {"tmt": terms.tmt.strftime("%d-%m-%Y")}
        )
    try:
        breakdown = tali_asih.tali_asih_amount(
            rate,
            golongan=employee.golongan,
            asn_type=employee.asn_type,
            service_years=terms.service_years,
            service_months=terms.service_months,
        )
    except tali_asih.TaliAsihError as exc:
        raise PayoutError(str(exc)) from exc
    return terms, breakdown


def _tht_amount(employee: Employee) -> tuple[Decimal, dict[str, Any]]:
    claim = ThtClaim.objects.filter(employee_id=employee.pk).first()
    if claim is None or claim.amount_received is None:
        raise PayoutError(_("The THT amount paid by PT Taspen is not recorded yet: record it on the THT claim first."))
    return claim.amount_received, {
        "source": "taspen",
        "claim_id": claim.pk,
        "taspen_reference": claim.taspen_reference,
        "received_on": claim.received_on.isoformat() if claim.received_on else None,
        "amount": str(claim.amount_received),
    }


# --- Preparing ------------------------------------------------------------------------------------------


def _event_check(event: Event | None) -> None:
    if event is not None and event.status in (EventStatus.DRAFT, EventStatus.CLOSED):
        raise PayoutError(
            errors={
                "event": [
                    _("The event is %(status)s: choose a published one.") % {"status": event.get_status_display()}
                ]
            }
        )


def payout_prepare(
    *,
    employee: Employee,
    benefit_type: str,
    actor: User,
    event: Event | None = None,
    override_amount: Any = None,
    override_reason: str = "",
) -> Payout:
    """Prepare a draft payout of THT or tali asih for an employee and return it.

    Tali asih is computed from the rate in force at the employee's TMT (the retirement record's while it
    is live, else the computed TMT pensiun) and the masa kerja then; THT takes the amount PT Taspen paid
    (ThtClaim.amount_received) and is refused while it is unknown. An amount set by hand needs its reason;
    the computed amount and its breakdown are kept beside it. One live payout per employee and benefit.
    `event` is the ceremony where it is to be handed over. Raises PayoutError; nothing is saved then.
    """
    _permission_check(actor, PERM_PREPARE, _("You may not prepare payouts."))
    if benefit_type not in BenefitType.values:
        raise PayoutError(errors={"benefit_type": [_("Choose THT or tali asih.")]})
    override = None
    if override_amount not in (None, ""):
        override = amount_parse(override_amount, "override_amount")
        override_reason = _text_check(
            override_reason,
            "override_reason",
            required=True,
            message=_("Give the reason for setting the amount by hand."),
        )
    else:
        override_reason = ""
    _event_check(event)
    with transaction.atomic():
        # The employee's row serialises two preparations for the same person; the unique constraint
        # (payout_one_live_per_benefit) is the last guard.
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        _scope_check(actor, locked)
        existing = (
            Payout.objects.filter(employee=locked, benefit_type=benefit_type, status__in=COUNTED_STATUSES)
            .only("status")
            .first()
        )
        if existing is not None:
            raise PayoutError(
                _("%(name)s already has a %(benefit)s payout (%(status)s).")
                % {
                    "name": locked.display_name,
                    "benefit": BenefitType(benefit_type).label,
                    "status": existing.get_status_display(),
                }
            )
        rate_id = None
        if benefit_type == BenefitType.TALI_ASIH:
            terms, breakdown = tali_asih_compute(employee=locked)
            computed, details, rate_id = breakdown.amount, breakdown.as_json(), breakdown.rate_id
        else:
            terms = retirement_terms(locked)
            if terms.tmt is None:
                raise PayoutError(_("The employee has no TMT pensiun yet: complete their record first."))
            computed, details = _tht_amount(locked)
        assert terms.tmt is not None  # both branches above refuse a record without a TMT
        problems = tali_asih.amount_check(computed)
        if problems and override is None:
            raise PayoutError(errors={"amount": problems})
        payout = Payout(
            employee=locked,
            benefit_type=benefit_type,
            tmt=terms.tmt,
            computed_amount=computed,
            amount=override if override is not None else computed,
            breakdown={**details, "tmt": terms.tmt.isoformat(), "retirement_kind": terms.kind},
            rate_id=rate_id,
            override_amount=override,
            override_reason=override_reason,
            event=event,
            prepared_by=_user(actor),
        )
        _save(payout, actor)
        _status_change(payout, from_status="", actor=actor, note=override_reason, amount=payout.amount)
        notifications.payout_prepared(payout)
    return payout


@dataclass
class BulkReport:
    """What a bulk action did: the payouts it wrote, who it skipped (already having one), and the errors
    per person or payout (their display name and the messages)."""

    done: list[Payout] = field(default_factory=list)
    skipped: list[Employee] = field(default_factory=list)
    errors: list[tuple[str, list[str]]] = field(default_factory=list)


def payouts_prepare_bulk(
    *, employees: Iterable[Employee], benefit_type: str, actor: User | None, event: Event | None = None
) -> BulkReport:
    """Prepare a draft payout for each employee (a cohort, a ceremony's participants); those already
    having a live or paid one are skipped; one person's error does not stop the others'."""
    actor = _permission_check(actor, PERM_PREPARE, _("You may not prepare payouts."))
    employees = list(employees)
    having = set(
        Payout.objects.filter(
            employee__in=[employee.pk for employee in employees],
            benefit_type=benefit_type,
            status__in=COUNTED_STATUSES,
        ).values_list("employee_id", flat=True)
    )
    report = BulkReport()
    for employee in employees:
        if employee.pk in having:
            report.skipped.append(employee)
            continue
        try:
            report.done.append(payout_prepare(employee=employee, benefit_type=benefit_type, actor=actor, event=event))
        except PayoutError as error:
            report.errors.append((employee.display_name, error.messages))
        except DatabaseError as error:
            # One transaction per person: the busy one is named, the others stand (purna/db.py).
            if not is_transient(error):
                raise
            report.errors.append((employee.display_name, [str(BUSY_MESSAGE)]))
    return report


def payout_amount_override(*, payout: Payout, actor: User, amount: Any, reason: str) -> Payout:
    """Set the amount of a draft by hand (amount None or "" goes back to the computed amount), with the
    reason, kept in the history and the timeline. Only drafts: a verified amount is what was verified."""
    _permission_check(actor, PERM_CHANGE, _("You may not change payouts."))
    new = None if amount in (None, "") else amount_parse(amount, "override_amount")
    reason = _text_check(reason, "override_reason", required=True)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _status_check(
            locked, [PayoutStatus.DRAFT], _("Only a draft's amount can be changed; this payout is %(status)s.")
        )
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
    _permission_check(actor, PERM_VERIFY, _("You may not verify payouts."))
    note = _text_check(note, "note", required=False)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _status_check(locked, [PayoutStatus.DRAFT], _("Only a draft can be verified; this payout is %(status)s."))
        _not_preparer_check(locked, actor, _("You prepared this payout: someone else must verify it."))
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
    _permission_check(actor, PERM_APPROVE, _("You may not approve payouts."))
    note = _text_check(note, "note", required=False)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        if locked.status == PayoutStatus.DRAFT:
            raise PayoutError(_("This payout is still a draft: it must be verified before it is approved."))
        _status_check(
            locked, [PayoutStatus.VERIFIED], _("Only a verified payout can be approved; this one is %(status)s.")
        )
        _not_preparer_check(locked, actor, _("You prepared this payout: someone else must approve it."))
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
    _permission_check(actor, PERM_VERIFY, _("You may not verify payouts."))
    return _bulk(payouts, payout_verify, actor)


def payouts_approve_bulk(*, payouts: Iterable[Payout], actor: User) -> BulkReport:
    """payout_approve for each payout; the errors are collected per payout."""
    _permission_check(actor, PERM_APPROVE, _("You may not approve payouts."))
    return _bulk(payouts, payout_approve, actor)


# --- Paying ---------------------------------------------------------------------------------------------


def _proof_read(proof: Any) -> tuple[bytes, str]:
    # The same checks as a retirement record's documents (content, not name; size; PDFs without active
    # content; images that decode), with their messages put on the proof field.
    from employees.services.cases import _read_upload, document_content_check

    try:
        data = _read_upload(proof, settings.PURNA_DOCUMENT_MAX_BYTES)
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
    account number and holder; `holder_mismatch` flags a holder whose name is not the employee's,
    titles and case aside). `proof` (PDF, JPG or PNG) goes to private storage. Only the Bendahara
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
    _permission_check(actor, PERM_PAY, _("Only the treasurer (bendahara) may record payments."))
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
            _status_check(
                locked, [PayoutStatus.APPROVED], _("Only an approved payout can be paid; this one is %(status)s.")
            )
            locked.status = PayoutStatus.PAID
            locked.method, locked.event, locked.paid_on = method, event, paid_on
            locked.paid_by, locked.paid_at = _user(actor), timezone.now()
            locked.handed_over_at = locked.paid_at if hand_over else None
            for name, value in bank.items():
                setattr(locked, name, value)
            locked.holder_mismatch = method == PaymentMethod.BANK_TRANSFER and not tali_asih.names_match(
                bank["account_holder"], locked.employee.display_name
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
    except Exception:
        if stored_name:
            locked.proof.storage.delete(stored_name)
        raise
    return locked


def payout_hand_over(*, payout: Payout, event: Event, actor: User, note: str = "") -> Payout:
    """Record an approved payout as handed over in cash at a ceremony the employee takes part in: paid,
    on the day it is recorded, by the Bendahara, with the same rules as payout_pay."""
    _permission_check(actor, PERM_PAY, _("Only the treasurer (bendahara) may record payments."))
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
    return _pay(
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


# --- Cancelling and correcting --------------------------------------------------------------------------


def payout_cancel(*, payout: Payout, actor: User, reason: str) -> Payout:
    """Cancel a payout not yet paid, with the reason; a new one may then be prepared."""
    _permission_check(actor, PERM_CHANGE, _("You may not change payouts."))
    reason = _text_check(reason, "reason", required=True)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        if locked.status == PayoutStatus.PAID:
            raise PayoutError(_("A paid payout cannot be cancelled: it can only be reversed by a recorded correction."))
        _status_check(locked, LIVE_STATUSES, _("This payout is %(status)s: it cannot be cancelled."))
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
    _permission_check(actor, PERM_REVERSE, _("You may not reverse paid payouts."))
    reason = _text_check(reason, "reason", required=True)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _status_check(locked, [PayoutStatus.PAID], _("Only a paid payout can be reversed; this one is %(status)s."))
        locked.status = PayoutStatus.REVERSED
        locked.reversed_by, locked.reversed_at, locked.reverse_reason = _user(actor), timezone.now(), reason
        _save(locked, actor, reason)
        _status_change(locked, from_status=PayoutStatus.PAID, actor=actor, note=reason, amount=locked.amount)
    return locked


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


# --- THT amounts from PT Taspen (CSV/XLSX) ----------------------------------------------------------------

THT_COLUMNS = {
    "nip": ("nip", "nip / ni pppk", "nip baru"),
    "amount": ("amount", "jumlah", "jumlah tht", "nominal", "amount received", "jumlah diterima"),
    "reference": ("reference", "referensi", "nomor referensi", "no referensi", "taspen reference", "referensi taspen"),
    "date": ("date", "tanggal", "tanggal diterima", "received on", "tanggal bayar"),
}
THT_HEADERS = {"nip": "NIP", "amount": "Jumlah", "reference": "Referensi", "date": "Tanggal"}


def _header_key(value: Any) -> str:
    text = value.lstrip("\ufeff") if isinstance(value, str) else ("" if value is None else str(value))
    return " ".join(text.strip().rstrip("*").casefold().replace("_", " ").split())


@dataclass
class ThtImportResult:
    """What an import of Taspen's THT amounts did: applied (all rows) or not (any error), and per row."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False
    errors: list[importer.CellError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def tht_amounts_import(*, file: IO[bytes], actor: User, name: str | None = None) -> ThtImportResult:
    """Record the THT amounts PT Taspen paid from a CSV or XLSX (columns NIP, Jumlah, Referensi, Tanggal;
    English headers too), all or nothing: every row is checked first (the NIP known and in the actor's
    scope, once in the file; the amount a valid rupiah amount; the date real and not in the future), and
    nothing is written if any row has an error; the errors name their row and cell. Raises PayoutError
    (on "file") for a file that cannot be read at all."""
    _permission_check(actor, PERM_CLAIM, _("You may not record THT claims."))
    name = name or getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    try:
        sheet = importer.open_sheet(
            file, name=PurePath(name).name, size=size, max_bytes=settings.PURNA_IMPORT_MAX_BYTES
        )
    except importer.ImportFileError as exc:
        raise PayoutError(errors={"file": [exc.message]}) from exc
    lookup = {alias: key for key, aliases in THT_COLUMNS.items() for alias in aliases}
    positions: dict[str, int] = {}
    for index, header in enumerate(sheet.header):
        key = lookup.get(_header_key(header))
        if key is not None and key not in positions:
            positions[key] = index
    missing = [THT_HEADERS[key] for key in ("nip", "amount") if key not in positions]
    if missing:
        raise PayoutError(errors={"file": [_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}]})

    result = ThtImportResult(notices=list(sheet.notices))
    for ref in sheet.formula_cells:
        result.errors.append(
            importer.CellError(
                None,
                "",
                _("Cell %(cell)s holds a formula; only values can be imported (paste as values).") % {"cell": ref},
                ref,
            )
        )
    today = timezone.localdate()
    parsed: list[tuple[int, str, Decimal, str, dt.date | None]] = []
    seen: dict[str, int] = {}

    def cell(cells: list[Any], key: str) -> Any:
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def error(row: int, key: str, message: str) -> None:
        letter = importer.column_letter(positions[key] + sheet.first_column)
        result.errors.append(importer.CellError(row, THT_HEADERS[key], message, f"{letter}{row}"))

    for row, cells in sheet.rows:
        result.rows += 1
        ok = True
        try:
            nip = importer.parse_nip(cell(cells, "nip"))
        except importer.CellValueError as exc:
            error(row, "nip", str(exc))
            nip, ok = "", False
        if ok and not nip:
            error(row, "nip", _("The NIP is empty."))
            ok = False
        elif ok and nip in seen:
            error(row, "nip", _("This NIP is also on row %(row)d.") % {"row": seen[nip]})
            ok = False
        elif ok:
            seen[nip] = row
        try:
            amount = amount_parse(cell(cells, "amount"))
        except PayoutError as exc:
            error(row, "amount", " ".join(exc.messages))
            amount, ok = Decimal(0), False
        reference = importer.cell_text(cell(cells, "reference"))[:100] if "reference" in positions else ""
        received_on = None
        if "date" in positions:
            try:
                received_on = importer.parse_date(cell(cells, "date"))
            except importer.CellValueError as exc:
                error(row, "date", str(exc))
                ok = False
            if received_on is not None and received_on > today:
                error(row, "date", _("The date cannot be in the future."))
                ok = False
        if ok:
            parsed.append((row, nip, amount, reference, received_on))
    if not result.rows:
        raise PayoutError(errors={"file": [_("The file has no rows under its header.")]})

    scope = staff_scope(actor)
    employees = {
        employee.nip: employee
        for employee in Employee.objects.filter(nip__in=[item[1] for item in parsed]).only(
            "pk", "nip", "unit_id", "name"
        )
    }
    for row, nip, *_rest in parsed:
        employee = employees.get(nip)
        if employee is None or not scope.covers(employee.unit_id):
            # Outside the scope reads as unknown: the import does not confirm who exists elsewhere.
            error(row, "nip", _("No employee with this NIP in your work units."))
    if result.errors:
        return result

    with transaction.atomic():
        claims = {
            claim.employee_id: claim
            for claim in ThtClaim.objects.select_for_update().filter(employee__in=[e.pk for e in employees.values()])
        }
        failures: list[importer.CellError] = []
        for row, nip, amount, reference, received_on in parsed:
            employee = employees[nip]
            claim = claims.get(employee.pk) or ThtClaim(employee=employee)
            created = claim.pk is None
            if (claim.amount_received, claim.taspen_reference or "", claim.received_on) == (
                amount,
                reference or claim.taspen_reference or "",
                received_on or claim.received_on,
            ):
                result.unchanged += 1
                continue
            before = claim.amount_received
            claim.amount_received = amount
            if reference:
                claim.taspen_reference = reference
            claim.received_on = received_on or claim.received_on or today
            try:
                tht_claim_amount_check(claim=claim, before=before)
            except PayoutError as exc:
                failures.append(importer.CellError(row, THT_HEADERS["amount"], " ".join(exc.messages)))
                continue
            history_note(
                claim, actor=actor, reason=_("THT amounts imported from %(name)s") % {"name": PurePath(name).name}
            )
            claim.save()
            if created:
                result.created += 1
            else:
                result.updated += 1
        if failures:
            result.errors = failures
            result.created = result.updated = result.unchanged = 0
            transaction.set_rollback(True)
            return result
    result.applied = True
    return result
