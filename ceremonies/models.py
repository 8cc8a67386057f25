from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """A farewell ceremony (pelepasan purna tugas) or a pre-retirement training (pelatihan)."""

    class Kind(models.TextChoices):
        FAREWELL = "pelepasan", _("Purna tugas farewell")
        TRAINING = "pelatihan", _("Purna tugas preparation training")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("event name"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    venue = models.CharField(_("venue"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title
