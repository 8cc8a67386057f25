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
