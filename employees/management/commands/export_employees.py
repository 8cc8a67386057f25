"""`manage.py export_employees --format csv|xlsx [--output FILE]`: the register with its computed columns."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from employees import exporter
from employees.models import Employee


class Command(BaseCommand):
    @property
    def help(self) -> str:
        # A property: argparse needs a real str, in the language active when it runs.
        return _(
            "Export the whole employee register, with BUP, TMT pensiun and masa kerja, in the columns of the "
            "page's export (which the import reads back)."
        )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
        parser.add_argument(
            "--output", help=_("The file to write (default: pegawai-<date>.<format>; '-' writes CSV to stdout).")
        )

    def handle(self, *args, format: str, output: str | None, **options):
        rows = exporter.export_rows(Employee.objects.order_by("name", "pk"))
        if output == "-":
            if format != "csv":
                raise CommandError(_("Only CSV can be written to the standard output."))
            count = exporter.csv_write(rows, self.stdout)
            self.stderr.write(_("%(count)d employees exported.") % {"count": count})
            return
        path = Path(output or f"pegawai-{timezone.localdate():%Y-%m-%d}.{format}")
        if format == "csv":
            with path.open("w", encoding="utf-8", newline="") as file:
                count = exporter.csv_write(rows, file)
        else:
            count = exporter.xlsx_write(rows, str(path))
        self.stdout.write(
            self.style.SUCCESS(_("%(count)d employees exported to %(file)s.") % {"count": count, "file": path})
        )
