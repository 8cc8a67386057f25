"""The pages of a document made in the background (purna/generated.py): its progress page, its state as
JSON (polled by static/js/generated_document.js), its file, and "try again" after a failure.

Each checks what the document's own view checks: the kind's permission (403 without it), then the
kind's `allowed` (the user's staff scope must be the one the document was made for, and its object
still visible): otherwise 404, as for any object outside the scope."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from purna.generated import (
    document_file_response,
    document_progress_page,
    generated_document_retry,
    kind_get,
)
from purna.models import GeneratedDocument
from purna.models import GeneratedDocumentStatus as Status


def _document(request: HttpRequest, pk: int) -> GeneratedDocument:
    document = GeneratedDocument.objects.filter(pk=pk).first()
    if document is None:
        raise Http404
    try:
        kind = kind_get(document.kind)
    except ImportError:
        raise Http404 from None
    if not request.user.has_perm(kind.permission):
        raise PermissionDenied
    if not kind.allowed(request.user, document.params):
        raise Http404
    return document


def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    return document_progress_page(request, _document(request, pk))


DISK_FULL_MESSAGE = gettext_lazy(
    "The server's disk is full: the document could not be saved. Tell the administrator to free some space, "
    "then try again."
)


def document_status(request: HttpRequest, pk: int) -> JsonResponse:
    """{status, done, total, percent, ready, failed, message, download_url}."""
    document = _document(request, pk)
    message = ""
    if document.failed_for_full_disk:
        message = DISK_FULL_MESSAGE
    elif document.is_failed:
        message = _("The document could not be made. Try again; if it fails again, tell the administrator.")
    elif document.status == Status.PENDING:
        message = _("Waiting for its turn…")
    elif document.status == Status.RUNNING:
        message = _("Being made: %(done)s of %(total)s…") % {"done": document.done, "total": document.total}
    elif document.is_ready:
        message = _("Ready.")
    return JsonResponse(
        {
            "status": document.status,
            "done": document.done,
            "total": document.total,
            "percent": document.progress_percent,
            "ready": document.is_ready,
            "failed": document.is_failed,
            "message": message,
            "download_url": reverse("documents:file", args=[document.pk]) if document.is_ready else "",
        }
    )


def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    response = document_file_response(_document(request, pk))
    if response is None:
        raise Http404(_("The document is not ready."))
    return response


@require_POST
def document_retry(request: HttpRequest, pk: int) -> HttpResponse:
    document = generated_document_retry(document=_document(request, pk))
    return redirect(reverse("documents:page", args=[document.pk]))
