"""`manage.py restore ARCHIVE [--force]` (`make restore FILE=...`): a backup of `manage.py backup` into
this instance's database and folders, which must be empty unless --force (purna/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from purna.backup import BackupError, backup_restore


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Restore a backup made by 'manage.py backup' into an empty database and empty media and private "
            "folders. Every checksum is verified first. Stop the web server, the worker and beat before."
        )

    def add_arguments(self, parser):
        parser.add_argument("archive", help=_("The backup archive (purna-backup-....tar.gz)."))
        parser.add_argument(
            "--force",
            action="store_true",
            help=_("Replace a database that has tables and folders that have files (everything in them is lost)."),
        )

    def handle(self, *args, archive: str, force: bool, **options):
        # Our own connection would hold the database the restore drops and fills.
        connection.close()
        try:
            result = backup_restore(
                archive=Path(archive),
                database=connection.settings_dict,
                folders={"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)},
                force=force,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Restored the backup of %(created)s: %(tables)d tables, %(files)d files.")
                % {"created": result.created_at, "tables": result.tables, "files": result.files}
            )
        )
        # The restored database against this code's migrations (what `migrate --check` compares).
        executor = MigrationExecutor(connection)
        unknown = sorted(
            f"{app}.{name}" for app, name in set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes)
        )
        if unknown:
            self.stderr.write(
                _(
                    "The backup has migrations this version of Purna does not know (%(names)s): run the version it came from."
                )
                % {"names": ", ".join(unknown[:5])}
            )
        elif executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write(_("This version of Purna is newer than the backup: run 'manage.py migrate' now."))
        connection.close()
