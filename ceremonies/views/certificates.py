"""Certificates: issuing for an event (a Celery batch whose progress htmx polls), the list of an event's
certificates, downloads (one, all in one PDF, a ZIP) through the user's permission and scope, revoking
and re-issuing, and the public verification page opened by the QR code.

Stored files are private (employees.storage): they are read here after the checks, never from a media
URL. The public page shows no more of the recipient than the paper in hand already shows, with the NIP
masked, and answers at most PURNA_VERIFY_RATE_PER_MINUTE requests a minute per address, so that codes
cannot be tried in bulk (they are 128 random bits anyway).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ceremonies import document_kinds, selectors
from ceremonies.certificates import nip_masked
from ceremonies.exceptions import CeremonyError
from ceremonies.models import Certificate, CertificateBatch, CertificateStatus, Event
from ceremonies.services import certificates as services
from employees.scope import staff_scope
from purna.downloads import file_response
from purna.ratelimit import client_address, rate_limited

PDF = "application/pdf"
CERTIFICATES_PER_PAGE = 50


def _event(request: HttpRequest, pk: int, *, for_change: bool = False) -> Event:
    # Outside the user's scope an event is "not found": a 403 would confirm that it exists. To change it,
    # its organiser must be in the scope (selectors.event_get_for_change).
    get = selectors.event_get_for_change if for_change else selectors.event_get
    try:
        return get(pk=pk, scope=staff_scope(request.user))
    except Event.DoesNotExist:
        raise Http404 from None


def _certificate(request: HttpRequest, pk: int, *, for_change: bool = False) -> Certificate:
    try:
        return selectors.certificate_get(pk=pk, scope=staff_scope(request.user), for_change=for_change)
    except Certificate.DoesNotExist:
        raise Http404 from None


def _error_messages(request: HttpRequest, error: CeremonyError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def certificates_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, for_change=True)
    try:
        batch = services.certificates_issue(event=event, actor=request.user)
    except CeremonyError as error:
        _error_messages(request, error)
        return redirect("ceremonies:certificates", pk=event.pk)
    messages.info(
        request,
        ngettext(
            "%(n)d certificate numbered; printing is queued and starts as soon as a worker is free.",
            "%(n)d certificates numbered; printing is queued and starts as soon as a worker is free.",
            batch.total,
        )
        % {"n": batch.total},
    )
    return redirect("ceremonies:certificate_batch", pk=batch.pk)


def _batch(request: HttpRequest, pk: int, *, for_change: bool = False) -> CertificateBatch:
    try:
        return selectors.certificate_batch_get(pk=pk, scope=staff_scope(request.user), for_change=for_change)
    except CertificateBatch.DoesNotExist:
        raise Http404 from None


@permission_required("ceremonies.view_event", raise_exception=True)
def certificate_batch_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a batch: "n of N" and a bar, polled every second until it has finished."""
    batch = _batch(request, pk)
    return render(request, "ceremonies/certificatebatch_detail.html", {"batch": batch, "event": batch.event})


@permission_required("ceremonies.view_event", raise_exception=True)
def certificate_batch_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    return render(request, "ceremonies/_certificatebatch_progress.html", {"batch": batch, "event": batch.event})


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def certificate_batch_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk, for_change=True)
    try:
        services.certificate_batch_retry(batch=batch, actor=request.user)
    except CeremonyError as error:
        _error_messages(request, error)
    return redirect("ceremonies:certificate_batch", pk=batch.pk)


@permission_required("ceremonies.view_event", raise_exception=True)
def certificate_list_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    certificates = selectors.certificate_list(event=event, scope=staff_scope(request.user))
    # 50 rows a page: each carries its forms to correct or revoke, 600 of them made a heavy page.
    paginator = Paginator(certificates, CERTIFICATES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "event": event,
        "certificates": page.object_list,
        "paginator": paginator,
        "page_obj": page,
        "is_paginated": page.has_other_pages(),
        "rendered": sum(1 for c in certificates if c.is_rendered),
        "can_change": request.user.has_perm("ceremonies.change_event"),
    }
    return render(request, "ceremonies/certificate_list.html", context)


@permission_required("ceremonies.view_event", raise_exception=True)
def certificate_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    return file_response(services.certificate_file, _certificate(request, pk))


@permission_required("ceremonies.view_event", raise_exception=True)
def certificates_print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every printed certificate of the event in one PDF, in participant order, for the printer: made in
    the background (ceremonies/document_kinds.py), the file once made."""
    return document_kinds.certificates_document_response(request, _event(request, pk), fmt="pdf")


@permission_required("ceremonies.view_event", raise_exception=True)
def certificates_zip_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every printed certificate of the event as separate files in a ZIP, made in the background."""
    return document_kinds.certificates_document_response(request, _event(request, pk), fmt="zip")


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def certificate_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk, for_change=True)
    try:
        services.certificate_revoke(certificate=certificate, actor=request.user, reason=request.POST.get("reason", ""))
    except CeremonyError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Certificate %(number)s revoked.") % {"number": certificate.number})
    return redirect("ceremonies:certificates", pk=certificate.participant.event_id)


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def certificate_reissue_view(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = _certificate(request, pk, for_change=True)
    try:
        batch = services.certificate_reissue(certificate=certificate, actor=request.user)
    except CeremonyError as error:
        _error_messages(request, error)
        return redirect("ceremonies:certificates", pk=certificate.participant.event_id)
    messages.info(request, _("Certificate %(number)s is being printed again.") % {"number": certificate.number})
    return redirect("ceremonies:certificate_batch", pk=batch.pk)


# --- Public verification ---------------------------------------------------------------------------------


@login_not_required
def certificate_verify_view(request: HttpRequest, code: str) -> HttpResponse:
    """What the QR code opens: whether the certificate is genuine and valid, for anyone."""
    if rate_limited("certificate-verify", client_address(request), limit=settings.PURNA_VERIFY_RATE_PER_MINUTE):
        response = render(request, "ceremonies/certificate_verify_limited.html", status=429)
        response["Retry-After"] = "60"
        return response
    try:
        certificate = selectors.certificate_by_code(code=code)
    except Certificate.DoesNotExist:
        return render(request, "ceremonies/certificate_verify_unknown.html", status=404)
    Certificate.objects.filter(pk=certificate.pk).update(verification_count=F("verification_count") + 1)
    employee = certificate.participant.employee
    context = {
        "certificate": certificate,
        "event": certificate.participant.event,
        "recipient": employee.display_name,
        "nip": nip_masked(employee.nip),
        "valid": certificate.status == CertificateStatus.VALID,
    }
    return render(request, "ceremonies/certificate_verify.html", context)
