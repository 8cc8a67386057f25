"""An event's documents made in the background (purna/generated.py): the attendance sheet, the event
report, the invitation letters and the participant spreadsheet.

Each is made for an event and the units of the staff member who asked (the participants they see), and
cached until the data it prints changes: the fingerprint is the event's and its official's fields, one
small row per participant (status, souvenir, companion, the employee's last change, the unit's name),
the agenda, the agency, the handover rows (for the report) and the day it is printed on. Reading it is
a fixed number of queries whatever the number of participants.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceremonies import documents
from ceremonies.models import Event, Participant, Session
from ceremonies.selectors import INVITATION_KIND, event_get, event_participants, event_sessions
from employees.document_scope import scope_from_param, scope_matches, scope_param
from employees.scope import staff_scope
from purna.generated import DocumentKind, Progress, Rendered, document_response, fingerprint_of
from purna.models import Instansi
from purna.notifications.models import Message

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERMISSION = "ceremonies.view_event"


def _instansi() -> Instansi:
    # The same record (or fallback name) as the page header's context processor.
    return Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)


def _fields(obj) -> list:
    return [getattr(obj, field.attname) for field in obj._meta.concrete_fields] if obj is not None else []


def _load(params: dict) -> tuple[Event, list[Participant]]:
    scope = scope_from_param(params["units"])
    event = event_get(pk=params["event"], scope=scope)
    return event, event_participants(event=event, scope=scope)


def _allowed(user, params: dict) -> bool:
    """The user sees the units the document was made for, and the event still."""
    if not scope_matches(user, params):
        return False
    try:
        event_get(pk=params["event"], scope=staff_scope(user))
    except Event.DoesNotExist:
        return False
    return True


def _render_attendance(params: dict, progress: Progress) -> Rendered:
    event, participants = _load(params)
    progress(0, len(participants) + 1)
    content = documents.attendance_pdf(
        event=event, participants=participants, instansi=_instansi(), printed_on=timezone.localdate()
    )
    return Rendered(content, documents.document_filename("daftar-hadir", event, "pdf"), PDF)


def _render_report(params: dict, progress: Progress) -> Rendered:
    event, participants = _load(params)
    progress(0, len(participants) + 1)
    content = documents.report_pdf(
        event=event,
        participants=participants,
        sessions=event_sessions(event=event),
        instansi=_instansi(),
        printed_on=timezone.localdate(),
    )
    return Rendered(content, documents.document_filename("laporan-kegiatan", event, "pdf"), PDF)


def _render_letters(params: dict, progress: Progress) -> Rendered:
    event, participants = _load(params)
    recipients = documents.letter_recipients(participants, everyone=params["everyone"], today=timezone.localdate())
    total = len(recipients) + 1
    progress(0, total)
    made = 0

    def checkin_url(participant: Participant) -> str:
        # Called once per letter as its QR code is drawn: the progress follows the letters.
        nonlocal made
        made += 1
        progress(made, total)
        return params["base_url"].rstrip("/") + reverse(
            "ceremonies:checkin_code", args=[event.pk, participant.checkin_code]
        )

    content = documents.letters_pdf(
        event=event,
        participants=recipients,
        instansi=_instansi(),
        printed_on=timezone.localdate(),
        checkin_url=checkin_url,
    )
    return Rendered(content, documents.document_filename("surat-undangan", event, "pdf"), PDF)


def _render_participants(params: dict, progress: Progress) -> Rendered:
    event, participants = _load(params)
    progress(0, len(participants) + 1)
    content = documents.participants_workbook(event=event, participants=participants, agency=_instansi().name)
    return Rendered(content, documents.document_filename("peserta", event, "xlsx"), XLSX)


ATTENDANCE = DocumentKind(_("Attendance sheet"), PERMISSION, _render_attendance, _allowed)
REPORT = DocumentKind(_("Event report"), PERMISSION, _render_report, _allowed)
LETTERS = DocumentKind(_("Invitation letters"), PERMISSION, _render_letters, _allowed)
PARTICIPANTS = DocumentKind(_("Participant list"), PERMISSION, _render_participants, _allowed)


def _invitation_messages(event: Event, participants) -> list:
    """The outbox state of the event's invitation emails, which the report prints (one query)."""
    return list(
        Message.objects.filter(
            kind=INVITATION_KIND,
            content_type=ContentType.objects.get_for_model(Participant),
            object_id__in=participants.values("pk"),
        )
        .order_by("pk")
        .values_list("pk", "status", "cancel_reason")
    )


def event_fingerprint(event: Event, *, scope, report: bool = False) -> str:
    """The state of what an event's documents print (see the module's docstring): four queries, six for
    the report, whatever the number of participants."""
    participants = scope.filter(Participant.objects.filter(event=event), "employee__unit")
    rows = list(
        participants.order_by("pk").values_list(
            "pk",
            "status",
            "souvenir_at",
            "companion_name",
            "companion_relation",
            "checkin_code",
            "employee__updated_at",
            "employee__unit__name",
        )
    )
    sessions = list(
        Session.objects.filter(event=event)
        .order_by("pk")
        .values_list("pk", "starts_at", "ends_at", "topic", "notes", "instructor__name", "instructor__institution")
    )
    instansi = _fields(Instansi.objects.filter(pk=1).first())
    return fingerprint_of(
        _fields(event),
        _fields(event.presiding_official),
        rows,
        sessions,
        instansi,
        documents.handover_version(event) if report else None,
        _invitation_messages(event, participants) if report else None,
        timezone.localdate(),
    )


def event_document_response(request: HttpRequest, kind: str, event: Event, **params) -> HttpResponse:
    """The view's answer for one of this module's kinds (named by its constant) for `event`, which the
    caller read within the user's scope."""
    scope = staff_scope(request.user)
    return document_response(
        request,
        kind=f"{__name__}.{kind}",
        params={"event": event.pk, "units": scope_param(scope), **params},
        fingerprint=event_fingerprint(event, scope=scope, report=kind == "REPORT"),
    )
