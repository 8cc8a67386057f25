"""The facts of a retirement record's kind (date of death, caused by duty, last income, KPP request).

Thin: the form checks the shape, retirement_case_kind_facts_update applies the rules
(employees/services/kinds.py, employees/pension_kinds.py) and its errors go back to the form.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView

from employees.exceptions import CaseError
from employees.forms.cases import CaseKindFactsForm
from employees.models import RetirementCase
from employees.scope import staff_scope
from employees.selectors import retirement_case_get
from employees.services.cases import retirement_case_kind_facts_update


class RetirementCaseKindFactsView(PermissionRequiredMixin, FormView):
    permission_required = "employees.change_retirementcase"
    raise_exception = True
    template_name = "employees/retirementcase_kind_form.html"

    def case(self) -> RetirementCase:
        if not hasattr(self, "_case"):
            try:
                self._case = retirement_case_get(pk=self.kwargs["pk"], scope=staff_scope(self.request.user))
            except RetirementCase.DoesNotExist as exc:
                raise Http404 from exc
        return self._case

    def get_form(self, form_class=None):
        return CaseKindFactsForm(**self.get_form_kwargs(), kind=self.case().kind)

    def get_initial(self):
        case = self.case()
        return {
            "died_on": case.died_on,
            "caused_by_duty": case.caused_by_duty,
            "last_income": case.last_income,
            "kpp_requested": case.kpp_requested,
        }

    def get_context_data(self, **kwargs):
        case = self.case()
        return super().get_context_data(case=case, employee=case.employee, **kwargs)

    def form_valid(self, form):
        case = self.case()
        data = form.cleaned_data
        try:
            case = retirement_case_kind_facts_update(
                case=case,
                actor=self.request.user,
                died_on=data.get("died_on"),
                caused_by_duty=data.get("caused_by_duty", False),
                last_income=data.get("last_income"),
                kpp_requested=data.get("kpp_requested", False),
                note=data["note"],
            )
        except CaseError as error:
            for field, field_messages in error.errors.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(self.request, _("The facts of the retirement kind have been saved."))
        return HttpResponseRedirect(reverse("employees:case_detail", args=[case.pk]))
