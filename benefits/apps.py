from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "benefits"
    verbose_name = _("THT & tali asih")

    def ready(self) -> None:
        from benefits import checks  # noqa: F401
