"""Downloads of an event's documents: attendance sheet, participant spreadsheet, event report and
invitation letters. Each reads the event and the participants the user's scope may see (a fixed number
of queries whatever their number) and hands them to ceremonies/documents.py."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from ceremonies import documents
from ceremonies.models import Event, Participant
from ceremonies.selectors import event_get, event_participants, event_sessions
from employees.scope import staff_scope
from purna.models import Instansi

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _event(request: HttpRequest, pk: int) -> Event:
    # Outside the user's scope an event is "not found": a 403 would confirm that it exists.
    try:
        return event_get(pk=pk, scope=staff_scope(request.user))
    except Event.DoesNotExist:
        raise Http404 from None


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _instansi(request: HttpRequest) -> Instansi:
    # The same record (or fallback name) as the page header's context processor, read once here: the
    # documents print it on every page and letter.
    return Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)


@permission_required("ceremonies.view_event", raise_exception=True)
def attendance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    participants = event_participants(event=event, scope=staff_scope(request.user))
    content = documents.attendance_pdf(
        event=event, participants=participants, instansi=_instansi(request), printed_on=timezone.localdate()
    )
    return _attachment(content, PDF, documents.document_filename("daftar-hadir", event, "pdf"))


@permission_required("ceremonies.view_event", raise_exception=True)
def participants_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    participants = event_participants(event=event, scope=staff_scope(request.user))
    content = documents.participants_workbook(event=event, participants=participants, agency=_instansi(request).name)
    return _attachment(content, XLSX, documents.document_filename("peserta", event, "xlsx"))


@permission_required("ceremonies.view_event", raise_exception=True)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk)
    participants = event_participants(event=event, scope=staff_scope(request.user))
    content = documents.report_pdf(
        event=event,
        participants=participants,
        sessions=event_sessions(event=event),
        instansi=_instansi(request),
        printed_on=timezone.localdate(),
    )
    return _attachment(content, PDF, documents.document_filename("laporan-kegiatan", event, "pdf"))


@permission_required("ceremonies.view_event", raise_exception=True)
def letters_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Letters for the invited participants without an email address, or for everyone with ?semua=1."""
    event = _event(request, pk)
    participants = event_participants(event=event, scope=staff_scope(request.user))
    recipients = documents.letter_recipients(participants, everyone=request.GET.get("semua") == "1")

    def checkin_url(participant: Participant) -> str:
        path = reverse("ceremonies:checkin_code", args=[event.pk, participant.checkin_code])
        if settings.PURNA_SITE_URL:
            return settings.PURNA_SITE_URL.rstrip("/") + path
        return request.build_absolute_uri(path)

    content = documents.letters_pdf(
        event=event,
        participants=recipients,
        instansi=_instansi(request),
        printed_on=timezone.localdate(),
        checkin_url=checkin_url,
    )
    return _attachment(content, PDF, documents.document_filename("surat-undangan", event, "pdf"))
