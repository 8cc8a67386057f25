"""Training feedback (ceremonies.models.TrainingFeedback): the one write path, used by the retirees'
portal. Who may answer and when is decided by ceremonies/feedback.py; this module reads the clock and
the setting, locks the participant's row (two tabs sending at once save one set of answers) and
creates or changes one row per rated session."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ceremonies import feedback
from ceremonies.exceptions import CeremonyError
from ceremonies.models import Participant, Session, TrainingFeedback
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
