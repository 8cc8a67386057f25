"""An event's documents made in the background (purna/generated.py): the attendance sheet, the event
report, the invitation letters, the participant spreadsheet, and its printed certificates together (one
PDF to print, or a ZIP).

Each is made for an event and the units of the staff member who asked (the participants they see), and
cached until the data it prints changes: the fingerprint is the event's and its official's fields, one
small row per participant (status, souvenir, companion, the employee's last change, the unit's name),
the agenda, who came on which day (an event over several days), the agency, the handover rows (for the
report) and the day it is printed on. Reading it is
a fixed number of queries whatever the number of participants.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ceremonies import documents
from ceremonies.attendance import Part
from ceremonies.feedback_workbook import feedback_workbook
from ceremonies.models import Attendance, Certificate, Event, Participant, Session, TrainingFeedback
from ceremonies.selectors import (
    INVITATION_KIND,
    attendance_parts,
    certificate_list,
    event_feedback_summary,
    event_get,
    event_get_for_change,
    event_participants,
    event_sessions,
    participants_attendance,
)
from ceremonies.services.certificates import certificates_combined_pdf, certificates_zip
from employees.document_scope import scope_from_param, scope_matches, scope_param
from employees.scope import staff_scope
from purna.generated import DocumentKind, Progress, Rendered, document_response, fingerprint_of
from purna.models import Instansi
from purna.notifications.models import Message

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
PERMISSION = "ceremonies.view_event"
FEEDBACK_PERMISSION = "ceremonies.view_trainingfeedback"


def _instansi() -> Instansi:
    # The same record (or fallback name) as the page header's context processor.
    return Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)


def _fields(obj) -> list:
    return [getattr(obj, field.attname) for field in obj._meta.concrete_fields] if obj is not None else []


def _load(params: dict) -> tuple[Event, list[Participant]]:
    scope = scope_from_param(params["units"])
    event = event_get(pk=params["event"], scope=scope)
    return event, event_participants(event=event, scope=scope)


def _parts(event: Event, participants: list[Participant], sessions: list[Session] | None = None) -> list[Part]:
    """The event's days or sessions, with who came to which set on the participants (none: one day)."""
    parts = attendance_parts(event=event, sessions=sessions)
    participants_attendance(participants=participants, parts=parts)
    return parts


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
        event=event,
        participants=participants,
        instansi=_instansi(),
        printed_on=timezone.localdate(),
        parts=_parts(event, participants),
    )
    return Rendered(content, documents.document_filename("daftar-hadir", event, "pdf"), PDF)


def _render_report(params: dict, progress: Progress) -> Rendered:
    event, participants = _load(params)
    progress(0, len(participants) + 1)
    sessions = event_sessions(event=event)
    content = documents.report_pdf(
        event=event,
        participants=participants,
        sessions=sessions,
        instansi=_instansi(),
        printed_on=timezone.localdate(),
        parts=_parts(event, participants, sessions),
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
        return documents.checkin_url(participant, base_url=params["base_url"])

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
    content = documents.participants_workbook(
        event=event, participants=participants, agency=_instansi().name, parts=_parts(event, participants)
    )
    return Rendered(content, documents.document_filename("peserta", event, "xlsx"), XLSX)


ATTENDANCE = DocumentKind(_("Attendance sheet"), PERMISSION, _render_attendance, _allowed)
REPORT = DocumentKind(_("Event report"), PERMISSION, _render_report, _allowed)
LETTERS = DocumentKind(_("Invitation letters"), PERMISSION, _render_letters, _allowed)
PARTICIPANTS = DocumentKind(_("Participant list"), PERMISSION, _render_participants, _allowed)


def _feedback_allowed(user, params: dict) -> bool:
    """The training's feedback is its organisers': the user's scope holds the organising unit."""
    if not scope_matches(user, params):
        return False
    try:
        event_get_for_change(pk=params["event"], scope=staff_scope(user))
    except Event.DoesNotExist:
        return False
    return True


def _render_feedback(params: dict, progress: Progress) -> Rendered:
    event = event_get_for_change(pk=params["event"], scope=scope_from_param(params["units"]))
    progress(0, 1)
    content = feedback_workbook(event=event, summary=event_feedback_summary(event=event), agency=_instansi().name)
    return Rendered(content, documents.document_filename("penilaian", event, "xlsx"), XLSX)


FEEDBACK = DocumentKind(_("Training feedback"), FEEDBACK_PERMISSION, _render_feedback, _feedback_allowed)


def feedback_fingerprint(event: Event) -> str:
    """The state of a training's feedback summary: the agenda with its instructors and each answer's id
    and last change (two queries whatever the number of answers)."""
    sessions = list(
        Session.objects.filter(event=event)
        .order_by("pk")
        .values_list("pk", "starts_at", "topic", "instructor__name", "instructor__institution")
    )
    answers = TrainingFeedback.objects.filter(session__event=event).aggregate(
        count=Count("pk"), changed=Max("updated_at"), total=Sum("rating")
    )
    return fingerprint_of(_fields(event), sessions, answers, Instansi.objects.filter(pk=1).values_list("name").first())


def feedback_document_response(request: HttpRequest, event: Event) -> HttpResponse:
    """The view's answer for the feedback workbook of `event`, which the caller read within the user's scope."""
    return document_response(
        request,
        kind=f"{__name__}.FEEDBACK",
        params={"event": event.pk, "units": scope_param(staff_scope(request.user))},
        fingerprint=feedback_fingerprint(event),
    )


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
    """The state of what an event's documents print (see the module's docstring): five queries, seven for
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
    # Who came on which day of an event held over several days: a check-in adds a row (a new highest id),
    # an undo takes one away (one fewer).
    present = Attendance.objects.filter(participant__in=participants).aggregate(
        count=Count("pk"), last=Max("pk"), total=Sum("pk")
    )
    return fingerprint_of(
        _fields(event),
        _fields(event.presiding_official),
        rows,
        sessions,
        present,
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


# --- An event's printed certificates, together --------------------------------------------------------


def _rendered_certificates(params: dict) -> tuple[Event, list[Certificate]]:
    scope = scope_from_param(params["units"])
    event = event_get(pk=params["event"], scope=scope)
    return event, [c for c in certificate_list(event=event, scope=scope) if c.is_rendered]


def _render_certificates_pdf(params: dict, progress: Progress) -> Rendered:
    event, certificates = _rendered_certificates(params)
    content = certificates_combined_pdf(certificates=certificates, progress=progress)
    return Rendered(content, documents.document_filename("sertifikat", event, "pdf"), PDF)


def _render_certificates_zip(params: dict, progress: Progress) -> Rendered:
    event, certificates = _rendered_certificates(params)
    content = certificates_zip(certificates=certificates, progress=progress)
    return Rendered(content, documents.document_filename("sertifikat", event, "zip"), ZIP)


CERTIFICATES_PDF = DocumentKind(_("Certificates in one PDF"), PERMISSION, _render_certificates_pdf, _allowed)
CERTIFICATES_ZIP = DocumentKind(_("Certificates as a ZIP"), PERMISSION, _render_certificates_zip, _allowed)


def certificates_printed(event: Event, *, scope) -> QuerySet[Certificate]:
    """The event's certificates printed in their current version, whose recipient `scope` may see."""
    certificates = Certificate.objects.filter(participant__event=event, rendered_version=F("version")).exclude(file="")
    return scope.filter(certificates, "participant__employee__unit")


def certificates_document_response(request: HttpRequest, event: Event, *, fmt: str) -> HttpResponse:
    """The view's answer for the event's printed certificates in one PDF (`fmt` "pdf") or a ZIP ("zip"),
    made in the background (merging 600 files takes seconds): 404 while none is printed. The fingerprint:
    the printed certificates' count, latest print and versions, and their recipients' latest change (the
    order and the names in the ZIP). One query."""
    scope = staff_scope(request.user)
    state = certificates_printed(event, scope=scope).aggregate(
        count=Count("pk"),
        printed=Max("rendered_at"),
        versions=Sum("version"),
        ids=Sum("pk"),
        people=Max("participant__employee__updated_at"),
    )
    if not state["count"]:
        raise Http404(_("No certificate of this event has been printed yet."))
    return document_response(
        request,
        kind=f"{__name__}.CERTIFICATES_{fmt.upper()}",
        params={"event": event.pk, "units": scope_param(scope)},
        fingerprint=fingerprint_of(state),
    )
