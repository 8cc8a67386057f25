from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TwoFactorConfig(AppConfig):
    default = True
    name = "purna.two_factor"
    label = "two_factor"
    verbose_name = _("Two-factor sign-in")

    def ready(self) -> None:
        # Connects the sign-in receivers (axes failures reset after a complete sign-in).
        import purna.two_factor.receivers  # noqa: F401


class TwoFactorAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose default site (`admin.site`) also requires a verified second factor."""

    default = False
    default_site = "purna.two_factor.admin_site.TwoFactorAdminSite"
