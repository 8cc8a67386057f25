"""The register's staff pages: the employee list, an employee's page, and the forms to add and change one."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from employees.cases import is_deceased
from employees.exceptions import EmployeeError
from employees.filters import SORT_FIELDS, EmployeeFilter
from employees.forms.register import EmployeeForm
from employees.models import Employee
from employees.retirement import months_until, mpp_window
from employees.scope import staff_scope
from employees.selectors import (
    RegisterPaginator,
    employee_case,
    employee_get,
    employee_history,
    employee_list,
    employee_similar_list,
    retirement_case_card,
)
from employees.selectors.family import employee_family, employee_family_corrections
from employees.selectors.kinds import employee_service_length
from employees.selectors.portal import code_log, heir_codes, sign_in_codes_of
from employees.services.register import employee_create, employee_register_warnings, employee_update
from purna.notifications.selectors import message_list_about

HISTORY_LENGTH = 10


def _rows_prepare(employees, today: dt.date) -> None:
    # Display values for the page's rows only (50 at most): whole months left.
    for employee in employees:
        tmt = employee.tmt_pensiun
        employee.months_left = months_until(tmt, today) if tmt else None
        employee.has_retired = bool(tmt and tmt <= today)


class EmployeeListView(PermissionRequiredMixin, ListView):
    """The register: search, filters, sortable columns, pages; a fixed number of queries."""

    permission_required = "employees.view_employee"
    raise_exception = True
    template_name = "employees/employee_list.html"
    paginate_by = 50
    # The total of a search or of the whole register, cached until the register changes.
    paginator_class = RegisterPaginator

    def get_queryset(self):
        scope = staff_scope(self.request.user)
        self.filterset = EmployeeFilter(
            self.request.GET or None, queryset=employee_list(scope=scope), request=self.request, scope=scope
        )
        return self.filterset.qs

    def _query_without(self, *names: str) -> str:
        params = self.request.GET.copy()
        for name in names:
            params.pop(name, None)
        return params.urlencode()

    def _sort_links(self) -> dict[str, dict]:
        """For each sortable column: the URL that sorts by it (reversing the current direction) and the
        current direction ("asc", "desc" or "")."""
        params = self.request.GET.copy()
        params.pop("page", None)
        current = params.get("sort", "")
        links = {}
        for _field, param in SORT_FIELDS:
            direction = "asc" if current == param else "desc" if current == f"-{param}" else ""
            params["sort"] = f"-{param}" if direction == "asc" else param
            links[param] = {"url": f"?{params.urlencode()}", "direction": direction}
        return links

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _rows_prepare(context["object_list"], timezone.localdate())
        search = self.filterset.form.cleaned_data.get("q", "") if self.filterset.is_bound else ""
        context.update(
            filter=self.filterset,
            sort_links=self._sort_links(),
            current_sort=self.request.GET.get("sort", ""),
            filter_query=self._query_without("page"),
            scope=staff_scope(self.request.user),
        )
        # Nothing found for a name: offer names that look alike (typos), PostgreSQL only.
        if search and not context["paginator"].count:
            context["similar"] = employee_similar_list(scope=staff_scope(self.request.user), search=search)
        return context


def _certificates_model():
    """The certificates' model, reached through the participations' relation (ceremonies is a floor above)."""
    participant = Employee._meta.get_field("event_participations").related_model
    return participant._meta.get_field("certificates").related_model


class EmployeeDetailView(PermissionRequiredMixin, DetailView):
    """An employee's page: identity, position, retirement facts, retirement record, change history."""

    permission_required = "employees.view_employee"
    raise_exception = True
    template_name = "employees/employee_detail.html"
    context_object_name = "employee"

    def get_object(self, queryset=None) -> Employee:
        try:
            return employee_get(pk=self.kwargs["pk"], scope=staff_scope(self.request.user))
        except Employee.DoesNotExist as exc:
            raise Http404(_("No such employee.")) from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        employee = self.object
        today = timezone.localdate()
        tmt = employee.tmt_pensiun
        case = employee_case(employee)
        # Spouses, children (counting for the pension today or not) and parents: three queries, read
        # once for the family's section, the record's checklist and the history's names.
        family = employee_family(employee=employee, on_date=today)
        children = [row.child for row in family.children]
        codes = sign_in_codes_of(employee=employee)
        context.update(
            today=today,
            case=case,
            # The BUP's countdown and MPP mean nothing for an employee who died: the death record decides.
            deceased=is_deceased(employee_status=employee.status, case_kind=case.kind if case else None),
            # The retirement record's card (templates/employees/_retirement_case_card.html).
            card=retirement_case_card(employee=employee, today=today, family=family),
            # Someone who died served until the death, not until the BUP (employees/pension_kinds.py).
            service=employee_service_length(employee=employee, case=case),
            sent_messages=message_list_about(obj=employee),
            sign_in_codes=codes,
            heir_codes=heir_codes(spouses=family.spouses, children=children, codes=codes),
            code_log=code_log(codes=codes, spouses=family.spouses, children=children),
            history=employee_history(
                employee=employee,
                limit=HISTORY_LENGTH,
                spouse_names={spouse.pk: spouse.name for spouse in family.spouses},
            ),
            months_left=months_until(tmt, today) if tmt else None,
            has_retired=bool(tmt and tmt <= today),
            mpp=mpp_window(tmt) if tmt else None,
            # A PPPK's employment ends with the contract when it ends before the BUP (employees.retirement).
            ends_by_contract=bool(
                tmt and employee.contract_end and tmt == employee.contract_end + dt.timedelta(days=1)
            ),
            family=family,
            pending_corrections=[c for c in employee_family_corrections(employee=employee) if c.is_pending],
            register_warnings=employee_register_warnings(employee),
            can_change=self.request.user.has_perm("employees.change_employee"),
            # Still "Aktif" in the register after the TMT pensiun: the status was not updated.
            active_past_tmt=bool(employee.is_active and tmt and tmt <= today),
            # What the other apps hold about the person, through the reverse relations (this app imports
            # neither): one query each, however many rows, and none when employee_get found nothing there.
            payouts=list(employee.payouts.order_by("-pk")) if employee.has_payouts else [],
            participations=list(employee.event_participations.select_related("event").order_by("-event__starts_at"))
            if employee.has_events
            else [],
            # A certificate is an event participant's.
            certificates=list(
                _certificates_model()
                .objects.filter(participant__employee=employee)
                .select_related("participant__event")
                .order_by("-issued_on", "-pk")
            )
            if employee.has_events
            else [],
        )
        return context


class EmployeeCreateView(PermissionRequiredMixin, FormView):
    """Add an employee through employee_create; its errors go next to the form's fields."""

    permission_required = "employees.add_employee"
    raise_exception = True
    template_name = "employees/employee_form.html"
    form_class = EmployeeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "scope": staff_scope(self.request.user)}

    def form_valid(self, form: EmployeeForm):
        try:
            employee = employee_create(actor=self.request.user, **form.cleaned_data)
        except EmployeeError as error:
            form.service_errors_add(error)
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s has been added to the register.") % {"name": employee.display_name})
        return HttpResponseRedirect(reverse("employees:detail", args=[employee.pk]))


class EmployeeUpdateView(PermissionRequiredMixin, FormView):
    """Change an employee through employee_update; its errors go next to the form's fields."""

    permission_required = "employees.change_employee"
    raise_exception = True
    template_name = "employees/employee_form.html"
    form_class = EmployeeForm

    def dispatch(self, request, *args, **kwargs):
        # The permission is checked first (PermissionRequiredMixin.dispatch), then the employee is read.
        if not self.has_permission():
            return self.handle_no_permission()
        employees = staff_scope(request.user).filter(Employee.objects.select_related("unit"))
        self.employee = get_object_or_404(employees, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.employee, "scope": staff_scope(self.request.user)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(employee=self.employee, **kwargs)

    def form_valid(self, form: EmployeeForm):
        try:
            employee = employee_update(employee=self.employee, actor=self.request.user, **form.cleaned_data)
        except EmployeeError as error:
            form.service_errors_add(error)
            return self.form_invalid(form)
        messages.success(self.request, _("The data of %(name)s has been saved.") % {"name": employee.display_name})
        return HttpResponseRedirect(reverse("employees:detail", args=[employee.pk]))
