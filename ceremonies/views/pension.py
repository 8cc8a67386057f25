"""Pages of the pension proposal's papers: pick records for a cover letter or a batch of DPCPs, a record's
DPCP (its problems first, with where to fix them), the cover letter, the receipt of the SK pensiun.

Thin: read within the staff scope (another unit's record answers 404), call one service, map its errors
to messages. PDFs are made in the background (ceremonies/pension_document_kinds.py); Word files are
rendered here from the agency's template (one document, a fraction of a second).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ceremonies import pension_document_kinds as kinds
from ceremonies import pension_documents as papers
from ceremonies.exceptions import PensionPaperError, PensionTemplateError
from ceremonies.models import PensionCoverLetter, PensionDocumentKind
from ceremonies.pension_selectors import (
    cover_letter_get,
    pension_case_get,
    pension_case_list,
    pension_cases,
    pension_template_get,
)
from ceremonies.services.pension import cover_letter_issue
from employees.choices import SkHandoverPlace
from employees.dpcp import FIX_CASE, FIX_EMPLOYEE, FIX_FAMILY, dpcp_problems
from employees.exceptions import CaseError
from employees.models import RetirementCase
from employees.scope import staff_scope
from employees.services.pension_papers import retirement_case_address_after_set, retirement_case_sk_receipt_record

VIEW = "employees.view_retirementcase"
CHANGE = "employees.change_retirementcase"
MAX_BATCH = 1000


class CoverLetterForm(forms.Form):
    attachments = forms.IntegerField(label=gettext_lazy("Attachments (sets)"), min_value=1, max_value=999, initial=1)


class AddressAfterForm(forms.Form):
    address = forms.CharField(label=gettext_lazy("Address after retirement"), widget=forms.Textarea(attrs={"rows": 2}))


class SkReceiptForm(forms.Form):
    received_by = forms.CharField(label=gettext_lazy("Received by"), max_length=150)
    relation = forms.CharField(
        label=gettext_lazy("Relation to the retiree"),
        max_length=60,
        required=False,
        help_text=gettext_lazy('"the retiree himself/herself", "wife", "son"...'),
    )
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    where = forms.ChoiceField(label=gettext_lazy("Handed over"), choices=SkHandoverPlace.choices)
    place = forms.CharField(
        label=gettext_lazy("Place (the ceremony's name or the desk)"), max_length=200, required=False
    )


def _case(request: HttpRequest, pk: int) -> RetirementCase:
    try:
        return pension_case_get(pk=pk, scope=staff_scope(request.user))
    except RetirementCase.DoesNotExist:
        raise Http404 from None


def _picked(request: HttpRequest, source) -> list[RetirementCase]:
    """The records picked on the list (`kasus`), all within the user's scope, else 404."""
    try:
        ids = sorted({int(value) for value in source.getlist("kasus")})
    except ValueError:
        raise Http404 from None
    if not ids or len(ids) > MAX_BATCH:
        return []
    records = pension_cases(scope=staff_scope(request.user), ids=ids)
    if len(records) != len(ids):
        raise Http404
    return records


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=papers.DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _docx(request: HttpRequest, kind: str, context: dict, filename: str, back: str) -> HttpResponse:
    try:
        content = papers.pension_docx(kind, pension_template_get(kind), context)
    except PensionTemplateError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(back)
    return _docx_response(content, filename)


@permission_required(VIEW, raise_exception=True)
def papers_list(request: HttpRequest) -> HttpResponse:
    """The open records, to pick for a collective cover letter or a batch of DPCPs."""
    records = pension_case_list(scope=staff_scope(request.user))
    return render(request, "ceremonies/pension_papers.html", {"records": records, "form": CoverLetterForm()})


def _fix_url(problem, case: RetirementCase) -> str:
    if problem.fix == FIX_EMPLOYEE:
        return reverse("employees:update", args=[case.employee_id]) + f"#id_{problem.field}"
    if problem.fix == FIX_FAMILY:
        return reverse("employees:detail", args=[case.employee_id]) + "#keluarga"
    if problem.field == "address_after_retirement":
        return reverse("ceremonies:pension_dpcp", args=[case.pk]) + "#alamat-pensiun"
    return reverse("employees:case_detail", args=[case.pk])


@permission_required(VIEW, raise_exception=True)
def dpcp_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The DPCP of a record: what is empty or disagrees with the record, each with a link to fix it, then
    the PDF and the Word file."""
    case = _case(request, pk)
    problems = dpcp_problems(
        employee=case.employee,
        case=case,
        spouses=list(case.employee.spouses.all()),
        children=list(case.employee.children.all()),
        today=timezone.localdate(),
    )
    rows = [{"problem": problem, "url": _fix_url(problem, case)} for problem in problems]
    form = AddressAfterForm(initial={"address": case.address_after_retirement or case.employee.address})
    if not case.address_after_retirement and case.employee.address:
        # Offered from the home address, but not on the DPCP until someone confirms it with "Save".
        form.fields["address"].help_text = _("Filled in from the home address on record: check it, then save.")
    return render(
        request,
        "ceremonies/pension_dpcp.html",
        {"case": case, "problems": rows, "form": form, "fix_case": FIX_CASE},
    )


@require_POST
@permission_required(CHANGE, raise_exception=True)
def address_after(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = AddressAfterForm(request.POST)
    if form.is_valid():
        retirement_case_address_after_set(case=case, actor=request.user, address=form.cleaned_data["address"])
        messages.success(request, _("The address after retirement is saved."))
    else:
        messages.error(request, _("Enter the address after retirement."))
    return HttpResponseRedirect(reverse("ceremonies:pension_dpcp", args=[case.pk]))


@permission_required(VIEW, raise_exception=True)
def dpcp_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return kinds.dpcp_response(request, records=[_case(request, pk)])


@permission_required(VIEW, raise_exception=True)
def dpcp_batch_pdf(request: HttpRequest) -> HttpResponse:
    """The DPCPs of the records picked on the list, as one PDF made in the background."""
    records = _picked(request, request.GET)
    if not records:
        messages.error(request, _("Choose between 1 and %(max)s retirement records.") % {"max": MAX_BATCH})
        return HttpResponseRedirect(reverse("ceremonies:pension_papers"))
    return kinds.dpcp_response(request, records=records)


def _dpcp_context(case: RetirementCase) -> dict:
    return papers.dpcp_context(
        case=case,
        spouses=list(case.employee.spouses.all()),
        children=list(case.employee.children.all()),
        instansi=kinds.instansi_load(),
        signatory=papers.head_of_agency(),
        printed_on=timezone.localdate(),
    )


@permission_required(VIEW, raise_exception=True)
def dpcp_docx(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    back = reverse("ceremonies:pension_dpcp", args=[case.pk])
    return _docx(request, PensionDocumentKind.DPCP, _dpcp_context(case), f"dpcp-{case.employee.nip}.docx", back)


@require_POST
@permission_required(CHANGE, raise_exception=True)
def cover_letter_create(request: HttpRequest) -> HttpResponse:
    """Issue a numbered cover letter for the records picked on the list."""
    records = _picked(request, request.POST)
    form = CoverLetterForm(request.POST)
    back = reverse("ceremonies:pension_papers")
    if not form.is_valid():
        messages.error(request, _("The number of attachments must be between 1 and 999."))
        return HttpResponseRedirect(back)
    try:
        letter = cover_letter_issue(cases=records, actor=request.user, attachments=form.cleaned_data["attachments"])
    except PensionPaperError as error:
        for message in error.messages:
            messages.error(request, message)
        return HttpResponseRedirect(back)
    messages.success(request, _("Cover letter %(number)s is issued.") % {"number": letter.number})
    return HttpResponseRedirect(reverse("ceremonies:pension_cover_letter", args=[letter.pk]))


def _letter(request: HttpRequest, pk: int) -> tuple[PensionCoverLetter, list[RetirementCase]]:
    try:
        return cover_letter_get(pk=pk, scope=staff_scope(request.user))
    except PensionCoverLetter.DoesNotExist:
        raise Http404 from None


@permission_required(VIEW, raise_exception=True)
def cover_letter_page(request: HttpRequest, pk: int) -> HttpResponse:
    letter, records = _letter(request, pk)
    return render(request, "ceremonies/pension_cover_letter.html", {"letter": letter, "records": records})


@permission_required(VIEW, raise_exception=True)
def cover_letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    letter, records = _letter(request, pk)
    return kinds.cover_letter_response(request, letter=letter, records=records)


@permission_required(VIEW, raise_exception=True)
def cover_letter_docx(request: HttpRequest, pk: int) -> HttpResponse:
    letter, records = _letter(request, pk)
    context = papers.cover_letter_context(letter=letter, cases=records, instansi=kinds.instansi_load())
    back = reverse("ceremonies:pension_cover_letter", args=[letter.pk])
    return _docx(request, PensionDocumentKind.COVER_LETTER, context, f"surat-pengantar-{letter.pk}.docx", back)


@permission_required(VIEW, raise_exception=True)
def sk_receipt_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Record who received the SK pensiun (POST, with the permission to change records), and print the
    receipt for signature."""
    if request.method == "POST" and not request.user.has_perm(CHANGE):
        raise PermissionDenied
    case = _case(request, pk)
    if request.method == "POST":
        form = SkReceiptForm(request.POST)
        if form.is_valid():
            try:
                retirement_case_sk_receipt_record(case=case, actor=request.user, **form.cleaned_data)
            except CaseError as error:
                for field, field_messages in error.errors.items():
                    for message in field_messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The hand-over of the SK pensiun is recorded."))
                return HttpResponseRedirect(reverse("ceremonies:pension_sk_receipt", args=[case.pk]))
    else:
        initial = {
            "received_by": case.sk_received_by or case.employee.display_name,
            "relation": case.sk_receiver_relation,
            "received_on": case.sk_received_on or timezone.localdate(),
            "where": case.sk_received_where or SkHandoverPlace.DESK,
            "place": case.sk_received_place,
        }
        form = SkReceiptForm(initial=initial)
    return render(request, "ceremonies/pension_sk_receipt.html", {"case": case, "form": form})


@permission_required(VIEW, raise_exception=True)
def sk_receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return kinds.sk_receipt_response(request, case=_case(request, pk))


@permission_required(VIEW, raise_exception=True)
def sk_receipt_docx(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    context = papers.sk_receipt_context(case=case, instansi=kinds.instansi_load(), signatory=papers.head_of_agency())
    back = reverse("ceremonies:pension_sk_receipt", args=[case.pk])
    return _docx(request, PensionDocumentKind.SK_RECEIPT, context, f"tanda-terima-sk-{case.employee.nip}.docx", back)
