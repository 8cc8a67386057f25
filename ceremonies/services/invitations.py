"""Invitations to an event and the retirees' answers (RSVP): the one write path for both.

- `invitations_send` marks participants invited and queues one email each through the outbox
  (purna.notifications), with the event as a calendar file (.ics) attached. Each invitation bumps the
  participant's `rsvp_version`, so the links of earlier invitations stop working (ceremonies/rsvp.py).
  Participants without an email address are marked invited too and reported back: they need a printed
  letter.
- `rsvp_respond` records the answer given through the signed link, with no account: the link is the
  proof (ceremonies/rsvp.py), and rules.rsvp_open decides whether the event can still be answered.
  With it, the retiree may say they come with their spouse and note access needs.

What became of each email (queued, sent, failed, cancelled and why) is the outbox's to say:
ceremonies.selectors.invitation_delivery reads it for the pages and the event report.

The email's text is rendered when it is sent (ceremonies/notifications.py), so its link carries the
participant's version at that moment; the .ics file is made here, at queueing time, and its link is
valid for the same version.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ceremonies import calendar, rsvp, rules
from ceremonies.exceptions import CeremonyError, RsvpError, RsvpGoneError
from ceremonies.formatting import event_when_in
from ceremonies.models import Event, Participant, ParticipantStatus
from ceremonies.selectors import INVITATION_KIND
from ceremonies.services.events import event_change_check
from employees.contact import employee_contact
from employees.family import relation_word
from employees.models import Child, Spouse
from employees.scope import ALL_UNITS, staff_scope
from purna.history import history_note, history_user
from purna.notifications.rendering import sender_load, site_url
from purna.notifications.services import AttachmentDraft, message_queue, send_after_commit
from purna.types import User

KIND = INVITATION_KIND
# A re-send reaches whoever has not taken part yet; after the day (attended, absent) there is nothing
# to invite to.
RESENDABLE = (
    ParticipantStatus.NOT_INVITED,
    ParticipantStatus.INVITED,
    ParticipantStatus.CONFIRMED,
    ParticipantStatus.DECLINED,
)
ANSWERS = {"confirm": ParticipantStatus.CONFIRMED, "decline": ParticipantStatus.DECLINED}


@dataclass
class InvitationReport:
    """What `invitations_send` did: who was emailed, who needs a printed letter, who was left out."""

    emailed: list[Participant] = field(default_factory=list)
    needs_letter: list[Participant] = field(default_factory=list)
    skipped: int = 0  # asked for explicitly but outside the actor's scope, of another event, or past the day

    @property
    def invited(self) -> int:
        return len(self.emailed) + len(self.needs_letter)


def rsvp_path(participant: Participant) -> str:
    """The path of the participant's current RSVP link (signed for their current rsvp_version)."""
    token = rsvp.token_make(participant_pk=participant.pk, version=participant.rsvp_version)
    return reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": token})


def event_when_local(event: Event) -> str:
    """ "Senin, 20 Januari 2027 pukul 09.00-12.00 WIB", in the site's time zone (settings.TIME_ZONE)."""
    return event_when_in(event.starts_at, event.ends_at, settings.TIME_ZONE).sentence


def _site_host() -> str:
    return urlsplit(settings.PURNA_SITE_URL).hostname or ""


def invitation_ics(
    *, participant: Participant, event: Event, sender_name: str = "", sender_email: str = "", now: dt.datetime
) -> bytes:
    """The .ics file of one participant's invitation (ceremonies/calendar.py)."""
    link = site_url(rsvp_path(participant))
    lines = [event_when_local(event)]
    if event.presiding_official_id:
        lines.append(_("Presided over by %(official)s.") % {"official": event.presiding_official})
    lines.append(_("Please tell us whether you will attend: %(link)s") % {"link": link})
    return calendar.ics_make(
        calendar.CalendarEvent(
            uid=calendar.uid_for(event_pk=event.pk, participant_pk=participant.pk, host=_site_host()),
            sequence=participant.rsvp_version,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            summary=event.title,
            location=event.venue,
            description="\n".join(lines),
            stamp=now,
            url=link if link.startswith("http") else "",
            organizer_name=sender_name,
            organizer_email=sender_email,
        )
    )


def invitations_send(
    *, event: Event, actor: User | None, participants: Iterable[Participant] | None = None
) -> InvitationReport:
    """Invite the event's participants in the actor's scope and queue their emails (one each, once).

    Without `participants`: everyone not invited yet. With `participants` (a list or queryset): those,
    even if already invited or answered; a new invitation asks again (their answer is reset), and
    their earlier links stop working. Participants outside the actor's scope, of another event or whose
    event day is over (attended, absent) are left out and counted in `skipped`.

    Only for a published event (rules.invitations_allowed); raises CeremonyError otherwise. The queries
    do not grow with the number of participants except for the outbox's own insert of each message
    and its attachment (purna.notifications.services.message_queue); after the commit, one task sends
    the whole batch.
    """
    # No actor: a system action (a management command, a task), as in ceremonies.services.participants_add.
    scope = staff_scope(actor) if actor is not None else ALL_UNITS
    asked = None if participants is None else {p.pk for p in participants}
    report = InvitationReport()
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        event_change_check(event=locked, actor=actor)
        if not rules.invitations_allowed(locked.status):
            raise CeremonyError(_("Invitations can be sent only for a published event."))
        rows = Participant.objects.select_for_update(of=("self",)).filter(event=locked).select_related("employee")
        rows = scope.filter(rows, "employee__unit")
        if asked is None:
            rows = rows.filter(status=ParticipantStatus.NOT_INVITED)
        else:
            rows = rows.filter(pk__in=sorted(asked), status__in=RESENDABLE)
        chosen = list(rows.order_by("pk"))
        if asked is not None:
            report.skipped = len(asked) - len(chosen)
        if not chosen:
            return report
        if locked.presiding_official_id:
            # One query for the description of every file, instead of one per participant.
            locked = Event.objects.select_related("presiding_official").get(pk=locked.pk)

        now = timezone.now()
        for participant in chosen:
            participant.event = locked
            participant.status = ParticipantStatus.INVITED
            participant.invited_at = now
            participant.responded_at = None
            participant.rsvp_version += 1
        # One UPDATE for all (the rows are locked, so each version is the one read + 1, as set above),
        # and one INSERT of their history rows.
        Participant.objects.filter(pk__in=[p.pk for p in chosen]).update(
            status=ParticipantStatus.INVITED, invited_at=now, responded_at=None, rsvp_version=F("rsvp_version") + 1
        )
        Participant.history.bulk_history_create(
            chosen,
            update=True,
            default_user=history_user(actor),
            default_change_reason="invitation",
            default_date=now,
        )

        sender = sender_load()
        for participant in chosen:
            employee = participant.employee
            to_email = employee_contact(employee, today=timezone.localdate()).email
            if not to_email:
                report.needs_letter.append(participant)
                continue
            ics = invitation_ics(
                participant=participant,
                event=locked,
                sender_name=sender.name,
                sender_email=sender.email,
                now=now,
            )
            message_queue(
                kind=KIND,
                recipient_key=f"employee:{employee.pk}",
                occasion=f"event-{locked.pk}-participant-{participant.pk}-v{participant.rsvp_version}",
                to_email=to_email,
                to_name=employee.display_name,
                about=participant,
                context={"version": participant.rsvp_version},
                attachments=[AttachmentDraft(filename="undangan.ics", mimetype="text/calendar", content=ics)],
                actor=history_user(actor),
                send_now=False,
            )
            report.emailed.append(participant)
        if report.emailed:
            # One hand-over for the whole batch: one task, one SMTP connection (DESIGN.md section 7).
            send_after_commit()
    return report


# --- Answers through the signed link -------------------------------------------------------------------


def _refusal(exc: rsvp.RsvpTokenError) -> RsvpError:
    return RsvpGoneError(str(exc)) if exc.gone else RsvpError(str(exc))


def _rsvp_checked(participant: Participant | None, claim: rsvp.RsvpClaim, now: dt.datetime) -> Participant:
    if participant is None:
        # A valid signature for a participant since removed from the event.
        raise RsvpGoneError(_("This invitation is no longer valid."))
    try:
        rsvp.version_check(claim, participant.rsvp_version)
    except rsvp.RsvpTokenError as exc:
        raise _refusal(exc) from exc
    refusal = rules.rsvp_open(
        status=participant.event.status,
        participant_status=participant.status,
        now=now,
        starts_at=participant.event.starts_at,
    )
    if refusal:
        raise RsvpGoneError(refusal)
    return participant


def heir_relation(heir: Spouse | Child, employee: Any) -> str:
    """The heir's relation to the participant who died, as the companion's relation: istri, suami, anak."""
    return relation_word(kind="spouse" if isinstance(heir, Spouse) else "child", employee_gender=employee.gender)


def _claim(pk: int, token: str) -> rsvp.RsvpClaim:
    try:
        return rsvp.token_read(token, pk=pk)
    except rsvp.RsvpTokenError as exc:
        raise _refusal(exc) from exc


def rsvp_participant_get(*, pk: int, token: str, now: dt.datetime | None = None) -> Participant:
    """The participant an RSVP link is for, with their event and employee, if the link may still be
    answered; raises RsvpError (RsvpGoneError for a link that was valid once) otherwise. Reads only."""
    claim = _claim(pk, token)
    participant = (
        Participant.objects.select_related("event__presiding_official", "employee").filter(pk=claim.participant_pk)
    ).first()
    return _rsvp_checked(participant, claim, now or timezone.now())


def rsvp_respond(
    *,
    pk: int,
    token: str,
    answer: str,
    with_spouse: bool | None = None,
    access_needs: str | None = None,
    heir: Spouse | Child | None = None,
) -> Participant:
    """Record a retiree's answer ("confirm" or "decline") given through their invitation link, and, when
    given (not None), whether they come with their spouse and what would help them on the day.

    An `heir` (a spouse or child of the participant, who died, signed in to the portal as such) answers
    for the family: coming, they are recorded as the participant's companion (the one who comes), and
    declining removes them as companion; the history names their account. Another employee's family
    member is refused.

    The row is locked so that a double tap, or two answers at once, are applied one after the other
    (the later one wins; the same answer twice changes nothing the second time). Raises RsvpError
    (nothing changed) for a bad link or answer, or an event that can no longer be answered.
    """
    if answer not in ANSWERS:
        raise RsvpError(_("Please choose whether you will attend."))
    claim = _claim(pk, token)
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("event", "employee")
            .filter(pk=claim.participant_pk)
            .first()
        )
        now = timezone.now()
        participant = _rsvp_checked(participant, claim, now)
        if heir is not None and heir.employee_id != participant.employee_id:
            raise RsvpError(_("This invitation belongs to another family."))
        status = ANSWERS[answer]
        changed = []
        if participant.status != status:
            participant.status = status
            participant.responded_at = now
            changed += ["status", "responded_at"]
        if heir is not None:
            with_spouse = None  # the one who comes is the heir, recorded as the companion
            companion = (
                (heir.name, heir_relation(heir, participant.employee))
                if status == ParticipantStatus.CONFIRMED
                else ("", "")
            )
            # Declining clears the companion only if it is this heir (staff may have named another one).
            concerns_heir = status == ParticipantStatus.CONFIRMED or participant.companion_name == heir.name
            if concerns_heir and (participant.companion_name, participant.companion_relation) != companion:
                participant.companion_name, participant.companion_relation = companion
                changed += ["companion_name", "companion_relation"]
        if with_spouse is not None and participant.with_spouse != with_spouse:
            participant.with_spouse = with_spouse
            changed.append("with_spouse")
        if access_needs is not None:
            access_needs = " ".join(access_needs.split())[:300]
            if participant.access_needs != access_needs:
                participant.access_needs = access_needs
                changed.append("access_needs")
        if not changed:
            return participant
        # The retiree answers without an account: no user, the reason says how it came. An heir answers
        # signed in to the portal: their account.
        history_note(
            participant, actor=heir.user if heir is not None else None, reason="rsvp ahli waris" if heir else "rsvp"
        )
        participant.save(update_fields=changed)
    return participant
