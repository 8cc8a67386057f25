"""Downloads of an event's documents: attendance sheet, participant spreadsheet, event report and
invitation letters. Each reads the event within the user's scope and hands it to
ceremonies/document_kinds.py: the file when it is made from the data as it is now, otherwise a page that
follows its making in the background (a fixed number of queries whatever the number of participants)."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse

from ceremonies import document_kinds
from ceremonies.models import Event
from ceremonies.selectors import event_get
from employees.scope import staff_scope


def _event(request: HttpRequest, pk: int) -> Event:
    # Outside the user's scope an event is "not found": a 403 would confirm that it exists.
    try:
        return event_get(pk=pk, scope=staff_scope(request.user))
    except Event.DoesNotExist:
        raise Http404 from None


@permission_required("ceremonies.view_event", raise_exception=True)
def attendance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return document_kinds.event_document_response(request, "ATTENDANCE", _event(request, pk))


@permission_required("ceremonies.view_event", raise_exception=True)
def participants_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return document_kinds.event_document_response(request, "PARTICIPANTS", _event(request, pk))


@permission_required("ceremonies.view_event", raise_exception=True)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return document_kinds.event_document_response(request, "REPORT", _event(request, pk))


@permission_required("ceremonies.view_event", raise_exception=True)
def letters_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Letters for the invited participants without an email address, or for everyone with ?semua=1."""
    event = _event(request, pk)
    # The letters' QR codes open the check-in page: at the site's address, or the one this request came to.
    base_url = settings.PURNA_SITE_URL or request.build_absolute_uri("/")
    return document_kinds.event_document_response(
        request, "LETTERS", event, everyone=request.GET.get("semua") == "1", base_url=base_url
    )
