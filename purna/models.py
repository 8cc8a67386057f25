from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: BKD/BKPSDM staff (by role group) or a retiree (linked to an employee)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class Instansi(models.Model):
    """The agency running this deployment: its name and logo appear on every page and document.

    A singleton (pk is always 1), edited in the Django admin.
    """

    name = models.CharField(_("nama instansi"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=50, blank=True)
    region = models.CharField(_("pemerintah daerah"), max_length=200, blank=True)
    address = models.TextField(_("alamat"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telepon"), max_length=50, blank=True)
    logo = models.ImageField(_("logo"), upload_to="instansi/", blank=True)

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        permissions = [("view_dashboard", _("Dapat melihat dasbor"))]
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="instansi_singleton")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)
