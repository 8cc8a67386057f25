"""`manage.py backup [--output-dir DIR]` (`make backup`): one archive of the database, the media and the
private files, with a manifest of checksums (purna/backup.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from purna.backup import BackupError, backup_create


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property: argparse needs a real str, in the language active when it runs.
        return _(
            "Back up the database (PostgreSQL: pg_dump; SQLite: a consistent copy while the site runs), the media "
            "and the private files into one timestamped archive with a manifest of checksums."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(settings.VAR_DIR / "backups"),
            help=_("Folder the archive is written to (default: var/backups)."),
        )

    def handle(self, *args, output_dir: str, **options):
        try:
            result = backup_create(
                database=connection.settings_dict,
                folders={"media": Path(settings.MEDIA_ROOT), "private": Path(settings.PRIVATE_MEDIA_ROOT)},
                output_dir=Path(output_dir),
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(path)s (%(files)d files, %(size).1f MB).")
                % {"path": result.path, "files": result.files, "size": result.size / 1e6}
            )
        )
