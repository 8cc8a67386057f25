import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from purna.jobs import ProgressJob


class User(AbstractUser):
    """A person who signs in: BKD/BKPSDM staff (by role group) or a retiree (linked to an employee)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")


class AccountChange(models.Model):
    """One change to an account's roles, permissions, admin flags, staff scope, active flag or password
    (purna/accounts.py): who made it, when and what changed. Never a password or its hash."""

    # The trace outlives the account: the name is kept when the account is deleted.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="account_changes",
    )
    account_name = models.CharField(_("user name"), max_length=150)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    # {"roles": {"added": [...], "removed": [...]}, "is_active": [before, after], "password": "changed", ...}
    changes = models.JSONField(_("changes"))

    class Meta:
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account_name} {self.at:%Y-%m-%d %H:%M}"


class Instansi(models.Model):
    """The agency running this deployment: its name and logo appear on every page and document.

    A singleton (pk is always 1), edited in the Django admin.
    """

    name = models.CharField(_("agency name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    region = models.CharField(_("regional government"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    logo = models.ImageField(_("logo"), upload_to="instansi/", blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        permissions = [("view_dashboard", _("Can view dashboard"))]
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="instansi_singleton")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)


class DocumentCounter(models.Model):
    """The last sequence number given to a kind of document in a year (purna/numbering.py): one row per
    kind and year, locked while a number is taken, so that numbers are gap-free and never given twice."""

    kind = models.CharField(_("document kind"), max_length=50)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="documentcounter_once_per_kind_year")]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"


class GeneratedDocumentStatus(models.TextChoices):
    PENDING = "menunggu", _("queued")
    RUNNING = "berjalan", _("being made")
    DONE = "selesai", _("ready")
    FAILED = "gagal", _("failed")


def _generated_document_storage():
    # Looked up when used (purna/storage.py): migrations do not freeze a path that comes from settings.
    from purna.storage import private_storage

    return private_storage()


# The start of a generated document's error when the disk was full: its page says so plainly.
DISK_FULL_MARK = "disk full: "


class GeneratedDocument(ProgressJob):
    """A document or export made in the background (purna/generated.py): what it is (`kind`, the dotted
    path of its DocumentKind, and `params`), the state of the data it was made from (`fingerprint`), its
    progress and, once made, its file in private storage. One row per kind, parameters and data state:
    a second request for the same document while the data is unchanged finds it instead of making it
    again (the unique constraint holds that when two requests come at once)."""

    kind = models.CharField(_("kind"), max_length=200)
    # sha256 of the kind and its parameters (JSON, keys sorted): what is asked for, whoever asks.
    key = models.CharField(_("key"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict)
    fingerprint = models.CharField(_("data fingerprint"), max_length=64)
    # The progress fields (status, done, total, requested_by, started_at, finished_at, error) are the shared
    # job's (purna/jobs.py); its status words are the document's own.
    Status = GeneratedDocumentStatus
    status = models.CharField(
        _("status"), max_length=10, choices=GeneratedDocumentStatus.choices, default=GeneratedDocumentStatus.PENDING
    )
    file = models.FileField(_("file"), upload_to="dokumen/", storage=_generated_document_storage, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Moved on with every change of state or progress: a job that stops moving belongs to a dead worker.
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key", "fingerprint"], name="generateddocument_once_per_data")
        ]
        indexes = [models.Index(fields=["kind", "key"], name="generateddocument_kind_key")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == GeneratedDocumentStatus.DONE and bool(self.file)

    @property
    def failed_for_full_disk(self) -> bool:
        """It failed because the disk was full (purna/generated.py marks the error so)."""
        return self.is_failed and self.error.startswith(DISK_FULL_MARK)

    @property
    def is_stuck(self) -> bool:
        """Queued or being made, yet unchanged for longer than a task may run: its worker died, or the
        broker lost it. Shown as failed, with the button to try again."""
        if self.status not in (GeneratedDocumentStatus.PENDING, GeneratedDocumentStatus.RUNNING):
            return False
        limit = getattr(settings, "CELERY_TASK_TIME_LIMIT", None) or 30 * 60
        return timezone.now() - self.changed_at > dt.timedelta(seconds=limit + 60)

    @property
    def is_failed(self) -> bool:
        return self.status == GeneratedDocumentStatus.FAILED or self.is_stuck
