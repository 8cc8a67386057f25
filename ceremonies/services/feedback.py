"""Training feedback (ceremonies.models.TrainingFeedback): the one write path, used by the retirees'
portal. Who may answer and when is decided by ceremonies/feedback.py; this module reads the clock and
the setting, locks the participant's row (two tabs sending at once save one set of answers) and
creates or changes one row per rated session. After a training, those who attended and rated nothing get
one reminder with their personal link (feedback_reminders_queue, from Celery beat)."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from ceremonies import feedback
from ceremonies.exceptions import CeremonyError
from ceremonies.models import EventKind, EventStatus, Participant, ParticipantStatus, Session, TrainingFeedback
from employees.choices import EmployeeStatus
from employees.contact import employee_contact
from purna.notifications.models import Message
from purna.notifications.services import message_queue, send_after_commit
from purna.types import User


def feedback_refusal_for(participant: Participant, *, now: dt.datetime) -> str:
    """Why `participant` (with its event loaded) may not answer now; "" when they may."""
    event = participant.event
    return feedback.feedback_refusal(
        kind=event.kind,
        event_status=event.status,
        participant_status=participant.status,
        ends_at=event.ends_at,
        now=now,
        days=settings.PURNA_FEEDBACK_DAYS,
    )


def training_feedback_save(
    *,
    participant: Participant,
    answers: Iterable[feedback.FeedbackAnswer],
    actor: User,
    now: dt.datetime | None = None,
) -> list[TrainingFeedback]:
    """Save a participant's ratings of the sessions of their training: one row per rated session,
    created or changed in place (a session left unrated keeps an earlier answer). Raises CeremonyError
    (nothing saved) when the form is not open to them or an answer is bad."""
    now = now or timezone.now()
    answers = list(answers)
    with transaction.atomic():
        locked = Participant.objects.select_for_update().select_related("event").get(pk=participant.pk)
        refusal = feedback_refusal_for(locked, now=now)
        if refusal:
            raise CeremonyError(refusal)
        sessions = {session.pk: session for session in Session.objects.filter(event_id=locked.event_id)}
        errors = feedback.answers_errors(answers, sessions)
        if errors:
            raise CeremonyError(errors=errors)
        existing = {row.session_id: row for row in TrainingFeedback.objects.filter(participant=locked)}
        saved = []
        for answer in answers:
            if answer.rating is None:
                continue
            row = existing.get(answer.session_id) or TrainingFeedback(participant=locked, session_id=answer.session_id)
            row.instructor_id = sessions[answer.session_id].instructor_id
            row.rating, row.usefulness, row.comment = answer.rating, answer.usefulness, answer.comment.strip()
            row.save()
            saved.append(row)
    return saved


# --- The reminder --------------------------------------------------------------------------------------

REMINDER_KIND = "ceremonies.feedback_reminder"


def feedback_link_max_age() -> dt.timedelta:
    """How long a rating link works: the form's window, and a day to spare (the form refuses once closed)."""
    return dt.timedelta(days=settings.PURNA_FEEDBACK_DAYS + 1)


def feedback_path(participant: Participant) -> str:
    """The path of the participant's personal rating link (the portal's form, without signing in)."""
    token = feedback.feedback_token_make(participant_pk=participant.pk)
    return reverse("portal:feedback_link", kwargs={"pk": participant.pk, "token": token})


def feedback_reminder_due(*, now: dt.datetime) -> QuerySet[Participant]:
    """The participants a rating reminder is due to at `now`: they attended a training that ended at least
    PURNA_FEEDBACK_REMINDER_AFTER_HOURS ago and whose form is still open (PURNA_FEEDBACK_DAYS), they
    have rated nothing, are alive and have had no reminder yet. With the employee and the event."""
    after = dt.timedelta(hours=settings.PURNA_FEEDBACK_REMINDER_AFTER_HOURS)
    reminded = Message.objects.filter(kind=REMINDER_KIND).values("object_id")
    return (
        Participant.objects.filter(
            event__kind=EventKind.TRAINING,
            status=ParticipantStatus.ATTENDED,
            event__ends_at__lte=now - after,
            event__ends_at__gt=now - dt.timedelta(days=settings.PURNA_FEEDBACK_DAYS),
        )
        .exclude(event__status=EventStatus.DRAFT)
        .exclude(employee__status=EmployeeStatus.MENINGGAL)
        .exclude(Exists(TrainingFeedback.objects.filter(participant=OuterRef("pk"))))
        .exclude(pk__in=reminded)
        .select_related("employee", "event")
        .order_by("pk")
    )


def feedback_reminders_queue(*, now: dt.datetime | None = None) -> int:
    """Queue one rating reminder (email with the personal link) to each participant it is due to
    (feedback_reminder_due) who has an email address, once: the outbox keeps one message per participant
    (its occasion), so running this again, or twice at once, queues nothing more. Returns how many were
    queued. The email's text and link are made when it is sent, and it is cancelled then if they rated
    the training meanwhile or the form closed (ceremonies/notifications.py)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = 0
    with transaction.atomic():
        for participant in feedback_reminder_due(now=now):
            employee = participant.employee
            to_email = employee_contact(employee, today=today).email
            if not to_email:
                continue
            _message, created = message_queue(
                kind=REMINDER_KIND,
                recipient_key=f"employee:{employee.pk}",
                occasion=f"feedback-reminder-participant-{participant.pk}",
                to_email=to_email,
                to_name=employee.display_name,
                about=participant,
                send_now=False,
            )
            queued += created
        if queued:
            send_after_commit()
    return queued
