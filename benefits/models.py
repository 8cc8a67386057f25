from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TaliAsihScheme(models.Model):
    """A KORPRI branch's decision on tali asih amounts, valid for a period (DESIGN.md, KORPRI tali asih)."""

    name = models.CharField(_("nama skema"), max_length=200)
    decision_number = models.CharField(_("nomor keputusan"), max_length=100)
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    amount = models.DecimalField(_("besaran (Rp)"), max_digits=14, decimal_places=2)
    notes = models.TextField(_("keterangan"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("skema tali asih")
        verbose_name_plural = _("skema tali asih")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name
