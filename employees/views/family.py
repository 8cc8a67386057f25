"""Staff pages of the family: add, change and remove spouses, children and parents; the queue of the
retirees' correction requests. Who may change an employee may change their family
(employees.change_employee); an employee outside the user's scope answers 404."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView

from employees import family_import
from employees.choices import ImportKind
from employees.exceptions import EmployeeError
from employees.forms.family import FORMS, CorrectionDecisionForm, RemoveForm
from employees.forms.transfer import ImportUploadForm
from employees.models import Child, Employee, FamilyCorrection, Parent, Spouse
from employees.scope import staff_scope
from employees.selectors import import_job_list
from employees.selectors.family import family_correction_get, family_correction_list, family_member_get
from employees.services import family as services
from employees.services.family_import import MAX_ROWS
from employees.services.imports import import_job_create
from purna.spreadsheets import ImportFileError

PERMISSION = "employees.change_employee"
RECENT_JOBS = 10
# The URL word of each kind of member, its model, its service functions' prefix and its titles.
KINDS: dict[str, dict[str, Any]] = {
    "pasangan": {
        "model": Spouse,
        "service": "spouse",
        "add": gettext_lazy("Add a spouse"),
        "edit": gettext_lazy("Edit a spouse"),
        "remove": gettext_lazy("Remove a spouse"),
    },
    "anak": {
        "model": Child,
        "service": "child",
        "add": gettext_lazy("Add a child"),
        "edit": gettext_lazy("Edit a child"),
        "remove": gettext_lazy("Remove a child"),
    },
    "orang-tua": {
        "model": Parent,
        "service": "parent",
        "add": gettext_lazy("Add a parent"),
        "edit": gettext_lazy("Edit a parent"),
        "remove": gettext_lazy("Remove a parent"),
    },
}


def _kind(name: str) -> dict[str, Any]:
    try:
        return KINDS[name]
    except KeyError:
        raise Http404(_("No such page.")) from None


def _detail_url(employee: Employee) -> str:
    return reverse("employees:detail", args=[employee.pk]) + "#keluarga"


class _FamilyView(PermissionRequiredMixin, FormView):
    permission_required = PERMISSION
    raise_exception = True
    template_name = "employees/familymember_form.html"

    def dispatch(self, request, *args, **kwargs):
        # The permission first, then the employee (or the entry) within the user's scope.
        if not self.has_permission():
            return self.handle_no_permission()
        self.kind = _kind(kwargs["kind"])
        self.member = self.member_load(kwargs)
        return super().dispatch(request, *args, **kwargs)

    def member_load(self, kwargs) -> Any:
        model = self.kind["model"]
        try:
            member = family_member_get(model, pk=kwargs["pk"], scope=staff_scope(self.request.user))
        except model.DoesNotExist:
            raise Http404(_("No such family member.")) from None
        self.employee = member.employee
        return member

    def get_context_data(self, **kwargs):
        return super().get_context_data(employee=self.employee, member=self.member, kind=self.kind, **kwargs)


class FamilyMemberFormView(_FamilyView):
    """Add (no pk: the employee's id is in the URL) or change a spouse, child or parent."""

    def member_load(self, kwargs) -> Any:
        if "employee_pk" in kwargs:
            employees = staff_scope(self.request.user).filter(Employee.objects.select_related("unit"))
            self.employee = get_object_or_404(employees, pk=kwargs["employee_pk"])
            return None
        return super().member_load(kwargs)

    def get_form_class(self):
        return FORMS[self.kind["model"]]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.member, "employee": self.employee}

    def get_context_data(self, **kwargs):
        title = self.kind["edit"] if self.member else self.kind["add"]
        return super().get_context_data(title=title, **kwargs)

    def form_valid(self, form):
        name = self.kind["service"]
        try:
            if self.member is None:
                add = getattr(services, f"{name}_add")
                add(employee=self.employee, actor=self.request.user, **form.cleaned_data)
            else:
                update = getattr(services, f"{name}_update")
                update(**{name: self.member}, actor=self.request.user, **form.cleaned_data)
        except EmployeeError as error:
            form.service_errors_add(error)
            return self.form_invalid(form)
        messages.success(self.request, _("The family data has been saved."))
        return HttpResponseRedirect(_detail_url(self.employee))


class FamilyMemberRemoveView(_FamilyView):
    """Ask, then remove an entry typed by mistake."""

    template_name = "employees/familymember_confirm_delete.html"
    form_class = RemoveForm

    def form_valid(self, form):
        name = self.kind["service"]
        remove = getattr(services, f"{name}_remove")
        try:
            remove(**{name: self.member}, actor=self.request.user, reason=form.cleaned_data["reason"])
        except EmployeeError as error:
            form.add_error(None, "; ".join(error.messages))
            return self.form_invalid(form)
        messages.success(self.request, _("%(name)s has been removed from the family.") % {"name": self.member.name})
        return HttpResponseRedirect(_detail_url(self.employee))


class FamilyCorrectionListView(PermissionRequiredMixin, ListView):
    """The retirees' pending correction requests of the user's units, oldest first."""

    permission_required = PERMISSION
    raise_exception = True
    template_name = "employees/familycorrection_list.html"
    context_object_name = "corrections"
    paginate_by = 50

    def get_queryset(self):
        return family_correction_list(scope=staff_scope(self.request.user))

    def get_context_data(self, **kwargs):
        return super().get_context_data(decision_form=CorrectionDecisionForm(), **kwargs)


class FamilyCorrectionDecideView(PermissionRequiredMixin, FormView):
    """POST: mark a request applied (after editing the family) or reject it with a reason."""

    permission_required = PERMISSION
    raise_exception = True
    http_method_names = ["post"]
    form_class = CorrectionDecisionForm

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.correction = family_correction_get(pk=kwargs["pk"], scope=staff_scope(request.user))
        except FamilyCorrection.DoesNotExist:
            raise Http404(_("No such request.")) from None
        if kwargs["decision"] not in ("terapkan", "tolak"):
            raise Http404(_("No such page."))
        return super().dispatch(request, *args, **kwargs)

    def _back(self) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("employees:family_corrections"))

    def form_invalid(self, form):
        for message in [m for messages_ in form.errors.values() for m in messages_]:
            messages.error(self.request, message)
        return self._back()

    def form_valid(self, form):
        reason = form.cleaned_data["decision_reason"]
        try:
            if self.kwargs["decision"] == "tolak":
                services.family_correction_reject(correction=self.correction, actor=self.request.user, reason=reason)
                messages.success(self.request, _("The request has been rejected."))
            else:
                services.family_correction_apply(correction=self.correction, actor=self.request.user, note=reason)
                messages.success(self.request, _("The request has been marked as applied."))
        except EmployeeError as error:
            for message in error.messages:
                messages.error(self.request, message)
        return self._back()


class FamilyImportView(PermissionRequiredMixin, FormView):
    """Upload a family spreadsheet (one member a row, keyed by NIP): stored as an import job that the
    worker checks and applies, all or nothing (or only checks: dry run); its page (the employee import's)
    follows the progress and lists the errors by row."""

    permission_required = PERMISSION
    raise_exception = True
    template_name = "employees/family_import.html"
    form_class = ImportUploadForm

    def get_context_data(self, **kwargs):
        jobs = import_job_list(user=self.request.user, scope=staff_scope(self.request.user), kind=ImportKind.FAMILY)
        return super().get_context_data(
            columns=family_import.COLUMNS,
            max_rows=MAX_ROWS,
            max_megabytes=settings.PURNA_IMPORT_MAX_BYTES // (1024 * 1024),
            jobs=jobs[:RECENT_JOBS],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            job = import_job_create(
                actor=self.request.user,
                file=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                kind=ImportKind.FAMILY,
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        messages.info(self.request, _("The file has been received; the import runs in the background."))
        return HttpResponseRedirect(reverse("employees:import_detail", args=[job.pk]))
