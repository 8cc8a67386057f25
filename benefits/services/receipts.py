"""The write path of receipts (kuitansi): numbers without gaps, issuing, rendering.

A receipt is numbered when it is first issued, inside the transaction that stores it, from a counter
row locked for the year (number_next): two treasurers issuing at the same moment get consecutive
numbers, and a receipt whose transaction rolls back gives its number back. The PDF is rendered by a
worker on the PDF queue (benefits.tasks.receipt_render_task, after the commit); the render is safe to
run twice and leaves no stray file (receipt_render). Issuing again keeps the number and replaces the PDF.
A paid payout always has its receipt: the service that pays issues it in the same transaction
(receipt_ensure), so no one has to click "Issue the receipt" after paying.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits import notifications, payouts
from benefits.exceptions import PayoutError
from benefits.models import Payout, PayoutStatus, Receipt, ReceiptStatus
from employees.scope import staff_scope
from purna.dispatch import task_dispatch
from purna.downloads import PDF, FileNotReadyError, StoredFile
from purna.history import history_note, history_user
from purna.numbering import number_format, number_next
from purna.types import User

RECEIPT = "kuitansi"  # purna.models.DocumentCounter.kind of receipts
# The treasurer who pays and the operators who prepare payouts print receipts.
PERMS_ISSUE = ("benefits.pay_payout", "benefits.change_payout")


def _issue_check(actor: User | None, payout: Payout) -> None:
    if actor is None or not any(actor.has_perm(perm) for perm in PERMS_ISSUE):
        raise PayoutError(_("You may not issue receipts."))
    if not staff_scope(actor).covers(payout.employee.unit_id):
        raise PayoutError(_("%(name)s is not an employee of your work units.") % {"name": payout.employee.display_name})
    if not payouts.receipt_open(payout.status):
        raise PayoutError(
            _("A receipt is issued for an approved or paid payout; this one is %(status)s.")
            % {"status": payout.get_status_display()}
        )


def receipt_issue(*, payout: Payout, actor: User) -> Receipt:
    """Issue the receipt of an approved or paid payout and queue its PDF; return the receipt.

    The first issue takes the year's next number (dated the day of payment, or today before it); issuing
    again keeps the number and date and renders the PDF anew (after a correction of the agency's data
    or signatories). Raises PayoutError (not allowed, outside the scope, wrong status): nothing changes.
    """
    with transaction.atomic():
        locked = Payout.objects.select_for_update().select_related("employee").get(pk=payout.pk)
        _issue_check(actor, locked)
        return _issue(locked, actor=actor)


def receipt_ensure(*, payout: Payout, actor: User | None) -> Receipt:
    """The receipt of a paid payout, issued now (numbered, its PDF queued after the commit) if it has
    none yet: a paid payout always has its kuitansi. Called by the service that pays, inside its
    transaction, with the payout locked; and by the download for a payout paid before receipts were
    issued on payment. Raises PayoutError for a payout that is not paid."""
    with transaction.atomic():
        locked = Payout.objects.select_for_update().select_related("employee").get(pk=payout.pk)
        if locked.status != PayoutStatus.PAID:
            raise PayoutError(_("The receipt is not ready."))
        receipt = Receipt.objects.filter(payout=locked).first()
        if receipt is not None and not receipt.is_void:
            return receipt
        # None yet, or void since a hand-over was undone: paid again, it stands again (same number).
        return _issue(locked, actor=actor)


def _issue(locked: Payout, *, actor: User | None) -> Receipt:
    receipt = Receipt.objects.select_for_update().filter(payout=locked).first()
    if receipt is None:
        issued_on = locked.paid_on or timezone.localdate()
        seq = number_next(kind=RECEIPT, year=issued_on.year)
        receipt = Receipt(
            payout=locked,
            year=issued_on.year,
            seq=seq,
            number=number_format(
                settings.PURNA_RECEIPT_NUMBER_PATTERN, seq=seq, year=issued_on.year, month=issued_on.month
            ),
            issued_on=issued_on,
            issued_by=history_user(actor),
        )
        reason = _("Receipt issued")
    else:
        receipt.status, receipt.rendered_at, receipt.queued_at = ReceiptStatus.PENDING, None, None
        receipt.voided_at, receipt.void_reason = None, ""
        reason = _("Receipt issued again")
    history_note(receipt, actor=actor, reason=reason)
    try:
        with transaction.atomic():
            receipt.save()
    except IntegrityError as exc:
        # The pattern gave a number already used (it was changed to one without {seq} or {year}).
        raise PayoutError(_("The receipt number %(number)s is already used.") % {"number": receipt.number}) from exc
    transaction.on_commit(lambda: _render_later(receipt.pk), robust=True)
    return receipt


def receipt_void(*, payout: Payout, actor: User | None, reason: str) -> Receipt | None:
    """Mark the payout's receipt void (its hand-over was undone: payout_hand_over_undo), with the reason,
    and render it again printed "DIBATALKAN"; it keeps its number (numbers have no gaps) and is not sent to
    the retiree. Called inside the undo's transaction with the payout locked. None if it has no receipt."""
    receipt = Receipt.objects.select_for_update().filter(payout=payout).first()
    if receipt is None:
        return None
    receipt.voided_at, receipt.void_reason = timezone.now(), reason[:300]
    receipt.status, receipt.rendered_at, receipt.queued_at = ReceiptStatus.PENDING, None, None
    history_note(receipt, actor=actor, reason=f"void: {reason}")
    receipt.save()
    transaction.on_commit(lambda: _render_later(receipt.pk), robust=True)
    return receipt


def _render_later(receipt_id: int) -> bool:
    from benefits.tasks import receipt_render_task

    # Bounded (purna/dispatch.py): with the broker down the receipt stays "being prepared" with no
    # queued_at, and receipts_sweep hands it over once the broker is back.
    if task_dispatch(receipt_render_task, args=[receipt_id]):
        Receipt.objects.filter(pk=receipt_id, status=ReceiptStatus.PENDING).update(queued_at=timezone.now())
        return True
    return False


def receipts_sweep() -> int:
    """Hand to the worker the receipts waiting to be rendered that never reached the broker (it was down
    when they were issued, as at a ceremony's hand-over with Redis stopped); return how many. Run every
    minute by Celery beat. Stops at the first that cannot be handed over: the broker is still down, and
    the next sweep tries again. A receipt handed over twice (the sweep meets one whose request is handing
    it over at that moment) is rendered once: receipt_render decides by its stored status, under a lock."""
    handed = 0
    due = Receipt.objects.filter(status=ReceiptStatus.PENDING, queued_at__isnull=True).order_by("pk")
    for receipt_id in due.values_list("pk", flat=True):
        if not _render_later(receipt_id):
            return handed
        handed += 1
    return handed


def receipt_file_name(receipt: Receipt) -> str:
    """One fixed name per receipt: a render interrupted after writing the file and before its commit is
    overwritten by the next run instead of leaving a stray file under a generated name."""
    return f"receipts/{receipt.year}/kuitansi-{receipt.year}-{receipt.seq:05d}.pdf"


def receipt_file(receipt: Receipt) -> StoredFile:
    """The receipt's PDF, opened from private storage, for a download by the staff or the retiree (each
    page checks first who may see it); FileNotReadyError until it is rendered."""
    if not receipt.is_ready:
        raise FileNotReadyError(_("The receipt is not ready."))
    try:
        file = receipt.file.open("rb")
    except FileNotFoundError:
        raise FileNotReadyError(_("The receipt is not ready.")) from None
    return StoredFile(file=file, filename=notifications.receipt_filename(receipt), content_type=PDF)


def _receipt_for_render(receipt_id: int, *, lock: bool = False) -> Receipt | None:
    receipts = Receipt.objects.select_for_update(of=("self",)) if lock else Receipt.objects
    return (
        receipts.select_related(
            "payout__employee__unit", "payout__event", "payout__payee_spouse", "payout__payee_child"
        )
        .filter(pk=receipt_id)
        .first()
    )


def _receipt_version(receipt_id: int) -> int | None:
    """The receipt's last history entry: issuing it again adds one."""
    return Receipt.history.filter(id=receipt_id).order_by("-history_id").values_list("history_id", flat=True).first()


def receipt_render(*, receipt_id: int) -> Receipt | None:
    """Render and store the PDF of a receipt being prepared, mark it ready and queue the "receipt ready"
    email to the retiree (with the PDF); return the receipt (None if it no longer exists).

    Safe to run twice, or twice at once: the row is locked and a ready receipt is returned as it is.
    The PDF is laid out in memory first; the stored file has a fixed name (receipt_file_name), so a
    worker killed between writing it and committing leaves nothing the next run does not replace.
    """
    from benefits import documents

    # Laid out before the transaction, from a read without a lock: a PDF takes a second or more, and on
    # SQLite (`make run`) a transaction holds the database's one write lock, so every click of the staff
    # would wait through the layout. Issued again meanwhile (a new history entry): laid out again below.
    receipt = _receipt_for_render(receipt_id)
    if receipt is None or receipt.status == ReceiptStatus.DONE:
        return receipt
    version = _receipt_version(receipt_id)
    content = documents.receipt_pdf(receipt=receipt, instansi=documents.instansi_load())
    with transaction.atomic():
        receipt = _receipt_for_render(receipt_id, lock=True)
        if receipt is None or receipt.status == ReceiptStatus.DONE:
            return receipt
        if _receipt_version(receipt_id) != version:
            content = documents.receipt_pdf(receipt=receipt, instansi=documents.instansi_load())
        storage = receipt.file.storage
        name = receipt_file_name(receipt)
        if storage.exists(name):
            storage.delete(name)
        receipt.file.name = storage.save(name, ContentFile(content))
        receipt.status, receipt.rendered_at = ReceiptStatus.DONE, timezone.now()
        # A worker's task: no request, so no user either way.
        history_note(receipt, actor=None, reason=_("Receipt rendered"))
        receipt.save()
        # A void receipt (a hand-over undone) is printed for the file, not sent to the retiree.
        if not receipt.is_void:
            notifications.receipt_ready(receipt, content)
    return receipt
