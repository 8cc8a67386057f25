"""The choices of the payouts (benefits, statuses, payment methods), apart from the models so that the pure
rules (benefits/payouts.py) can name them without importing the models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BenefitType(models.TextChoices):
    THT = "tht", _("THT (Taspen)")
    TALI_ASIH = "tali_asih", _("KORPRI tali asih")


class PayoutStatus(models.TextChoices):
    DRAFT = "draf", _("Draft")
    VERIFIED = "diverifikasi", _("Verified")
    APPROVED = "disetujui", _("Approved")
    PAID = "dibayar", _("Paid")
    CANCELLED = "dibatalkan", _("Cancelled")
    REVERSED = "dikoreksi", _("Reversed (corrected)")


class PaymentMethod(models.TextChoices):
    CASH_AT_EVENT = "tunai_acara", _("Cash at a ceremony")
    BANK_TRANSFER = "transfer", _("Bank transfer")
