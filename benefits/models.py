from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TaliAsihScheme(models.Model):
    """A KORPRI branch's decision on tali asih amounts, valid for a period (DESIGN.md, KORPRI tali asih)."""

    name = models.CharField(_("scheme name"), max_length=200)
    decision_number = models.CharField(_("decision number"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    amount = models.DecimalField(_("amount (Rp)"), max_digits=14, decimal_places=2)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tali asih scheme")
        verbose_name_plural = _("tali asih schemes")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name
