"""The benefits' emails, on the outbox of purna.notifications (found at start-up like admin.py, by
registry.autodiscover), queued by the benefits' services right after each state change, inside their
transaction (an email and its change commit or roll back together):

- "benefits.payout_to_verify": a payout was prepared; to each Verifikator whose scope covers the
  employee (not the one who prepared it: they may not verify it);
- "benefits.payout_to_approve": a payout was verified; to each Pimpinan whose scope covers the employee;
- "benefits.payout_paid": a payout was paid; to the retiree (if they have an address and are alive:
  the "employee" recipient resolver of employees/notifications.py refuses the dead when sending);
- "benefits.receipt_ready": a receipt's PDF is ready; to the retiree, with the PDF attached.

Each is queued once per payout and step (the occasion names both); a staff email whose payout has
moved on before it is sent is cancelled (still_due). Messages are about a payout ("benefits.payout").
"""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benefits.models import BenefitType, Payout, PayoutStatus, Receipt
from employees.choices import EmployeeStatus
from employees.contact import employee_contact
from employees.nip import format_nip
from employees.scope import staff_scope, staff_scopes
from purna import formatting, roles
from purna.notifications import builtin, registry
from purna.notifications.models import Message
from purna.notifications.services import AttachmentDraft, message_queue

MODEL = "benefits.payout"
EMPLOYEE = "employee"  # the recipient key prefix of employees/notifications.py

TO_VERIFY = "benefits.payout_to_verify"
TO_APPROVE = "benefits.payout_to_approve"
PAID = "benefits.payout_paid"
RECEIPT_READY = "benefits.receipt_ready"

# The status a staff email asks someone to act on: once the payout has left it, the email is moot.
_WAITING_IN = {TO_VERIFY: PayoutStatus.DRAFT, TO_APPROVE: PayoutStatus.VERIFIED}


def _staff_for(payout: Payout, role: str, exclude: Collection[int] = ()) -> list[Any]:
    """Users of `role` with an address whose scope covers the payout's employee (two or three queries)."""
    users = [user for user in builtin.staff_with_role(role) if user.pk not in exclude]
    scopes = staff_scopes(users)
    return [user for user in users if scopes[user.pk].covers(payout.employee.unit_id)]


def _staff_queue(payout: Payout, *, kind: str, role: str, step: str, exclude: Collection[int] = ()) -> None:
    for user in _staff_for(payout, role, exclude):
        message_queue(
            kind=kind,
            recipient_key=registry.recipient_key(builtin.USER, user.pk),
            occasion=f"payout-{payout.pk}-{step}",
            to_email=user.email,
            to_name=user.get_full_name() or user.get_username(),
            about=payout,
            about_label=str(payout),
        )


def payout_prepared(payout: Payout) -> None:
    """Tell the verifiers who may act that a payout waits for verification."""
    _staff_queue(
        payout,
        kind=TO_VERIFY,
        role=roles.VERIFIKATOR,
        step="verify",
        exclude=[payout.prepared_by_id] if payout.prepared_by_id else [],
    )


def payout_verified(payout: Payout) -> None:
    """Tell the heads of agency who may act that a verified payout waits for approval."""
    _staff_queue(
        payout,
        kind=TO_APPROVE,
        role=roles.PIMPINAN,
        step="approve",
        exclude=[payout.prepared_by_id] if payout.prepared_by_id else [],
    )


def _retiree_email(payout: Payout) -> str:
    """The address to write to the retiree at (employees/contact.py), "" when there is none or the
    person has died."""
    employee = payout.employee
    if employee.status == EmployeeStatus.MENINGGAL:
        return ""
    return employee_contact(employee, today=timezone.localdate()).email


def _payee_recipient(payout: Payout) -> tuple[str, str, str] | None:
    """Whom a payout's emails go to (recipient key, address, name): the heir who receives it, if they have
    an email on the register; else the retiree, alive, at the address employees/contact.py picks; else nobody."""
    payee = payout.payee
    if payee is not None:
        if not payee.email or payee.died_on is not None:
            return None
        prefix = "spouse" if payout.payee_spouse_id else "child"
        return registry.recipient_key(prefix, payee.pk), payee.email, payee.name
    if not (email := _retiree_email(payout)):
        return None
    employee = payout.employee
    return registry.recipient_key(EMPLOYEE, employee.pk), email, employee.display_name


def payout_paid(payout: Payout) -> None:
    """Tell the retiree (or the heir who receives it) that the THT or tali asih was paid."""
    recipient = _payee_recipient(payout)
    if recipient is None:
        return
    key, email, name = recipient
    message_queue(
        kind=PAID,
        recipient_key=key,
        occasion=f"payout-{payout.pk}-paid",
        to_email=email,
        to_name=name,
        about=payout,
        about_label=str(payout),
    )


def receipt_filename(receipt: Receipt) -> str:
    """ "kuitansi-900-12-bkpsdm-2025.pdf"."""
    return f"kuitansi-{slugify(receipt.number.replace('/', '-'))}.pdf"


def receipt_ready(receipt: Receipt, content: bytes) -> None:
    """Send the retiree (or the heir who receives it) the receipt's PDF, once per payout (a receipt issued
    again is not re-sent)."""
    payout = receipt.payout
    recipient = _payee_recipient(payout)
    if recipient is None:
        return
    key, email, name = recipient
    message_queue(
        kind=RECEIPT_READY,
        recipient_key=key,
        occasion=f"payout-{payout.pk}-receipt",
        to_email=email,
        to_name=name,
        about=payout,
        about_label=str(payout),
        context={"receipt_number": receipt.number},
        attachments=[AttachmentDraft(filename=receipt_filename(receipt), content=content)],
    )


# --- Sending: what the templates show, and whether a message is still due ------------------------------------


def _payouts(messages: Sequence[Message]) -> dict[int, Payout]:
    return registry.objects_about(messages, Payout.objects.select_related("employee__unit", "event"))


def payout_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    """Cancel a request to verify or approve once the payout has left the status it asked about (someone
    else acted, or it was cancelled), a "paid" email whose payout is no longer paid (its hand-over undone),
    and any message whose payout is gone. One query."""
    payouts = _payouts(messages)
    reasons = {}
    for message in messages:
        payout = payouts.get(message.object_id)
        waiting_in = _WAITING_IN.get(message.kind)
        if payout is None:
            reasons[message.pk] = _("The payout no longer exists.")
        elif waiting_in is not None and payout.status != waiting_in:
            reasons[message.pk] = _("The payout is %(status)s now.") % {"status": payout.get_status_display()}
        elif message.kind == PAID and payout.status != PayoutStatus.PAID:
            # Its hand-over was undone before the email went out.
            reasons[message.pk] = _("The payout is %(status)s now.") % {"status": payout.get_status_display()}
    return reasons


def payout_url(payout: Payout) -> str:
    """The payout's staff page as an absolute link (PURNA_SITE_URL), "" when the staff pages are not
    installed (the email then reads without a link)."""
    try:
        path = reverse("benefits:payout_detail", args=[payout.pk])
    except NoReverseMatch:
        return ""
    return f"{settings.PURNA_SITE_URL.rstrip('/')}{path}"


def payout_context(messages: Sequence[Message]) -> Mapping[int, Mapping[str, Any]]:
    """The payout, its employee (name, grouped NIP, unit), the amount in figures and words, the
    benefit's name and the payment's facts, read when sending. One query for the batch."""
    payouts = _payouts(messages)
    contexts = {}
    for message in messages:
        payout = payouts.get(message.object_id)
        if payout is None:
            continue
        contexts[message.pk] = {
            "payout": payout,
            "employee": payout.employee,
            "nip": format_nip(payout.employee.nip),
            "benefit": BenefitType(payout.benefit_type).label,
            "amount": formatting.rupiah(payout.amount),
            "amount_words": formatting.terbilang(payout.amount),
            "paid_on": formatting.tanggal(payout.paid_on),
            "tmt": formatting.tanggal(payout.tmt),
            "payout_url": payout_url(payout) if message.kind in _WAITING_IN else "",
        }
    return contexts


def payouts_in_scope(user: Any) -> QuerySet | None:
    """The outbox's view of messages about payouts: None for staff who see every unit, else the ids of
    the payouts of their units' employees."""
    scope = staff_scope(user)
    return None if scope.is_all else scope.filter(Payout.objects.all(), "employee__unit").values("pk")


registry.about_url_register(MODEL, "benefits:payout_detail")
registry.about_scope_register(MODEL, payouts_in_scope)
for _name, _label, _prefix in (
    (TO_VERIFY, gettext_lazy("Payout waiting for verification (to verifiers)"), "payout_to_verify"),
    (TO_APPROVE, gettext_lazy("Payout waiting for approval (to the head of agency)"), "payout_to_approve"),
    (PAID, gettext_lazy("Payout paid (to the retiree)"), "payout_paid"),
    (RECEIPT_READY, gettext_lazy("Receipt ready (to the retiree)"), "receipt_ready"),
):
    registry.kind_register(
        registry.Kind(
            name=_name,
            label=_label,
            template_prefix=f"benefits/emails/{_prefix}",
            model=MODEL,
            still_due=payout_still_due,
            context=payout_context,
        )
    )
