"""The benefits' documents: a payout's receipt (issue it, follow its rendering, download it) and the
recap of payouts as XLSX and PDF. Each reads through the selectors, narrowed to the user's scope: a
payout or event outside it answers 404 (a 403 would confirm that it exists)."""

import calendar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from benefits import document_kinds
from benefits.exceptions import PayoutError
from benefits.models import Payout, PayoutStatus, Receipt
from benefits.selectors import payout_get
from benefits.services import receipts as services_receipts
from ceremonies.models import Event
from ceremonies.selectors import event_get
from employees.scope import staff_scope
from purna.downloads import file_response

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _payout(request: HttpRequest, pk: int) -> Payout:
    try:
        return payout_get(pk=pk, scope=staff_scope(request.user))
    except Payout.DoesNotExist:
        raise Http404 from None


def _receipt(payout: Payout) -> Receipt | None:
    return Receipt.objects.filter(payout=payout).first()


@permission_required("benefits.view_payout", raise_exception=True)
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt's PDF, read from private storage (it has no public address). A paid payout always has
    its receipt (issued now if it was paid before receipts came with the payment): while it is being
    rendered, a page that shows its progress and the download link once it is ready."""
    payout = _payout(request, pk)
    receipt = _receipt(payout)
    if payout.status == PayoutStatus.PAID and (receipt is None or receipt.is_void):
        receipt = services_receipts.receipt_ensure(payout=payout, actor=request.user)
    if receipt is None:
        raise Http404(_("The receipt is not ready."))
    if not receipt.is_ready:
        return render(request, "benefits/receipt_wait.html", {"payout": payout, "receipt": receipt})
    return file_response(services_receipts.receipt_file, receipt)


@permission_required("benefits.view_payout", raise_exception=True)
@require_POST
def receipt_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue (or issue again) the payout's receipt, then back to the payout's page, where its status shows."""
    # Those who only read payouts are refused before anything (the service would refuse too, after the
    # lookup): a receipt takes a number from the year's gap-free counter.
    if not any(request.user.has_perm(perm) for perm in services_receipts.PERMS_ISSUE):
        raise PermissionDenied
    payout = _payout(request, pk)
    try:
        receipt = services_receipts.receipt_issue(payout=payout, actor=request.user)
    except PayoutError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Receipt %(number)s is being prepared; it can be downloaded in a moment.") % {"number": receipt.number},
        )
    # The payout pages are the staff pages' (benefits/urls.py): resolved here, when the request comes.
    return redirect(reverse("benefits:payout_detail", args=[payout.pk]))


@permission_required("benefits.view_payout", raise_exception=True)
def receipt_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt's state for the payout page (polled with htmx while it is being prepared)."""
    payout = _payout(request, pk)
    return render(request, "benefits/_receipt_status.html", {"payout": payout, "receipt": _receipt(payout)})


# --- Recap ---------------------------------------------------------------------------------------------------


class RecapFilterForm(forms.Form):
    """What a recap covers: a TMT year, or months from/until ("2025-01"), and/or a ceremony."""

    tahun = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100)
    dari = forms.DateField(label=gettext_lazy("From month"), required=False, input_formats=["%Y-%m"])
    sampai = forms.DateField(label=gettext_lazy("Until month"), required=False, input_formats=["%Y-%m"])
    acara = forms.IntegerField(label=gettext_lazy("Ceremony"), required=False, min_value=1)

    def clean(self):
        data = super().clean()
        start, end = data.get("dari"), data.get("sampai")
        if end:
            # "Until June" includes the whole of June.
            data["sampai"] = end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
        if start and end and start > end:
            raise forms.ValidationError(_("The first month comes after the last."))
        return data


def _recap_filters(request: HttpRequest):
    """The recap's filters from the query string (the event read within the user's scope: 404 outside
    it); a 400 response with the reason for bad input."""
    form = RecapFilterForm(request.GET)
    if not form.is_valid():
        problems = [
            f"{form[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
            for name, errors in form.errors.items()
        ]
        return None, HttpResponseBadRequest(" ".join(problems), content_type="text/plain; charset=utf-8")
    data = form.cleaned_data
    event = None
    if data["acara"]:
        try:
            event = event_get(pk=data["acara"], scope=staff_scope(request.user))
        except Event.DoesNotExist:
            raise Http404 from None
    return {"year": data["tahun"], "start": data["dari"], "end": data["sampai"], "event": event}, None


@permission_required("benefits.view_payout", raise_exception=True)
def recap_xlsx(request: HttpRequest) -> HttpResponse:
    """The recap as XLSX, made in the background (benefits/document_kinds.py): the file, or its progress."""
    filters, refusal = _recap_filters(request)
    if refusal is not None:
        return refusal
    return document_kinds.recap_response(request, fmt="xlsx", filters=filters)


@permission_required("benefits.view_payout", raise_exception=True)
def recap_pdf(request: HttpRequest) -> HttpResponse:
    """The recap as PDF, made in the background (benefits/document_kinds.py): the file, or its progress."""
    filters, refusal = _recap_filters(request)
    if refusal is not None:
        return refusal
    return document_kinds.recap_response(request, fmt="pdf", filters=filters)
