"""`manage.py import_employees FILE [--dry-run] [--user USERNAME]`: the import page's importer, from a shell."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from employees import importer
from employees.services.imports import import_job_create, import_job_run
from purna.spreadsheets import ImportFileError


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property: argparse needs a real str, in the language active when it runs.
        return _(
            "Import employees from a CSV or XLSX file, all or nothing, as the import page does. Prints the "
            "counts and every error; exits with status 1 if the file has errors."
        )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The CSV or XLSX file."))
        parser.add_argument("--dry-run", action="store_true", help=_("Check the file and count; save nothing."))
        parser.add_argument("--user", help=_("Record the import in the history as this user's change."))

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options):
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(_("No user is named %(username)s.") % {"username": user}) from exc
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("%(file)s is not a file.") % {"file": file})
        try:
            with path.open("rb") as stream:
                job = import_job_create(actor=actor, file=File(stream, name=path.name), dry_run=dry_run, schedule=False)
        except ImportFileError as exc:
            raise CommandError(exc.message, returncode=1) from exc
        job = import_job_run(job_id=job.pk)

        stored = importer.unpack(job.errors)
        for notice in stored.notices:
            self.stdout.write(notice)
        counts = {
            "rows": job.total_rows,
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
        }
        if stored.error_count:
            for error in stored.errors:
                self.stderr.write(_error_line(error))
            if stored.error_count > len(stored.errors):
                self.stderr.write(
                    _("... and %(more)d more errors.") % {"more": stored.error_count - len(stored.errors)}
                )
            raise CommandError(
                _("%(count)d errors in %(rows)d rows: nothing was saved.")
                % {"count": stored.error_count, "rows": job.total_rows},
                returncode=1,
            )
        if dry_run:
            message = _(
                "Dry run of %(rows)d rows, nothing saved: %(created)d would be created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
        else:
            message = _("Imported %(rows)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        self.stdout.write(self.style.SUCCESS(message % counts))


def _error_line(error: dict) -> str:
    if error.get("row") is None:
        return error["message"]
    where = _("Row %(row)d") % {"row": error["row"]}
    if error.get("column"):
        where += ", " + (_("column %(column)s") % {"column": error["column"]})
    if error.get("cell"):
        where += f" ({error['cell']})"
    return f"{where}: {error['message']}"
