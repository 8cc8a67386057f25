from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class EmployeesConfig(AppConfig):
    name = "employees"
    verbose_name = _("Employees")

    def ready(self) -> None:
        # Not a business flow: the register's cached counts follow every saved or deleted employee or
        # unit (employees/counts.py).
        from employees.counts import register_signal_receiver
        from employees.models import Employee, UnitKerja

        for model in (Employee, UnitKerja):
            post_save.connect(register_signal_receiver, sender=model, dispatch_uid=f"counts-{model.__name__}-save")
            post_delete.connect(register_signal_receiver, sender=model, dispatch_uid=f"counts-{model.__name__}-del")
