"""The SIASN reconciliation pages: upload a pension list exported from SIASN, see it compared with the
retirement records, apply its updates. Thin: employees/services/siasn.py does the work,
employees/selectors/siasn.py the reads; a list belongs to the person who uploaded it (anyone else: 404).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, View

from employees import siasn_reconcile
from employees.exceptions import SiasnError
from employees.forms.siasn import SiasnUploadForm
from employees.models import SiasnReconciliation
from employees.selectors.siasn import (
    siasn_reconciliation_get,
    siasn_reconciliation_groups,
    siasn_reconciliation_list,
    siasn_status_texts,
)
from employees.services.siasn import reconciliation_apply, reconciliation_create

SIASN_PERMISSIONS = ("employees.view_retirementcase", "employees.change_retirementcase")
RECENT = 10


class SiasnPermissionMixin(PermissionRequiredMixin):
    permission_required = SIASN_PERMISSIONS
    raise_exception = True


class SiasnReconciliationCreateView(SiasnPermissionMixin, FormView):
    """Upload a SIASN pension list; its comparison with the records is shown on its own page."""

    template_name = "employees/siasnreconciliation_form.html"
    form_class = SiasnUploadForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            reconciliations=siasn_reconciliation_list(user=self.request.user)[:RECENT],
            columns=siasn_reconcile.COLUMNS,
            status_texts=siasn_status_texts(),
            max_megabytes=settings.PURNA_SIASN_MAX_BYTES // (1024 * 1024),
            **kwargs,
        )

    def form_valid(self, form: SiasnUploadForm):
        try:
            reconciliation = reconciliation_create(actor=self.request.user, file=form.cleaned_data["file"])
        except SiasnError as error:
            for message in error.messages:
                form.add_error("file", message)
            return self.render_to_response(self.get_context_data(form=form, cell_errors=error.cells))
        return HttpResponseRedirect(reverse("employees:siasn_detail", args=[reconciliation.pk]))


class SiasnReconciliationDetailView(SiasnPermissionMixin, DetailView):
    """A list compared with the records: updates to apply, conflicts side by side, unknown NIPs, matched."""

    template_name = "employees/siasnreconciliation_detail.html"
    context_object_name = "reconciliation"

    def get_object(self, queryset=None) -> SiasnReconciliation:
        try:
            return siasn_reconciliation_get(pk=self.kwargs["pk"], user=self.request.user)
        except SiasnReconciliation.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        return super().get_context_data(groups=siasn_reconciliation_groups(self.object), **kwargs)


class SiasnReconciliationApplyView(SiasnPermissionMixin, View):
    """Apply the list's updates, all or nothing, once."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        try:
            reconciliation = siasn_reconciliation_get(pk=pk, user=request.user)
        except SiasnReconciliation.DoesNotExist as exc:
            raise Http404 from exc
        try:
            count = reconciliation_apply(reconciliation=reconciliation, actor=request.user)
        except SiasnError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("SIASN's updates were applied to %(count)d records.") % {"count": count})
        return HttpResponseRedirect(reverse("employees:siasn_detail", args=[pk]))
