from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import DetailView, ListView

from employees.models import Employee
from employees.selectors import employee_list, employee_retiring_list


class EmployeeListView(PermissionRequiredMixin, ListView):
    permission_required = "employees.view_employee"
    raise_exception = True
    template_name = "employees/employee_list.html"
    paginate_by = 50

    def get_queryset(self):
        return employee_list(search=self.request.GET.get("q", ""))


class EmployeeDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "employees.view_employee"
    raise_exception = True
    template_name = "employees/employee_detail.html"
    queryset = Employee.objects.select_related("unit", "retirement_rule")


class EmployeeRetiringListView(EmployeeListView):
    """Akan purna tugas: the work list BKD staff open every morning."""

    template_name = "employees/employee_retiring.html"

    def months(self) -> int:
        try:
            return min(max(int(self.request.GET.get("bulan", 12)), 1), 120)
        except ValueError:
            return 12

    def get_queryset(self):
        return employee_retiring_list(months=self.months())

    def get_context_data(self, **kwargs):
        return super().get_context_data(months=self.months(), **kwargs)
