from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = _("THT & tali asih")

    def ready(self) -> None:
        # The ceremony's report lists what was handed over at it; ceremonies asks, benefits answers.
        from benefits.handover import handover_report_rows, handover_report_version
        from ceremonies.documents import handover_provider_register, handover_version_register

        handover_provider_register(handover_report_rows)
        handover_version_register(handover_report_version)

        # The dashboard's count of retirees without tali asih is cached until the register or a payout
        # changes (employees/counts.py).
        from django.db.models.signals import post_delete, post_save

        from benefits.models import Payout
        from employees.counts import register_signal_receiver

        post_save.connect(register_signal_receiver, sender=Payout, dispatch_uid="counts-Payout-save")
        post_delete.connect(register_signal_receiver, sender=Payout, dispatch_uid="counts-Payout-del")
