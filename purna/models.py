from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
