"""Retirement records (berkas purna tugas) and the "akan purna tugas" work list.

Thin views: parse the input, call one selector or service (employees/selectors/cases.py,
employees/services/cases.py), map CaseError to form errors or messages, redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from employees import cases
from employees.choices import CaseStatus, RetirementKind
from employees.exceptions import CaseError
from employees.forms.cases import (
    CaseDocumentUploadForm,
    CasePertekCorrectForm,
    CaseTransitionForm,
    RetirementCaseOpenForm,
    RetiringFilterForm,
)
from employees.models import CaseDocument, DocumentType, Employee, RetirementCase
from employees.scope import staff_scope
from employees.selectors import (
    KeysFirstPaginator,
    case_document_get,
    employee_get,
    retirement_case_card,
    retirement_case_get,
    retirement_worklist,
    retirement_worklist_rows,
)
from employees.selectors.kinds import case_kind_panel, proposal_lead_times
from employees.services.cases import (
    OVERRIDE_PERMISSION,
    case_document_delete,
    case_document_upload,
    retirement_case_decision_correct,
    retirement_case_open,
    retirement_case_transition,
)


def _next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to: the page the form was on (the employee page or the record), if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _form_errors(form, error: CaseError) -> None:
    for field, field_messages in error.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


class EmployeeRetiringListView(PermissionRequiredMixin, ListView):
    """Akan purna tugas: the work list BKD staff open every morning.

    Who retires within 3/6/12/24 months (bulan=), with their record's status, the overdue flag and the
    missing required documents; filtered by unit, record status and "only overdue"; sorted by TMT.
    """

    permission_required = ("employees.view_employee", "employees.view_retirementcase")
    raise_exception = True
    template_name = "employees/employee_retiring.html"
    paginate_by = 50
    paginator_class = KeysFirstPaginator

    def get_queryset(self):
        scope = staff_scope(self.request.user)
        self.filter_form = RetiringFilterForm(self.request.GET, scope=scope)
        self.filters = self.filter_form.filters()
        # The lead time of a proposal (KindRule), read once for the list's filter and its rows' deadlines.
        self.lead = proposal_lead_times()
        return retirement_worklist(scope=scope, lead=self.lead, **self.filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filter_form=self.filter_form,
            months=self.filters["months"],
            rows=retirement_worklist_rows(list(context["object_list"]), lead=self.lead),
            filtered=bool(self.filters["unit_id"] or self.filters["case_status"] or self.filters["only_overdue"]),
        )
        return context


class RetirementCaseDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "employees.view_retirementcase"
    raise_exception = True
    template_name = "employees/retirementcase_detail.html"

    def get_context_data(self, **kwargs):
        try:
            case = retirement_case_get(pk=self.kwargs["pk"], scope=staff_scope(self.request.user))
        except RetirementCase.DoesNotExist as exc:
            raise Http404 from exc
        return super().get_context_data(
            case=case,
            card=retirement_case_card(employee=case.employee),
            kind_panel=case_kind_panel(case=case),
            **kwargs,
        )


class RetirementCaseOpenView(PermissionRequiredMixin, FormView):
    """Buka berkas purna tugas: choose the kind (and the TMT, except for BUP)."""

    permission_required = "employees.add_retirementcase"
    raise_exception = True
    template_name = "employees/retirementcase_form.html"
    form_class = RetirementCaseOpenForm

    def employee(self) -> Employee:
        if not hasattr(self, "_employee"):
            try:
                self._employee = employee_get(pk=self.kwargs["pk"], scope=staff_scope(self.request.user))
            except Employee.DoesNotExist as exc:
                raise Http404 from exc
        return self._employee

    def get_initial(self):
        # A link may choose the kind (the card's "death of the pensioner" button).
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind in RetirementKind.values else {}

    def get_context_data(self, **kwargs):
        employee = self.employee()
        return super().get_context_data(
            employee=employee,
            card=retirement_case_card(employee=employee),
            next=_next_url(self.request, ""),
            mode="open",
            **kwargs,
        )

    def form_valid(self, form):
        try:
            case = retirement_case_open(
                employee=self.employee(),
                kind=form.cleaned_data["kind"],
                tmt=form.cleaned_data["tmt"],
                note=form.cleaned_data["note"],
                died_on=form.cleaned_data["died_on"],
                caused_by_duty=form.cleaned_data["caused_by_duty"],
                last_income=form.cleaned_data["last_income"],
                actor=self.request.user,
            )
        except CaseError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        if case.with_pension is False:
            messages.warning(
                self.request,
                _("The retirement record has been opened, without pension: %(reason)s") % {"reason": case.outcome_note},
            )
        else:
            messages.success(self.request, _("The retirement record has been opened."))
        return HttpResponseRedirect(_next_url(self.request, reverse("employees:case_detail", args=[case.pk])))


class RetirementCaseTransitionView(PermissionRequiredMixin, FormView):
    """Move a record to a next step, after confirmation (the card's modal posts here too)."""

    permission_required = "employees.change_retirementcase"
    raise_exception = True
    template_name = "employees/retirementcase_form.html"

    def case(self) -> RetirementCase:
        if not hasattr(self, "_case"):
            if self.kwargs["to_status"] not in CaseStatus.values:
                raise Http404
            try:
                self._case = retirement_case_get(pk=self.kwargs["pk"], scope=staff_scope(self.request.user))
            except RetirementCase.DoesNotExist as exc:
                raise Http404 from exc
        return self._case

    def get_form(self, form_class=None):
        return CaseTransitionForm(
            **self.get_form_kwargs(),
            from_status=self.case().status,
            to_status=self.kwargs["to_status"],
            may_override=self.request.user.has_perm(OVERRIDE_PERMISSION),
        )

    def get_initial(self):
        return {"proposed_on": timezone.localdate()}

    def get(self, request, *args, **kwargs):
        case = self.case()
        if self.kwargs["to_status"] not in cases.allowed_transitions(case.status):
            messages.error(
                request,
                _('This record is "%(status)s" and cannot move to that step.') % {"status": case.get_status_display()},
            )
            return HttpResponseRedirect(reverse("employees:case_detail", args=[case.pk]))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        case = self.case()
        return super().get_context_data(
            case=case,
            employee=case.employee,
            to_status=self.kwargs["to_status"],
            to_label=CaseStatus(self.kwargs["to_status"]).label,
            card=retirement_case_card(employee=case.employee),
            next=_next_url(self.request, ""),
            mode="transition",
            **kwargs,
        )

    def form_valid(self, form):
        case = self.case()
        try:
            case = retirement_case_transition(
                case=case,
                to_status=self.kwargs["to_status"],
                actor=self.request.user,
                note=form.cleaned_data["note"],
                **form.facts(),
            )
        except CaseError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _('The record is now "%(status)s".') % {"status": case.get_status_display()})
        return HttpResponseRedirect(_next_url(self.request, reverse("employees:case_detail", args=[case.pk])))


class RetirementCasePertekCorrectView(PermissionRequiredMixin, FormView):
    """Correct BKN's pertek of a record (typed wrong, or re-issued) with a reason, kept in its status history."""

    permission_required = "employees.change_retirementcase"
    raise_exception = True
    template_name = "employees/retirementcase_form.html"
    form_class = CasePertekCorrectForm

    def case(self) -> RetirementCase:
        if not hasattr(self, "_case"):
            try:
                self._case = retirement_case_get(pk=self.kwargs["pk"], scope=staff_scope(self.request.user))
            except RetirementCase.DoesNotExist as exc:
                raise Http404 from exc
        return self._case

    def dispatch(self, request, *args, **kwargs):
        if request.user.has_perm(self.permission_required) and not self.case().pertek_correctable:
            messages.error(request, _("This record has no pertek of BKN to correct."))
            return HttpResponseRedirect(reverse("employees:case_detail", args=[self.case().pk]))
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        case = self.case()
        return {"pertek_number": case.pertek_number, "pertek_date": case.pertek_date}

    def get_context_data(self, **kwargs):
        case = self.case()
        return super().get_context_data(
            case=case,
            employee=case.employee,
            to_label=_("Correct the pertek"),
            next=_next_url(self.request, ""),
            mode="correct",
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = retirement_case_decision_correct(
                case=self.case(),
                actor=self.request.user,
                note=data["note"],
                pertek_number=data["pertek_number"],
                pertek_date=data["pertek_date"],
            )
        except CaseError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The pertek has been corrected."))
        return HttpResponseRedirect(_next_url(self.request, reverse("employees:case_detail", args=[case.pk])))


class CaseDocumentUploadView(PermissionRequiredMixin, FormView):
    """Upload (or replace) the document of one checklist item."""

    permission_required = "employees.change_retirementcase"
    raise_exception = True
    template_name = "employees/casedocument_form.html"
    form_class = CaseDocumentUploadForm

    def objects(self) -> tuple[RetirementCase, DocumentType]:
        if not hasattr(self, "_objects"):
            try:
                case = retirement_case_get(pk=self.kwargs["pk"], scope=staff_scope(self.request.user))
                document_type = DocumentType.objects.get(pk=self.kwargs["type_pk"], is_active=True)
            except (RetirementCase.DoesNotExist, DocumentType.DoesNotExist) as exc:
                raise Http404 from exc
            self._objects = (case, document_type)
        return self._objects

    def get_template_names(self) -> list[str]:
        # A checklist row's button fetches the form alone, into the row (employees/_case_documents.html).
        if self.request.method == "GET" and self.request.htmx:
            return ["employees/_case_document_upload.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        case, document_type = self.objects()
        existing = CaseDocument.objects.filter(case=case, document_type=document_type).first()
        return super().get_context_data(
            case=case,
            employee=case.employee,
            document_type=document_type,
            existing=existing,
            next=_next_url(self.request, ""),
            document_max_bytes=settings.PURNA_DOCUMENT_MAX_BYTES,
            **kwargs,
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # The same address answers the row's fragment or the whole page: caches keep them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response

    def form_valid(self, form):
        case, document_type = self.objects()
        try:
            document = case_document_upload(
                case=case, document_type=document_type, uploaded_file=form.cleaned_data["file"], actor=self.request.user
            )
        except CaseError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Uploaded: %(document)s (%(name)s).") % {"document": document_type.name, "name": document.original_name},
        )
        return HttpResponseRedirect(_next_url(self.request, reverse("employees:case_detail", args=[case.pk])))


@never_cache
@permission_required("employees.view_retirementcase", raise_exception=True)
def case_document_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a document from private storage to a permitted user, as a download that is never sniffed."""
    try:
        document = case_document_get(pk=pk, scope=staff_scope(request.user))
        handle = document.file.open("rb")
    except (CaseDocument.DoesNotExist, FileNotFoundError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Nothing in it may run even if a browser shows it anyway.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@permission_required("employees.change_retirementcase", raise_exception=True)
def case_document_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        document = case_document_get(pk=pk, scope=staff_scope(request.user))
    except CaseDocument.DoesNotExist as exc:
        raise Http404 from exc
    default = reverse("employees:case_detail", args=[document.case_id])
    try:
        case_document_delete(document=document, actor=request.user)
    except CaseError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Removed: %(document)s.") % {"document": document.document_type.name})
    return HttpResponseRedirect(_next_url(request, default))
