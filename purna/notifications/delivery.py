"""Sending the outbox over SMTP: claim, check, render, send, record, one SMTP connection per run.

**Delivery guarantee: at least once, with at most one extra delivery after an interrupted send.**

A message goes queued -> sending -> sent. "sending" is written and committed (under a row lock, with a
claim token) before the SMTP conversation, "sent" after the server accepted the message. If the worker
dies between the two (killed, out of memory, machine lost) nobody knows whether the server accepted
it. The two possible choices:

- at most once: leave such messages "failed" for staff to decide. Nothing is ever duplicated, but a
  reminder can be lost silently until someone looks, and a worker restart during a bulk run would need
  hundreds of manual decisions;
- at least once: the sweep (outbox_sweep, every minute) queues a message that has been "sending" longer
  than PURNA_EMAIL_SENDING_TIMEOUT_SECONDS again. Nothing is lost; the one message that was inside its
  SMTP conversation at the moment of the crash may arrive twice.

Purna chooses at least once: a missed retirement deadline costs a retiree months of pension, a second
copy of a reminder costs a glance. The duplicate is bounded and recognisable: only the message(s) in
flight at the crash are exposed (the others of the claimed batch were never handed to the server), each
crash can add one copy, and both copies carry the same Message-ID header (derived from the row), which
mail clients and servers use to recognise a repeat. The requeue is recorded on the message
("Requeued after an interrupted send").

Errors are sorted three ways: the server unreachable or refusing everything (connection refused,
timeout, 421, sender refused) -> the whole batch goes back to the queue with a backoff and nothing is
counted against the messages (SMTP down: none lost); a temporary refusal of one message (4xx) -> that
message retries with a backoff, up to PURNA_EMAIL_MAX_ATTEMPTS, then fails; a permanent refusal (5xx),
a missing or invalid address, a template error -> failed at once, shown to staff, not retried.
"""

import datetime as dt
import logging
import smtplib
import time
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from purna.notifications import conf, registry
from purna.notifications.channels import delivered_channels
from purna.notifications.models import Message, MessageAttachment, MessageEvent, MessageStatus
from purna.notifications.rendering import Rendered, Sender, email_language, render, sender_load
from purna.notifications.services import messages_cancel_not_due

logger = logging.getLogger(__name__)

CONNECTION, TEMPORARY, PERMANENT = "connection", "temporary", "permanent"
ERROR_MAX = 2000


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    deferred: int = 0
    connections: int = 0
    retry_in: float | None = None  # the SMTP server could not be used: seconds until the next try
    more: bool = False  # stopped at the time budget with messages still due


def classify(exc: BaseException) -> str:
    """Whether an error while sending concerns the server (CONNECTION), or this message for now
    (TEMPORARY) or for good (PERMANENT)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in exc.recipients.values()]
        if 421 in codes:
            return CONNECTION
        return TEMPORARY if codes and all(400 <= code < 500 for code in codes) else PERMANENT
    if isinstance(exc, smtplib.SMTPSenderRefused):
        # The server refuses our From address: every message would fail alike. Keep them queued.
        return CONNECTION
    if isinstance(exc, smtplib.SMTPResponseException):
        if exc.smtp_code == 421 or exc.smtp_code < 400:
            return CONNECTION
        return TEMPORARY if exc.smtp_code < 500 else PERMANENT
    if isinstance(exc, smtplib.SMTPException | OSError):
        # Refused connections, timeouts, a server that hung up.
        return CONNECTION
    return PERMANENT


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
            for code, reply in exc.recipients.values()
        ]
        return f"SMTPRecipientsRefused: {'; '.join(parts)}"[:ERROR_MAX]
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{type(exc).__name__}: {exc.smtp_code} {reply}"[:ERROR_MAX]
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX]


def message_id_header(message: Message, sender: Sender) -> str:
    """The Message-ID: derived from the row, so a copy sent again after a crash carries the same one."""
    domain = parseaddr(sender.from_email)[1].rpartition("@")[2] or "localhost"
    return f"<purna.{message.pk}.{int(message.created_at.timestamp())}@{domain}>"


# --- Claiming ------------------------------------------------------------------------------------------


def _claim(*, message_ids: Collection[int] | None, limit: int, now: dt.datetime) -> tuple[list[Message], uuid.UUID]:
    """Mark up to `limit` due messages "sending" under a new claim token and return them.

    The rows are locked while they are picked (FOR UPDATE SKIP LOCKED on PostgreSQL: two workers take
    different messages) and only rows still queued are switched, so a message is claimed once.
    """
    token = uuid.uuid4()
    with transaction.atomic():
        # Only the channels the outbox sends itself (email); a WhatsApp link is carried by staff.
        due = Message.objects.filter(
            status=MessageStatus.QUEUED, next_attempt_at__lte=now, channel__in=delivered_channels()
        )
        if message_ids is not None:
            due = due.filter(pk__in=message_ids)
        pks = list(
            due.select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if not pks:
            return [], token
        Message.objects.filter(pk__in=pks, status=MessageStatus.QUEUED).update(
            status=MessageStatus.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1
        )
    batch = list(Message.objects.filter(pk__in=pks, claim_token=token).order_by("next_attempt_at", "pk"))
    return batch, token


# --- Recording outcomes --------------------------------------------------------------------------------


def _mine(message: Message, token: uuid.UUID):
    return Message.objects.filter(pk=message.pk, claim_token=token, status=MessageStatus.SENDING)


def _record_sent(message: Message, token: uuid.UUID, rendered: Rendered, from_email: str, message_id: str) -> None:
    _mine(message, token).update(
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
        claim_token=None,
        to_email=message.to_email,
        to_name=message.to_name,
        from_email=from_email,
        message_id=message_id,
        subject=rendered.subject[:300],
        body_text=rendered.text,
        body_html=rendered.html,
        last_error="",
    )


def _record_failed(
    message: Message, token: uuid.UUID, error: str, rendered: Rendered | None = None, from_email: str = ""
) -> None:
    fields: dict[str, Any] = {
        "status": MessageStatus.FAILED,
        "claim_token": None,
        "last_error": error[:ERROR_MAX],
        "to_email": message.to_email,
        "to_name": message.to_name,
    }
    if rendered is not None:
        fields |= {
            "subject": rendered.subject[:300],
            "body_text": rendered.text,
            "body_html": rendered.html,
            "from_email": from_email,
        }
    if _mine(message, token).update(**fields):
        MessageEvent.objects.create(message_id=message.pk, event=MessageEvent.Event.FAILED, detail=error[:ERROR_MAX])


def _record_deferred(message: Message, token: uuid.UUID, error: str, now: dt.datetime, report: SendReport) -> None:
    refusals = message.soft_failures + 1
    if refusals >= conf.get("PURNA_EMAIL_MAX_ATTEMPTS"):
        _record_failed(message, token, error)
        report.failed += 1
        return
    updated = _mine(message, token).update(
        status=MessageStatus.QUEUED,
        claim_token=None,
        soft_failures=refusals,
        next_attempt_at=now + conf.retry_delay(refusals),
        last_error=error[:ERROR_MAX],
        to_email=message.to_email,
    )
    if updated:
        MessageEvent.objects.create(message_id=message.pk, event=MessageEvent.Event.DEFERRED, detail=error[:ERROR_MAX])
    report.deferred += 1


def _requeue(messages: Sequence[Message], token: uuid.UUID, error: str, delay: dt.timedelta) -> None:
    # The server could not be used: these messages were not sent, and their tries are not held against them.
    Message.objects.filter(pk__in=[m.pk for m in messages], claim_token=token, status=MessageStatus.SENDING).update(
        status=MessageStatus.QUEUED,
        claim_token=None,
        next_attempt_at=timezone.now() + delay,
        last_error=error[:ERROR_MAX],
    )


# --- Preparing -----------------------------------------------------------------------------------------


@dataclass
class _Outgoing:
    message: Message
    rendered: Rendered
    email: EmailMultiAlternatives


def _resolve_recipients(messages: Sequence[Message], token: uuid.UUID, report: SendReport) -> list[Message]:
    """Read each recipient's current address from their app; cancel messages to people who cannot
    receive mail any more (the dead, closed accounts, removed records)."""
    by_prefix: dict[str, list[Message]] = {}
    for message in messages:
        by_prefix.setdefault(registry.recipient_key_split(message.recipient_key)[0], []).append(message)
    kept: list[Message] = []
    for prefix, group in by_prefix.items():
        resolver = registry.recipient_resolver(prefix)
        if resolver is None:
            kept.extend(group)
            continue
        found = resolver({registry.recipient_key_split(m.recipient_key)[1] for m in group})
        for message in group:
            recipient = found.get(registry.recipient_key_split(message.recipient_key)[1])
            if recipient is None or not recipient.reachable:
                reason = (recipient.reason if recipient else "") or _("The recipient can no longer receive email.")
                if _mine(message, token).update(
                    status=MessageStatus.CANCELLED, cancel_reason=str(reason)[:300], claim_token=None
                ):
                    report.cancelled += 1
                continue
            message.to_email = recipient.email.strip()
            message.to_name = (recipient.name or message.to_name)[:200]
            kept.append(message)
    return kept


def _address_error(address: str) -> str:
    if not address:
        return _("No email address: add it to the person's record, then send again.")
    try:
        validate_email(address)
    except ValidationError:
        return _("Invalid email address %(address)s: correct it in the person's record, then send again.") % {
            "address": address
        }
    return ""


def _prepare(batch: list[Message], token: uuid.UUID, sender: Sender, report: SendReport) -> list[_Outgoing]:
    """Cancel what is no longer due, resolve addresses, render; return what is ready to send."""
    cancelled = messages_cancel_not_due(batch, only_token=token)
    report.cancelled += len(cancelled)
    messages = _resolve_recipients([m for m in batch if m.pk not in cancelled], token, report)

    ready: list[Message] = []
    for message in messages:
        error = _address_error(message.to_email)
        if registry.kind_get(message.kind) is None:
            error = _("Unknown kind of email: %(kind)s.") % {"kind": message.kind}
        if error:
            _record_failed(message, token, error)
            report.failed += 1
        else:
            ready.append(message)

    by_kind: dict[str, list[Message]] = {}
    for message in ready:
        by_kind.setdefault(message.kind, []).append(message)
    contexts: dict[int, Any] = {}
    failed_kinds: dict[str, str] = {}
    for name, group in by_kind.items():
        kind = registry.kind_get(name)
        if kind is not None and kind.context is not None:
            try:
                # In the emails' language: a context may hold translated text ("Senin ... pukul 09.00").
                with translation.override(email_language()):
                    contexts.update(kind.context(group))
            except Exception as exc:
                logger.exception("Reading the context of %s emails failed", name)
                failed_kinds[name] = _error_text(exc)

    attachments: dict[int, list[MessageAttachment]] = {}
    for attachment in MessageAttachment.objects.filter(message_id__in=[m.pk for m in ready]):
        attachments.setdefault(attachment.message_id, []).append(attachment)

    outgoing: list[_Outgoing] = []
    for message in ready:
        if message.kind in failed_kinds:
            _record_failed(message, token, failed_kinds[message.kind])
            report.failed += 1
            continue
        kind = registry.kind_get(message.kind)
        context = {
            "instansi": sender,
            "recipient_name": message.to_name,
            "recipient_email": message.to_email,
            **message.context,
            **contexts.get(message.pk, {}),
        }
        try:
            rendered = render(kind.template_prefix, context)
            email = EmailMultiAlternatives(
                subject=rendered.subject,
                body=rendered.text,
                from_email=sender.from_email,
                to=[formataddr((message.to_name, message.to_email)) if message.to_name else message.to_email],
                reply_to=sender.reply_to,
                headers={
                    "Message-ID": message_id_header(message, sender),
                    "Auto-Submitted": "auto-generated",
                    "Content-Language": email_language(),
                    "X-Purna-Kind": message.kind,
                },
            )
            email.attach_alternative(rendered.html, "text/html")
            for attachment in attachments.get(message.pk, []):
                with attachment.file.open("rb") as handle:
                    email.attach(attachment.filename, handle.read(), attachment.mimetype)
            if kind.secret:
                # The copy the outbox keeps: staff who read it must not be able to use the secret.
                placeholders = dict.fromkeys(kind.secret, registry.REDACTED)
                rendered = render(kind.template_prefix, {**context, **placeholders})
        except Exception as exc:
            logger.exception("Rendering email %s failed", message.pk)
            _record_failed(message, token, _error_text(exc))
            report.failed += 1
            continue
        outgoing.append(_Outgoing(message, rendered, email))
    return outgoing


# --- Sending -------------------------------------------------------------------------------------------


class _Connection:
    """One SMTP connection for the whole run, opened when the first message is ready."""

    def __init__(self, report: SendReport) -> None:
        self.backend = None
        self.report = report

    def get(self):
        if self.backend is None:
            backend = get_connection(fail_silently=False)
            backend.open()
            self.backend = backend
            self.report.connections += 1
        return self.backend

    def close(self) -> None:
        if self.backend is not None:
            try:
                self.backend.close()
            except Exception:
                logger.debug("Closing the SMTP connection failed", exc_info=True)
            self.backend = None


def _server_unusable(
    rest: list[_Outgoing], token: uuid.UUID, exc: BaseException, connection: _Connection, report: SendReport
) -> bool:
    connection.close()
    error = _error_text(exc)
    delay = conf.retry_delay(rest[0].message.attempts)
    _requeue([item.message for item in rest], token, error, delay)
    report.retry_in = delay.total_seconds()
    logger.warning("SMTP server unusable (%s); %d emails requeued", error, len(rest))
    return False


def _send_batch(
    outgoing: list[_Outgoing], token: uuid.UUID, sender: Sender, connection: _Connection, report: SendReport
) -> bool:
    """Send the prepared messages; False when the server could not be used (the rest was requeued)."""
    # A slow server must not keep claimed messages past the sweep's timeout: the sweep would queue them
    # again while this run still holds them, and they would go out twice. Past half of it, the rest of
    # the batch is released (it was not sent) and claimed afresh; each batch sends at least one.
    release_after = time.monotonic() + conf.sending_timeout().total_seconds() / 2
    for index, item in enumerate(outgoing):
        if index and time.monotonic() > release_after:
            _requeue([o.message for o in outgoing[index:]], token, item.message.last_error, dt.timedelta(0))
            return True
        try:
            backend = connection.get()
        except Exception as exc:
            # Any error while connecting (refused, timeout, TLS, login) concerns the server, not the message.
            return _server_unusable(outgoing[index:], token, exc, connection, report)
        try:
            backend.send_messages([item.email])
        except Exception as exc:
            outcome = classify(exc)
            if outcome == CONNECTION:
                return _server_unusable(outgoing[index:], token, exc, connection, report)
            if outcome == TEMPORARY:
                _record_deferred(item.message, token, _error_text(exc), timezone.now(), report)
            else:
                _record_failed(item.message, token, _error_text(exc), item.rendered, sender.from_email)
                report.failed += 1
            continue
        _record_sent(item.message, token, item.rendered, sender.from_email, item.email.extra_headers["Message-ID"])
        report.sent += 1
    return True


def messages_send(
    *,
    message_ids: Collection[int] | None = None,
    batch_size: int | None = None,
    budget_seconds: float | None = None,
) -> SendReport:
    """Send due messages (all of them, or only `message_ids`) in batches over one SMTP connection.

    Stops when nothing is due, when the SMTP server cannot be used (report.retry_in), or after
    `budget_seconds` (report.more: the caller schedules the rest).
    """
    batch_size = batch_size or conf.get("PURNA_EMAIL_BATCH_SIZE")
    budget = conf.get("PURNA_EMAIL_TASK_SECONDS") if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    report = SendReport()
    connection = _Connection(report)
    sender: Sender | None = None
    try:
        while True:
            batch, token = _claim(message_ids=message_ids, limit=batch_size, now=timezone.now())
            if not batch:
                break
            sender = sender or sender_load()
            outgoing = _prepare(batch, token, sender, report)
            if outgoing and not _send_batch(outgoing, token, sender, connection, report):
                break
            if time.monotonic() > deadline:
                report.more = Message.objects.filter(
                    status=MessageStatus.QUEUED, next_attempt_at__lte=timezone.now()
                ).exists()
                break
    finally:
        connection.close()
    return report
