"""The outbox's write path: queue, cancel, send again, plan, replan, sweep.

Messages are created inside the caller's transaction (a business action and its email commit or roll
back together) and handed to Celery only after the commit. If the broker is down at that moment the
business action still succeeds: the message stays queued and the sweep (every minute, from Celery beat)
hands it over when the broker is back. Sending itself is in purna/notifications/delivery.py.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from purna.dispatch import task_dispatch
from purna.notifications import conf, registry
from purna.notifications.channels import Channel
from purna.notifications.exceptions import NotificationError
from purna.notifications.models import Message, MessageAttachment, MessageEvent, MessageStatus
from purna.types import User

logger = logging.getLogger(__name__)

BULK_BATCH = 2000
PENDING = (MessageStatus.QUEUED, MessageStatus.SENDING)


@dataclass(frozen=True)
class AttachmentDraft:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


# --- Handing over to Celery ----------------------------------------------------------------------------


def _dispatch(task_name: str, *args: Any) -> bool:
    """Send a task to the email queue now; False (logged) when the broker cannot be reached.

    No publish retries: a broker that is down must not hold up the request that queued the email, and
    the sweep hands the message over a minute later anyway (purna/dispatch.py bounds the attempt in time).
    """
    from purna.notifications import tasks

    return task_dispatch(getattr(tasks, task_name), args=args, queue=conf.email_queue())


def send_after_commit(message_ids: Sequence[int] | None = None) -> None:
    """After the current transaction commits, send these messages (or, with None, whatever is due)."""
    if message_ids is not None and len(message_ids) == 1:
        transaction.on_commit(lambda: _dispatch("message_send_task", message_ids[0]), robust=True)
    else:
        transaction.on_commit(lambda: _dispatch("messages_send_due_task"), robust=True)


# --- Queueing ------------------------------------------------------------------------------------------


def _content_type_id(model: str) -> int | None:
    if not model:
        return None
    return ContentType.objects.get_for_model(apps.get_model(model)).pk


def _kind_check(kind: str) -> registry.Kind:
    found = registry.kind_get(kind)
    if found is None:
        raise NotificationError(_("Unknown kind of email: %(kind)s.") % {"kind": kind})
    return found


def message_queue(
    *,
    kind: str,
    recipient_key: str,
    occasion: str,
    to_email: str = "",
    to_name: str = "",
    about: models.Model | None = None,
    about_label: str = "",
    context: dict[str, Any] | None = None,
    planned_at: dt.datetime | None = None,
    attachments: Sequence[AttachmentDraft] = (),
    actor: User | None = None,
    send_now: bool = True,
) -> tuple[Message, bool]:
    """Queue one email, once: (message, created). The same kind, recipient and occasion again returns
    the existing message (whatever its status) and queues nothing.

    Call it inside the business transaction; the message goes to Celery after the commit (or, if
    `planned_at` is in the future, when the sender finds it due). A caller queueing many messages at
    once passes `send_now=False` and calls `send_after_commit()` once: one task sends them all over one
    SMTP connection, instead of a task (and a broker connection) per message.
    """
    _kind_check(kind)
    now = timezone.now()
    planned_at = planned_at or now
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            kind=kind,
            recipient_key=recipient_key,
            occasion=occasion,
            defaults={
                "to_email": to_email.strip(),
                "to_name": to_name[:200],
                "content_type": ContentType.objects.get_for_model(about) if about is not None else None,
                "object_id": about.pk if about is not None else None,
                "about_label": (about_label or (str(about) if about is not None else ""))[:200],
                "context": context or {},
                "planned_at": planned_at,
                "next_attempt_at": planned_at,
                "created_by": actor,
            },
        )
        if created:
            for attachment in attachments:
                MessageAttachment.objects.create(
                    message=message,
                    filename=attachment.filename,
                    mimetype=attachment.mimetype,
                    size=len(attachment.content),
                    file=ContentFile(attachment.content, name=attachment.filename),
                )
            if planned_at <= now and send_now:
                send_after_commit([message.pk])
    return message, created


def message_record_by_staff(
    *,
    kind: str,
    recipient_key: str,
    to_name: str,
    to_phone: str,
    about: models.Model | None,
    text: str,
    actor: User,
    channel: str = Channel.WHATSAPP_LINK,
) -> Message:
    """Record a message staff sent themselves (a WhatsApp link they opened or copied) so that the
    history shows it: a Message already "sent", on its channel, with the text as it was handed over
    (its personal link blanked out, as for emails) and who handed it over. Each opening is a row."""
    _kind_check(kind)
    now = timezone.now()
    return Message.objects.create(
        kind=kind,
        channel=channel,
        recipient_key=recipient_key,
        occasion=f"{channel}:{uuid.uuid4().hex}",
        to_name=to_name[:200],
        to_phone=to_phone[:20],
        content_type=ContentType.objects.get_for_model(about) if about is not None else None,
        object_id=about.pk if about is not None else None,
        about_label=(str(about) if about is not None else "")[:200],
        planned_at=now,
        next_attempt_at=now,
        status=MessageStatus.SENT,
        sent_at=now,
        body_text=text,
        created_by=actor,
    )


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def messages_queue(
    drafts: Iterable[registry.Draft], *, actor: User | None = None, now: dt.datetime | None = None
) -> int:
    """Queue many drafts at once (planning at scale); returns how many were new.

    Drafts whose (kind, recipient, occasion) already exist are left out before inserting, and the
    insert ignores conflicts, so two plans running at once still create each message once. Nothing is
    sent from here: the caller hands the batch sender the new messages after its commit.
    """
    now = now or timezone.now()
    content_types: dict[str, int | None] = {}
    created = 0
    for batch in _batched(drafts, BULK_BATCH):
        keys = {(d.kind, d.recipient_key, d.occasion) for d in batch}
        existing = set(
            Message.objects.filter(
                kind__in={k for k, _r, _o in keys},
                occasion__in={o for _k, _r, o in keys},
                recipient_key__in={r for _k, r, _o in keys},
            ).values_list("kind", "recipient_key", "occasion")
        )
        rows = []
        for draft in batch:
            key = (draft.kind, draft.recipient_key, draft.occasion)
            if key in existing:
                continue
            existing.add(key)  # a planner may yield the same draft twice
            if draft.about_model not in content_types:
                content_types[draft.about_model] = _content_type_id(draft.about_model)
            planned_at = draft.planned_at or now
            rows.append(
                Message(
                    kind=draft.kind,
                    recipient_key=draft.recipient_key,
                    occasion=draft.occasion,
                    to_email=draft.to_email.strip(),
                    to_name=draft.to_name[:200],
                    content_type_id=content_types[draft.about_model],
                    object_id=draft.about_id,
                    about_label=draft.about_label[:200],
                    context=dict(draft.context),
                    planned_at=planned_at,
                    next_attempt_at=planned_at,
                    created_by=actor,
                )
            )
        Message.objects.bulk_create(rows, ignore_conflicts=True)
        created += len(rows)
    return created


# --- Staff actions -------------------------------------------------------------------------------------


def message_cancel(*, message: Message, actor: User | None, reason: str = "") -> Message:
    """Cancel a queued or failed message: it will not be sent. Raises NotificationError otherwise."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if not locked.can_cancel:
            raise NotificationError(
                _('An email that is "%(status)s" cannot be cancelled.') % {"status": locked.get_status_display()}
            )
        reason = reason.strip()[:300] or _("Cancelled by staff.")
        locked.status = MessageStatus.CANCELLED
        locked.cancel_reason = reason
        locked.claim_token = None
        locked.save(update_fields=["status", "cancel_reason", "claim_token"])
        MessageEvent.objects.create(message=locked, event=MessageEvent.Event.CANCELLED, detail=reason, actor=actor)
    return locked


def message_retry(*, message: Message, actor: User | None) -> Message:
    """Send a failed message again (e.g. after its address was corrected): queued, due now, counters
    reset. The address is read again when sending. Raises NotificationError unless it failed."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if not locked.can_retry:
            raise NotificationError(
                _('Only a failed email can be sent again; this one is "%(status)s".')
                % {"status": locked.get_status_display()}
            )
        now = timezone.now()
        locked.status = MessageStatus.QUEUED
        locked.next_attempt_at = now
        locked.soft_failures = 0
        locked.claim_token = None
        locked.save(update_fields=["status", "next_attempt_at", "soft_failures", "claim_token"])
        MessageEvent.objects.create(
            message=locked, event=MessageEvent.Event.RETRY, detail=locked.last_error, actor=actor
        )
        send_after_commit([locked.pk])
    return locked


# --- Planning ------------------------------------------------------------------------------------------


@dataclass
class PlanReport:
    created: dict[str, int] = field(default_factory=dict)
    cancelled: int = 0
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def created_total(self) -> int:
        return sum(self.created.values())


def messages_cancel_not_due(messages: Sequence[Message], *, only_token: Any = None) -> set[int]:
    """Cancel the messages whose kind says they are no longer due; returns their ids.

    Asks each kind's `still_due` once for all its messages. With `only_token`, only rows still claimed
    with that token are touched (the sender's batch).
    """
    by_kind: dict[str, list[Message]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    cancelled: set[int] = set()
    for name, group in by_kind.items():
        kind = registry.kind_get(name)
        if kind is None or kind.still_due is None:
            continue
        for message_id, reason in kind.still_due(group).items():
            rows = Message.objects.filter(pk=message_id, status__in=PENDING)
            if only_token is not None:
                rows = rows.filter(claim_token=only_token)
            if rows.update(status=MessageStatus.CANCELLED, cancel_reason=str(reason)[:300], claim_token=None):
                cancelled.add(message_id)
    return cancelled


def _queued_cancel_stale(queryset: models.QuerySet[Message]) -> int:
    # Ids first, rows by chunks: the rows are updated while they are read.
    ids = list(queryset.filter(status=MessageStatus.QUEUED).order_by("pk").values_list("pk", flat=True))
    cancelled = 0
    for chunk in _batched(ids, 1000):
        cancelled += len(messages_cancel_not_due(list(Message.objects.filter(pk__in=chunk))))
    return cancelled


def _plan_kinds(
    selected: Iterable[registry.Kind], request: registry.PlanRequest, report: PlanReport, scope: dict[str, Any]
) -> None:
    for kind in selected:
        try:
            with transaction.atomic():
                report.cancelled += _queued_cancel_stale(Message.objects.filter(kind=kind.name, **scope))
                if kind.plan is not None:
                    report.created[kind.name] = messages_queue(kind.plan(request), now=request.now)
        except Exception as exc:
            # One kind's bug must not stop the others' reminders; the error is logged and reported.
            logger.exception("Planning the %s emails failed", kind.name)
            report.errors[kind.name] = repr(exc)


def reminders_plan(*, today: dt.date | None = None, now: dt.datetime | None = None) -> PlanReport:
    """The daily plan: cancel queued messages no longer due, queue the reminders due today (each once),
    then hand the batch sender what is due. Safe to run any number of times a day."""
    now = now or timezone.now()
    request = registry.PlanRequest(today=today or timezone.localdate(now), now=now)
    report = PlanReport()
    _plan_kinds(registry.kinds(), request, report, {})
    send_after_commit()
    return report


def reminders_replan(
    *, model: str | type[models.Model], object_ids: Collection[int], today: dt.date | None = None
) -> PlanReport:
    """Recompute the reminders about some objects after a date or a status changed.

    Queued messages about them that are no longer due are cancelled, and reminders now due are queued
    (each kind about `model` runs its planning function restricted to `object_ids`).
    """
    label = model if isinstance(model, str) else model._meta.label_lower
    label = label.lower()
    now = timezone.now()
    request = registry.PlanRequest(today=today or timezone.localdate(now), now=now, object_ids=frozenset(object_ids))
    report = PlanReport()
    content_type_id = _content_type_id(label)
    selected = [kind for kind in registry.kinds() if kind.model.lower() == label]
    _plan_kinds(selected, request, report, {"content_type_id": content_type_id, "object_id__in": list(object_ids)})
    send_after_commit()
    return report


def reminders_replan_later(*, model: str | type[models.Model], object_ids: Collection[int]) -> None:
    """After the current transaction commits, replan the reminders about these objects in the worker.

    What apps call from their services when a retirement date, an event date or a status changes. If
    the broker is down the replan is skipped: the daily plan and the check made before every send
    (still_due) keep the emails right, only later.
    """
    label = model if isinstance(model, str) else model._meta.label_lower
    ids = sorted(object_ids)
    transaction.on_commit(lambda: _dispatch("reminders_replan_task", label, ids), robust=True)


# --- Sweep ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepReport:
    requeued: int
    due: int
    dispatched: bool


def outbox_sweep(*, now: dt.datetime | None = None, stale_after: dt.timedelta | None = None) -> SweepReport:
    """Recover what a crash or a broker outage left behind, then hand due messages to the sender.

    A message still "sending" long after its send began belongs to a worker that died (killed, out of
    memory, machine lost): it is queued again. The SMTP server may have accepted it before the worker
    died, so this is where a message can go out a second time, never a third (see delivery.py).
    """
    now = now or timezone.now()
    stale_after = conf.sending_timeout() if stale_after is None else stale_after
    with transaction.atomic():
        stale = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.SENDING, claimed_at__lte=now - stale_after)
            .values_list("pk", flat=True)
        )
        if stale:
            Message.objects.filter(pk__in=stale, status=MessageStatus.SENDING).update(
                status=MessageStatus.QUEUED, claim_token=None, next_attempt_at=now
            )
            MessageEvent.objects.bulk_create(
                [
                    MessageEvent(
                        message_id=pk,
                        event=MessageEvent.Event.REQUEUED,
                        detail=_("The send was interrupted; the email may have been delivered already."),
                    )
                    for pk in stale
                ]
            )
    due = Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now).count()
    dispatched = _dispatch("messages_send_due_task") if due else False
    return SweepReport(requeued=len(stale), due=due, dispatched=dispatched)
