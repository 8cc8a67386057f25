from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from purna.models import User


class RolePolicy(models.Model):
    """Whether a role (a Django group, purna/roles.py) needs a second factor to sign in.

    A role without a row needs one: new roles are safe until a superuser says otherwise. Accounts that can
    reach the Django admin always need one, whatever their roles (policy.py).
    """

    group = models.OneToOneField(
        Group, on_delete=models.CASCADE, primary_key=True, related_name="two_factor_policy", verbose_name=_("role")
    )
    two_factor_required = models.BooleanField(
        _("requires two-factor sign-in"),
        default=True,
        help_text=_("Members of this role give a code from their authenticator app after their password."),
    )

    class Meta:
        verbose_name = _("role sign-in policy")
        verbose_name_plural = _("role sign-in policies")

    def __str__(self) -> str:
        return self.group.name


class TwoFactorEvent(models.Model):
    """A trace of what happened to an account's second factor, and who did it."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
        RESET = "reset", _("reset by an administrator")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="two_factor_events", verbose_name=_("account")
    )
    kind = models.CharField(_("what happened"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("two-factor event")
        verbose_name_plural = _("two-factor events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class TwoFactorAccount(User):
    """The accounts as the two-factor admin page lists them (a proxy: no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = _("two-factor account")
        verbose_name_plural = _("two-factor accounts")
