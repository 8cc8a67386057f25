from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A farewell ceremony (pelepasan purna tugas) or a pre-retirement training (pelatihan)."""

    class Kind(models.TextChoices):
        FAREWELL = "pelepasan", _("Pelepasan purna tugas")
        TRAINING = "pelatihan", _("Pelatihan persiapan purna tugas")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("nama acara"), max_length=200)
    starts_at = models.DateTimeField(_("waktu mulai"))
    venue = models.CharField(_("tempat"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)

    class Meta:
        verbose_name = _("acara")
        verbose_name_plural = _("acara")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title
