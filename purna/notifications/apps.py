from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "purna.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from purna.notifications import registry

        # Apps register their kinds in a `notifications.py` module of their own, found like admin.py.
        registry.autodiscover()
