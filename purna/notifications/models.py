"""The outbox: every email Purna sends is a Message row, created before it is sent and kept after.

A message names what it is about by content type and id (this app imports none of the apps that use
it), who it is for by a recipient key ("employee:12", "user:3", "email:a@b.go.id") that the kind's app
resolves to an address when sending, and the occasion it is for ("tmt-2027-06-01-m12"). The database
refuses a second message of the same kind for the same recipient and occasion: that constraint, not
the care of the callers, is what makes every reminder go out once.
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.functional import LazyObject
from django.utils.translation import gettext_lazy as _

from purna.notifications.channels import Channel


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Message(models.Model):
    """One email: planned, then sent (or failed, or cancelled), with the text as it was sent."""

    kind = models.CharField(_("kind"), max_length=80)
    # How it reached the person (purna/notifications/channels.py): sent by the outbox as email, or by
    # staff from their phone through a WhatsApp link (recorded when they opened or copied it).
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    recipient_key = models.CharField(_("recipient key"), max_length=120)
    occasion = models.CharField(_("occasion"), max_length=120)
    to_email = models.CharField(_("email address"), max_length=254, blank=True)
    to_name = models.CharField(_("recipient"), max_length=200, blank=True)
    to_phone = models.CharField(_("phone number"), max_length=20, blank=True)

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("about (type)"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("about (id)"), null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")
    about_label = models.CharField(_("about"), max_length=200, blank=True)
    # Plain values from the planner (dates as ISO strings); the rest of the context is read when sending.
    context = models.JSONField(_("context"), default=dict, blank=True)

    planned_at = models.DateTimeField(_("planned for"))
    status = models.CharField(_("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED)
    # The sender takes queued messages whose next attempt is due: the plan at first, later the backoff.
    next_attempt_at = models.DateTimeField(_("next attempt"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Temporary refusals of this message by the SMTP server (4xx); past PURNA_EMAIL_MAX_ATTEMPTS it fails.
    soft_failures = models.PositiveSmallIntegerField(_("temporary refusals"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    # The message as sent (or as last tried), rendered when sending.
    message_id = models.CharField(_("Message-ID"), max_length=200, blank=True)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("queued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ["-planned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "recipient_key", "occasion"], name="message_once_per_occasion"),
            models.CheckConstraint(
                condition=~Q(status=MessageStatus.SENT) | Q(sent_at__isnull=False), name="message_sent_has_time"
            ),
        ]
        indexes = [
            # The sender's question: which queued messages are due now (and the sweep's: which are stuck).
            models.Index(
                fields=["status", "next_attempt_at"],
                name="message_pending",
                condition=Q(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING]),
            ),
            models.Index(fields=["planned_at", "id"], name="message_planned"),
            models.Index(fields=["status", "planned_at"], name="message_status_planned"),
            models.Index(fields=["kind", "planned_at"], name="message_kind_planned"),
            models.Index(fields=["content_type", "object_id"], name="message_about"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} -> {self.to_name or self.recipient_key} ({self.occasion})"

    @property
    def can_retry(self) -> bool:
        return self.status == MessageStatus.FAILED

    @property
    def is_queued(self) -> bool:
        return self.status == MessageStatus.QUEUED

    @property
    def is_sending(self) -> bool:
        return self.status == MessageStatus.SENDING

    @property
    def is_sent(self) -> bool:
        return self.status == MessageStatus.SENT

    @property
    def is_failed(self) -> bool:
        return self.status == MessageStatus.FAILED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MessageStatus.CANCELLED

    @property
    def can_cancel(self) -> bool:
        return self.status in (MessageStatus.QUEUED, MessageStatus.FAILED)


class _PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


_private_storage = _PrivateStorage()


def private_storage():
    # Attachments (receipts, certificates) carry personal data: never under MEDIA_URL.
    return _private_storage


def _attachment_path(instance: "MessageAttachment", filename: str) -> str:
    return f"notifications/{uuid.uuid4().hex}/{filename}"


class MessageAttachment(models.Model):
    """A file a message carried (a receipt, a certificate), kept as it was sent."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("file name"), max_length=200)
    mimetype = models.CharField(_("content type"), max_length=100)
    file = models.FileField(_("file"), storage=private_storage, upload_to=_attachment_path, max_length=300)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class MessageEvent(models.Model):
    """Something that happened to a message besides the plain queued -> sent: a refusal, a staff action."""

    class Event(models.TextChoices):
        DEFERRED = "deferred", _("Temporarily refused, will retry")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        RETRY = "retry", _("Send again requested")
        REQUEUED = "requeued", _("Requeued after an interrupted send")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    detail = models.TextField(_("detail"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("email event")
        verbose_name_plural = _("email events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_event_display()}: {self.detail}"
