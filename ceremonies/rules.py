"""What may happen to an event and its participants, and when: pure functions, no ORM, no clock.

DESIGN.md section 5 (Ceremonies, Trainings): a farewell (pelepasan purna tugas) honours those who have
just retired or are about to, and hands them the SK pensiun, the piagam, THT and tali asih; a training
(pelatihan persiapan purna tugas) is held in batches for people in their last year or so of service.
Who may be a participant follows from that: not the dead, not someone who left long ago, and for a
training someone still in service whose TMT pensiun is near. The windows are settings (regions differ).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from employees.retirement import add_months
from purna.formatting import jam_zona, tanggal

# Event kinds and statuses, as stored (ceremonies.models.EventKind / EventStatus / ParticipantStatus).
FAREWELL, TRAINING, OTHER = "pelepasan", "pelatihan", "lainnya"
DRAFT, PUBLISHED, HELD, CLOSED = "draf", "terbit", "terlaksana", "ditutup"
NOT_INVITED, INVITED, CONFIRMED, DECLINED, ATTENDED, ABSENT = (
    "belum_diundang",
    "diundang",
    "hadir_konfirmasi",
    "menolak",
    "hadir",
    "tidak_hadir",
)
# Employee statuses (employees.choices.EmployeeStatus).
IN_SERVICE = frozenset({"aktif", "mpp"})
DECEASED = "meninggal"

# draft -> published -> held -> closed; a published event may go back to draft (a date moved).
EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({PUBLISHED}),
    PUBLISHED: frozenset({DRAFT, HELD}),
    HELD: frozenset({CLOSED}),
    CLOSED: frozenset(),
}


# What the button that moves an event to each status says, in the order the buttons are offered; going
# back to draft is a step back (shown quieter).
EVENT_ACTIONS: dict[str, Promise] = {
    PUBLISHED: gettext_lazy("Publish"),
    DRAFT: gettext_lazy("Back to draft"),
    HELD: gettext_lazy("Mark as held"),
    CLOSED: gettext_lazy("Close the event"),
}
STEPS_BACK = frozenset({DRAFT})


def event_transition_allowed(from_status: str, to_status: str) -> bool:
    return to_status in EVENT_TRANSITIONS.get(from_status, frozenset())


def event_changeable(status: str) -> bool:
    """An event's details and agenda may change until it is closed."""
    return status != CLOSED


def participants_editable(status: str) -> bool:
    """Participants are added and removed until the event has been held."""
    return status in (DRAFT, PUBLISHED)


def invitations_allowed(status: str) -> bool:
    """Invitations go out once the event is published, and not after it took place."""
    return status == PUBLISHED


def attendance_allowed(status: str) -> bool:
    """Check-in is open on a published event (the day itself) and while it is being wrapped up."""
    return status in (PUBLISHED, HELD)


def undo_allowed(status: str, event_last_day: dt.date, today: dt.date) -> bool:
    """A check-in or a souvenir may be taken back while attendance is open and until the end of the event's
    (last) day: afterwards the record of who came stands."""
    return attendance_allowed(status) and today <= event_last_day


def checkin_qr_shown(*, status: str, participant_status: str, now: dt.datetime, ends_at: dt.datetime) -> bool:
    """Whether the portal shows a participant their check-in QR code: invited (or having said they come) to
    an event whose attendance is open and which has not ended."""
    return attendance_allowed(status) and now < ends_at and participant_status in (INVITED, CONFIRMED)


def event_period_errors(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> dict[str, list[str]]:
    """An event (or an agenda item) ends after it starts."""
    if starts_at and ends_at and ends_at <= starts_at:
        return {"ends_at": [_("The end must be after the start.")]}
    return {}


def session_period_errors(
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    *,
    event_starts_at: dt.datetime,
    event_ends_at: dt.datetime,
) -> dict[str, list[str]]:
    """An agenda item ends after it starts, and lies within its event's time (a 13:00-14:00 item of an
    event held 09:00-12:00 is refused, saying when the event is)."""
    errors = event_period_errors(starts_at, ends_at)
    if errors or starts_at is None or ends_at is None:
        return errors
    start, end = timezone.localtime(event_starts_at), timezone.localtime(event_ends_at)
    period = {
        "start": f"{tanggal(start.date())} {jam_zona(start)}",
        "end": f"{tanggal(end.date())} {jam_zona(end)}" if end.date() != start.date() else jam_zona(end),
    }
    if starts_at < event_starts_at:
        errors["starts_at"] = [
            _("The agenda item starts before the event: the event runs %(start)s - %(end)s.") % period
        ]
    if ends_at > event_ends_at:
        errors["ends_at"] = [_("The agenda item ends after the event: the event runs %(start)s - %(end)s.") % period]
    return errors


@dataclass(frozen=True)
class Candidate:
    """What decides whether an employee may take part: their status and the TMT they leave on."""

    status: str
    tmt: dt.date | None


def participant_refusal(
    candidate: Candidate, *, kind: str, event_day: dt.date, farewell_months_after: int, training_months_before: int
) -> str:
    """Why this employee cannot take part in an event of `kind` held on `event_day`, or "".

    - nobody who has died (their heirs are honoured otherwise: a janda/duda pension, tali asih to heirs);
    - a farewell: whoever has not left the service more than `farewell_months_after` months before the
      event (a farewell is held a few times a year for those who retired since the last one, or retire
      soon);
    - a training: someone still in service whose TMT falls within `training_months_before` months
      after the event.
    """
    if candidate.status == DECEASED:
        return _("This employee is recorded as deceased.")
    if kind == FAREWELL:
        if candidate.tmt is not None and candidate.tmt < add_months(event_day, -farewell_months_after):
            return _("This employee retired more than %(months)d months before the event.") % {
                "months": farewell_months_after
            }
        if candidate.status not in IN_SERVICE and candidate.status != "pensiun":
            return _("This employee has left the service.")
        return ""
    if kind == TRAINING:
        if candidate.status not in IN_SERVICE:
            return _("A training is for employees still in service.")
        if candidate.tmt is None or candidate.tmt > add_months(event_day, training_months_before):
            return _("A training is for employees whose TMT pensiun is within %(months)d months of it.") % {
                "months": training_months_before
            }
        if candidate.tmt <= event_day:
            return _("This employee's TMT pensiun is before the training.")
        return ""
    if candidate.status not in IN_SERVICE and candidate.status != "pensiun":
        return _("This employee has left the service.")
    return ""


def capacity_left(capacity: int | None, taken: int) -> int | None:
    """Places left (None: no limit)."""
    return None if capacity is None else max(capacity - taken, 0)


def rsvp_open(*, status: str, participant_status: str, now: dt.datetime, starts_at: dt.datetime) -> str:
    """Why an invitation can no longer be answered, or "": only a published event, before it starts,
    and only by someone invited (who may change their answer)."""
    if status != PUBLISHED or now >= starts_at:
        return _("This event can no longer be answered: it has started or was changed.")
    if participant_status not in (INVITED, CONFIRMED, DECLINED):
        return _("This invitation is no longer valid.")
    return ""


def event_started(starts_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether the event has begun: its invitation emails are cancelled by the outbox from then on
    (ceremonies/notifications.py), so staff are warned before publishing or inviting."""
    return starts_at <= now
