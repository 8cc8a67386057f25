from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PurnaConfig(AppConfig):
    name = "purna"
    verbose_name = _("Users and agency")

    def ready(self) -> None:
        # Imported for its @checks.register side effect.
        import purna.checks

        # Imported for its receiver: the cached agency of the page header is dropped when the row changes.
        import purna.context_processors  # noqa: F401
        from purna.roles import roles_sync

        # Groups must follow the permissions of apps added later, so they are synced after every migrate.
        post_migrate.connect(lambda **kwargs: roles_sync(), dispatch_uid="purna.roles_sync", weak=False)
