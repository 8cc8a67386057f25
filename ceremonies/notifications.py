"""The ceremonies' emails, on the outbox of purna.notifications (found at start-up like admin.py, by
registry.autodiscover).

- "ceremonies.invitation": the invitation to an event, queued by
  ceremonies.services.invitations.invitations_send, one per participant and invitation (version). Its
  text is read when it is sent, so the RSVP link is signed then, for the participant's version; a
  message whose participant was removed, whose event is no longer published or has started, or which a
  newer invitation replaced, is cancelled instead of sent.

- "ceremonies.certificate_ready": a certificate is printed and can be downloaded from the retirees'
  portal, queued by ceremonies.services.certificates.certificates_ready_notify when its batch is done,
  once per certificate and version. Cancelled if the certificate is revoked or re-issued before it goes.

- "ceremonies.feedback_reminder": after a training, the reminder to rate it, with the participant's own
  link to the form, queued once per participant by ceremonies.services.feedback.feedback_reminders_queue
  (Celery beat). The link is made when it is sent; a reminder whose participant rated the training
  meanwhile, or whose form closed, is cancelled instead.

Invitations are about a participant ("ceremonies.participant"), "certificate ready" emails about the
certificate ("ceremonies.certificate"): the outbox links the former to the participant's page, and
staff limited to some units read only those about their units' people.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ceremonies.feedback import feedback_closes_at
from ceremonies.models import Certificate, CertificateStatus, EventStatus, Participant, TrainingFeedback
from ceremonies.services import feedback as services_feedback
from ceremonies.services import invitations as services_invitations
from ceremonies.services.certificates import READY_KIND
from employees.scope import staff_scope
from purna.notifications import registry
from purna.notifications.models import Message
from purna.notifications.rendering import site_url

MODEL = "ceremonies.participant"
CERTIFICATE_MODEL = "ceremonies.certificate"


def _participants(messages: Sequence[Message]) -> dict[int, Participant]:
    return registry.objects_about(messages, Participant.objects.select_related("event__presiding_official", "employee"))


def invitation_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    """Cancel an invitation whose participant is gone, whose event is no longer published or has begun,
    or that a newer invitation replaced (its links would not work). One query for the batch."""
    participants = _participants(messages)
    now = timezone.now()
    reasons = {}
    for message in messages:
        participant = participants.get(message.object_id)
        if participant is None:
            reasons[message.pk] = _("The participant was removed from the event.")
        elif participant.event.status != EventStatus.PUBLISHED:
            reasons[message.pk] = _("The event is no longer published.")
        elif participant.event.starts_at <= now:
            reasons[message.pk] = _("The event has already started.")
        elif message.context.get("version") != participant.rsvp_version:
            reasons[message.pk] = _("A newer invitation was sent to this participant.")
    return reasons


def invitation_context(messages: Sequence[Message]) -> Mapping[int, Mapping[str, Any]]:
    """What the invitation's templates show, read when sending: the event, its day and time in the
    site's zone, the venue, who presides, the companion and the two answer links. One query."""
    participants = _participants(messages)
    contexts = {}
    for message in messages:
        participant = participants.get(message.object_id)
        if participant is None:
            # Removed between still_due and now: still_due cancels it on the next attempt.
            continue
        event = participant.event
        rsvp_url = site_url(services_invitations.rsvp_path(participant))
        contexts[message.pk] = {
            "participant": participant,
            "event": event,
            "when": services_invitations.event_when_local(event),
            "official": event.presiding_official,
            "rsvp_url": rsvp_url,
            "confirm_url": f"{rsvp_url}?jawab=hadir",
            "decline_url": f"{rsvp_url}?jawab=tidak",
        }
    return contexts


def feedback_reminder_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    """Cancel a reminder whose participant is gone, has rated the training since, or can no longer rate
    it (the form closed). Two queries for the batch."""
    participants = _participants(messages)
    rated = set(
        TrainingFeedback.objects.filter(participant_id__in=list(participants)).values_list("participant_id", flat=True)
    )
    now = timezone.now()
    reasons = {}
    for message in messages:
        participant = participants.get(message.object_id)
        if participant is None:
            reasons[message.pk] = _("The participant was removed from the event.")
        elif participant.pk in rated:
            reasons[message.pk] = _("The participant has rated the training.")
        else:
            refusal = services_feedback.feedback_refusal_for(participant, now=now)
            if refusal:
                reasons[message.pk] = refusal
    return reasons


def feedback_reminder_context(messages: Sequence[Message]) -> Mapping[int, Mapping[str, Any]]:
    """The training, its days, the personal link to the form (made now) and the last day it is open."""
    participants = _participants(messages)
    contexts = {}
    for message in messages:
        participant = participants.get(message.object_id)
        if participant is None:
            continue
        event = participant.event
        closes_at = timezone.localtime(feedback_closes_at(event.ends_at, settings.PURNA_FEEDBACK_DAYS))
        contexts[message.pk] = {
            "participant": participant,
            "event": event,
            "when": services_invitations.event_when_local(event),
            "feedback_url": site_url(services_feedback.feedback_path(participant)),
            "closes_on": closes_at.date(),
        }
    return contexts


def participants_in_scope(user: Any) -> QuerySet | None:
    """The outbox's view of messages about participants: None for staff who see every unit, else the
    ids of the participants of their scope."""
    scope = staff_scope(user)
    return None if scope.is_all else scope.filter(Participant.objects.all(), "employee__unit").values("pk")


def _certificates(messages: Sequence[Message]) -> dict[int, Certificate]:
    return registry.objects_about(messages, Certificate.objects.select_related("participant__event"))


def certificate_ready_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    """Cancel the news of a certificate revoked, or replaced by a newer version (that one has its own)."""
    certificates = _certificates(messages)
    reasons = {}
    for message in messages:
        certificate = certificates.get(message.object_id)
        if certificate is None or certificate.status != CertificateStatus.VALID:
            reasons[message.pk] = _("The certificate was revoked.")
        elif message.context.get("version") != certificate.version:
            reasons[message.pk] = _("The certificate was re-issued since.")
    return reasons


def certificate_ready_context(messages: Sequence[Message]) -> Mapping[int, Mapping[str, Any]]:
    """The certificate, its event and the portal's address, where it is downloaded. One query."""
    certificates = _certificates(messages)
    portal_url = site_url(reverse("portal:home"))
    return {
        message.pk: {
            "certificate": certificates[message.object_id],
            "event": certificates[message.object_id].participant.event,
            "portal_url": portal_url,
        }
        for message in messages
        if message.object_id in certificates
    }


def certificates_in_scope(user: Any) -> QuerySet | None:
    """The outbox's view of messages about certificates: those of the participants of the user's units."""
    scope = staff_scope(user)
    certificates = Certificate.objects.all()
    return None if scope.is_all else scope.filter(certificates, "participant__employee__unit").values("pk")


registry.about_url_register(MODEL, "ceremonies:participant")
registry.about_scope_register(CERTIFICATE_MODEL, certificates_in_scope)
registry.kind_register(
    registry.Kind(
        name=READY_KIND,
        label=gettext_lazy("Certificate ready (to the recipient)"),
        template_prefix="ceremonies/emails/certificate_ready",
        model=CERTIFICATE_MODEL,
        still_due=certificate_ready_still_due,
        context=certificate_ready_context,
    )
)
registry.about_scope_register(MODEL, participants_in_scope)
registry.kind_register(
    registry.Kind(
        name=services_feedback.REMINDER_KIND,
        label=gettext_lazy("Training rating reminder (to the participant)"),
        template_prefix="ceremonies/emails/feedback_reminder",
        model=MODEL,
        still_due=feedback_reminder_still_due,
        context=feedback_reminder_context,
    )
)
registry.kind_register(
    registry.Kind(
        name=services_invitations.KIND,
        label=gettext_lazy("Event invitation (to the participant)"),
        template_prefix="ceremonies/emails/invitation",
        model=MODEL,
        still_due=invitation_still_due,
        context=invitation_context,
    )
)
