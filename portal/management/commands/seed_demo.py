from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.models import Employee
from employees.services.register import retirement_facts_refresh
from portal import demo


class Command(BaseCommand):
    help = _("Create demo data: a fictitious agency with about 300 employees (safe to run twice).")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=300)
        parser.add_argument("--if-empty", action="store_true", help=_("Do nothing if employees already exist."))

    @transaction.atomic
    def handle(self, *args, count: int, if_empty: bool, **options):
        if if_empty and Employee.objects.exists():
            self.stdout.write(_("Employees already exist: demo data not loaded."))
            return
        today = timezone.localdate()
        demo.instansi_ensure()
        units = demo.units_ensure()
        # Dates follow today, so another day's run would make other NIPs: demo employees are made once,
        # while the demo units have none.
        created = 0
        if not Employee.objects.filter(unit__in=units.values()).exists():
            created = len(Employee.objects.bulk_create(demo.employees_build(count, today=today, units=units)))
            retirement_facts_refresh()
        demo.events_and_schemes_ensure(today)
        demo.families_and_cases_ensure(today)
        self.stdout.write(self.style.SUCCESS(_("Demo data ready: %(n)d new employees.") % {"n": created}))
