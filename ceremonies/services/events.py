"""The one write path for events and their participants (DESIGN.md section 2: services).

Every service takes the `actor`, checks it against the rules (ceremonies/rules.py) and the actor's
scope (employees/scope.py), works inside a transaction, records history (django-simple-history, with
the actor) and raises CeremonyError, field by field, when nothing was changed.

Capacity holds even when two staff add participants at the same moment: adding locks the event's row
first, then counts.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Literal, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from ceremonies import attendance, rules
from ceremonies import certificates as certificate_texts
from ceremonies.exceptions import CeremonyError
from ceremonies.models import (
    Attendance,
    Event,
    EventStatus,
    Instructor,
    Official,
    Participant,
    ParticipantStatus,
    Session,
)
from ceremonies.selectors import CHECK_IN_ALL_REASON, attendance_parts
from employees.models import Employee, UnitKerja
from employees.scope import staff_scope
from purna.history import REASON_MAX_LENGTH, history_note, history_user
from purna.types import User

EVENT_FIELDS = {
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "organizer",
    "description",
    "capacity",
    "presiding_official",
    "print_offset_x_mm",
    "print_offset_y_mm",
    "certificate_wording",
    "certificate_logo",
    "attendance_by",
}
SESSION_FIELDS = {"starts_at", "ends_at", "topic", "instructor", "notes"}


class EventFields(TypedDict, total=False):
    """What event_create and event_update take (EVENT_FIELDS), typed as the forms give them; a field
    left out keeps the model's default (create) or its stored value (update)."""

    kind: str
    title: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    venue: str
    organizer: UnitKerja | None
    description: str
    capacity: int | None
    presiding_official: Official | None
    print_offset_x_mm: int
    print_offset_y_mm: int
    certificate_wording: str
    # An upload, a stored name, or False when the form's "clear" box is ticked.
    certificate_logo: File | str | Literal[False] | None
    attendance_by: str


class SessionFields(TypedDict, total=False):
    """What session_save takes (SESSION_FIELDS)."""

    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    topic: str
    instructor: Instructor | None
    notes: str


def _check_fields(fields: Mapping[str, object], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


def _validate(instance: Any, extra: dict[str, list[str]] | None = None, *, exclude: Iterable[str] = ()) -> None:
    errors: dict[str, list[str]] = dict(extra or {})
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise CeremonyError(errors=errors)


def event_change_check(*, event: Event, actor: User | None) -> None:
    """Refuse (CeremonyError) an actor whose scope does not hold the event's organising unit, as stored:
    staff who see an event only through participants of their units may not change it, nor anything in it.
    No actor: a system action (a management command, a task)."""
    if actor is not None and not staff_scope(actor).covers(event.organizer_id):
        raise CeremonyError(_("This event is organised by another work unit: only its organisers may change it."))


def _organizer_check(actor: User | None, event: Event) -> dict[str, list[str]]:
    if actor is not None and event.organizer_id and not staff_scope(actor).covers(event.organizer_id):
        return {"organizer": [_("Choose one of your own work units.")]}
    return {}


# --- Events --------------------------------------------------------------------------------------------


def event_validate(*, event: Event, actor: User) -> None:
    """Raise CeremonyError, field by field, if the event cannot be saved as it is: its fields, an end
    after the start, an organising unit of the actor's own, a capacity not below its participants."""
    errors = {**rules.event_period_errors(event.starts_at, event.ends_at), **_organizer_check(actor, event)}
    wording_errors = certificate_texts.wording_template_errors(event.certificate_wording)
    if wording_errors:
        errors["certificate_wording"] = wording_errors
    if event.pk is not None and event.capacity is not None:
        taken = Participant.objects.filter(event_id=event.pk).count()
        if event.capacity < taken:
            errors.setdefault("capacity", []).append(
                _("The event already has %(n)d participants: the capacity cannot be lower.") % {"n": taken}
            )
    _validate(event, errors, exclude=["created_by"])


def event_create(*, actor: User, signatories: Iterable[Official] = (), **fields: Unpack[EventFields]) -> Event:
    """Plan an event (a draft): kind, title, start and end (time-zone aware), venue, organising unit
    (one of the actor's own), capacity, presiding official and the officials who sign certificates."""
    _check_fields(fields, EVENT_FIELDS)
    event = Event(**fields, created_by=history_user(actor))
    event_validate(event=event, actor=actor)
    with transaction.atomic():
        history_note(event, actor=actor)
        event.save()
        event.signatories.set(list(signatories))
    return event


def _event_locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def event_update(
    *, event: Event, actor: User, signatories: Iterable[Official] | None = None, **changes: Unpack[EventFields]
) -> Event:
    """Change an event that is not closed; the capacity cannot drop below the participants it has."""
    _check_fields(changes, EVENT_FIELDS)
    with transaction.atomic():
        locked = _event_locked(event)
        event_change_check(event=locked, actor=actor)
        if locked.status == EventStatus.CLOSED:
            raise CeremonyError(_("This event is closed and can no longer be changed."))
        if (
            "attendance_by" in changes
            and changes["attendance_by"] != locked.attendance_by
            and Attendance.objects.filter(participant__event=locked).exists()
        ):
            raise CeremonyError(
                errors={
                    "attendance_by": [
                        _("Attendance has already been taken for this event: how it is taken can no longer change.")
                    ]
                }
            )
        for name, value in changes.items():
            setattr(locked, name, value)
        event_validate(event=locked, actor=actor)
        history_note(locked, actor=actor)
        locked.save()
        if signatories is not None:
            locked.signatories.set(list(signatories))
    return locked


def event_transition(*, event: Event, to_status: str, actor: User) -> Event:
    """Move an event along draft -> published -> held -> closed (or a published one back to draft).

    Closing an event records the participants who never checked in as absent.
    """
    with transaction.atomic():
        locked = _event_locked(event)
        event_change_check(event=locked, actor=actor)
        if not rules.event_transition_allowed(locked.status, to_status):
            raise CeremonyError(
                _('This event is "%(from)s" and cannot become "%(to)s".')
                % {"from": locked.get_status_display(), "to": EventStatus(to_status).label}
            )
        locked.status = to_status
        history_note(locked, actor=actor)
        locked.save(update_fields=["status"])
        if to_status == EventStatus.CLOSED:
            for participant in Participant.objects.filter(event=locked).exclude(status=ParticipantStatus.ATTENDED):
                participant.status = ParticipantStatus.ABSENT
                history_note(participant, actor=actor, reason="event closed")
                participant.save(update_fields=["status"])
    return locked


# --- Agenda --------------------------------------------------------------------------------------------


def session_save(
    *, event: Event, actor: User, session: Session | None = None, **fields: Unpack[SessionFields]
) -> Session:
    """Add an agenda item to an event, or change one; it ends after it starts, within the event's time."""
    _check_fields(fields, SESSION_FIELDS)
    with transaction.atomic():
        locked = _event_locked(event)
        event_change_check(event=locked, actor=actor)
        if locked.status == EventStatus.CLOSED:
            raise CeremonyError(_("This event is closed and can no longer be changed."))
        session = session or Session(event=locked)
        for name, value in fields.items():
            setattr(session, name, value)
        _validate(
            session,
            rules.session_period_errors(
                session.starts_at, session.ends_at, event_starts_at=locked.starts_at, event_ends_at=locked.ends_at
            ),
        )
        session.save()
    return session


def session_delete(*, session: Session, actor: User) -> None:
    with transaction.atomic():
        locked = _event_locked(session.event)
        event_change_check(event=locked, actor=actor)
        if locked.status == EventStatus.CLOSED:
            raise CeremonyError(_("This event is closed and can no longer be changed."))
        if Attendance.objects.filter(session=session).exists():
            raise CeremonyError(_("Attendance has been taken at this session: it stays on the agenda."))
        session.delete()


# --- Participants ------------------------------------------------------------------------------------


def participant_refusal(*, event: Event, employee: Employee) -> str:
    """Why `employee` cannot take part in `event` ("" if they can), by ceremonies.rules."""
    return rules.participant_refusal(
        rules.Candidate(status=employee.status, tmt=employee.tmt_effective or employee.tmt_pensiun),
        kind=event.kind,
        event_day=timezone.localtime(event.starts_at).date(),
        farewell_months_after=settings.PURNA_FAREWELL_MONTHS_AFTER_TMT,
        training_months_before=settings.PURNA_TRAINING_MONTHS_BEFORE_TMT,
    )


def participants_add(*, event: Event, employees: Iterable[Employee], actor: User | None) -> list[Participant]:
    """Add employees to an event, all or none; those already in it are skipped. Returns the new ones.

    Refused, with one message per person: an employee outside the actor's scope, one the rules refuse
    (deceased, retired long ago, not near retirement for a training), and any addition past the
    capacity. The event's row is locked before counting, so two staff adding at the same moment cannot
    together pass the capacity.
    """
    employees = list(employees)
    scope = staff_scope(actor) if actor is not None else None
    with transaction.atomic():
        locked = _event_locked(event)
        event_change_check(event=locked, actor=actor)
        if not rules.participants_editable(locked.status):
            raise CeremonyError(_("Participants can no longer be added: the event has been held."))
        present = set(Participant.objects.filter(event=locked).values_list("employee_id", flat=True))
        errors: list[str] = []
        new = []
        for employee in employees:
            if employee.pk in present:
                continue
            if scope is not None and not scope.covers(employee.unit_id):
                errors.append(_("%(name)s: not an employee of your work units.") % {"name": employee.display_name})
                continue
            refusal = participant_refusal(event=locked, employee=employee)
            if refusal:
                errors.append(f"{employee.display_name}: {refusal}")
                continue
            present.add(employee.pk)
            new.append(employee)
        left = rules.capacity_left(locked.capacity, len(present) - len(new))
        if left is not None and len(new) > left:
            errors.insert(
                0,
                ngettext(
                    "Only %(left)d place is left of %(capacity)d: %(asked)d cannot all be added.",
                    "Only %(left)d places are left of %(capacity)d: %(asked)d cannot all be added.",
                    left,
                )
                % {"left": left, "capacity": locked.capacity, "asked": len(new)},
            )
        if errors:
            raise CeremonyError(errors={"__all__": errors})
        added = []
        for employee in new:
            participant = Participant(event=locked, employee=employee, added_by=history_user(actor))
            history_note(participant, actor=actor)
            participant.save()
            added.append(participant)
    return added


def _participant_locked(participant: Participant) -> Participant:
    """The participant's row, and its event's, locked in the order every service takes them: the event's
    first (as participants_check_in_all and event_status do), then the participant's. Locked in one
    statement the two came in the other order, and a check-in beside a "check everyone in" deadlocked."""
    event = _event_locked(Event(pk=participant.event_id))
    locked = Participant.objects.select_for_update(of=("self",)).select_related("employee").get(pk=participant.pk)
    locked.event = event
    return locked


def participant_update(
    *, participant: Participant, actor: User, companion_name: str, companion_relation: str
) -> Participant:
    """Record the companion (spouse, child) who comes with the participant."""
    with transaction.atomic():
        locked = _participant_locked(participant)
        event_change_check(event=locked.event, actor=actor)
        if locked.event.status == EventStatus.CLOSED:
            raise CeremonyError(_("This event is closed and can no longer be changed."))
        locked.companion_name = companion_name.strip()
        locked.companion_relation = companion_relation.strip() if locked.companion_name else ""
        _validate(locked)
        history_note(locked, actor=actor)
        locked.save()
    return locked


def participant_remove(*, participant: Participant, actor: User) -> None:
    """Take a participant off an event before it is held; someone who attended stays on the record."""
    with transaction.atomic():
        locked = _participant_locked(participant)
        event_change_check(event=locked.event, actor=actor)
        if not rules.participants_editable(locked.event.status) or locked.status == ParticipantStatus.ATTENDED:
            raise CeremonyError(_("This participant can no longer be removed: the event has been held."))
        history_note(locked, actor=actor, reason="removed")
        locked.delete()


# --- On the day ------------------------------------------------------------------------------------------


def _part(event: Event, key: str | None, at: dt.datetime) -> attendance.Part | None:
    """The day or session a check-in (or its undo) at `event` is for: None for a one-day event, which
    takes a single check-in; CeremonyError when `key` names no part of the event."""
    parts = attendance_parts(event=event)
    if not parts:
        return None
    part = attendance.part_chosen(parts, key, at)
    if part is None:
        raise CeremonyError(_("This day or session is not part of this event."))
    return part


def _attendance_of_part(part: attendance.Part) -> QuerySet[Attendance]:
    """The attendance rows of the day or session `part` (of anyone)."""
    if part.session_id is not None:
        return Attendance.objects.filter(session_id=part.session_id)
    return Attendance.objects.filter(day=part.day, session__isnull=True)


def _attendance_of(participant: Participant, part: attendance.Part) -> QuerySet[Attendance]:
    return _attendance_of_part(part).filter(participant=participant)


# What a check-in changes on the participant's row: one list for the single check-in's save and the
# check-in-all's bulk update.
CHECK_IN_FIELDS = ["status", "checked_in_at", "checked_in_by_id"]


def _attendance_row(
    participant: Participant, part: attendance.Part, actor: User, at: dt.datetime, reason: str
) -> Attendance:
    """The participant's attendance of the day or session `part`, noted for history, not yet saved."""
    row = Attendance(
        participant=participant,
        day=part.day,
        session_id=part.session_id,
        checked_in_at=at,
        checked_in_by=history_user(actor),
    )
    history_note(row, actor=actor, reason=reason)
    return row


def _mark_attended(participant: Participant, actor: User, at: dt.datetime, reason: str) -> bool:
    """The participant attended the event (at least once): their status and first check-in time, set and
    noted for history on the instance; True when its row changed and is to be saved (CHECK_IN_FIELDS)."""
    if participant.status == ParticipantStatus.ATTENDED:
        if participant.checked_in_at is None or at < participant.checked_in_at:
            # A phone's check-in of an earlier day, synced after a later one: the first one counts.
            participant.checked_in_at = at
            history_note(participant, actor=actor, reason=reason)
            return True
        return False
    participant.status = ParticipantStatus.ATTENDED
    participant.checked_in_at = at
    participant.checked_in_by = history_user(actor)
    history_note(participant, actor=actor, reason=reason)
    return True


def participant_check_in(
    *, participant: Participant, actor: User, now: dt.datetime | None = None, part: str | None = None
) -> tuple[Participant, bool]:
    """Mark a participant present; (participant, True) if this call did it, False if they already were.

    An event held over several days takes attendance per day or per session (ceremonies/attendance.py):
    `part` names the day or session (its key), else the one under way at `now`; the participant attended
    the event from their first one on. A one-day event takes a single check-in and ignores `part`.
    Checking in twice (two staff, a double tap, a QR scanned again, two phones syncing) changes nothing
    the second time: the participant's row is locked first.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _participant_locked(participant)
        event_change_check(event=locked.event, actor=actor)
        chosen = _part(locked.event, part, now)
        if chosen is None:
            if locked.status == ParticipantStatus.ATTENDED:
                return locked, False
        elif _attendance_of(locked, chosen).exists():
            return locked, False
        if not rules.attendance_allowed(locked.event.status):
            raise CeremonyError(_("Attendance is taken once the event is published, until it is closed."))
        if chosen is not None:
            _attendance_row(locked, chosen, actor, now, "check-in").save()
        if _mark_attended(locked, actor, now, "check-in" if chosen is None else f"check-in ({chosen.key})"):
            locked.save()
    return locked, True


def _check_ins_save(participants: list[Participant]) -> None:
    """Save what _mark_attended set on `participants` (CHECK_IN_FIELDS) with their history rows: one
    UPDATE for each set of values written (one for those checked in now; those already attended on
    another day keep who checked them in first), then the history rows in one INSERT.

    Not simple-history's bulk_update_with_history: Django's bulk_update writes a CASE per row and field,
    whose building cost 0.4 s of CPU at 600 participants (bench/event_pages.py) for values all alike."""
    by_values: dict[tuple[Any, ...], list[int]] = {}
    for participant in participants:
        values = tuple(getattr(participant, field) for field in CHECK_IN_FIELDS)
        by_values.setdefault(values, []).append(participant.pk)
    for values, pks in by_values.items():
        Participant.objects.filter(pk__in=pks).update(**dict(zip(CHECK_IN_FIELDS, values, strict=True)))
    if participants:
        Participant.history.bulk_history_create(participants, update=True)


def participants_check_in_all(*, event: Event, actor: User, part: str | None = None) -> int:
    """Mark every participant of the event in the actor's scope present (those already present are left
    as they are), for the day or session `part` names (else the one under way) when the event takes
    attendance per day or session; returns how many were marked.

    Writes what participant_check_in writes for each (the attendance row, the participant's status and
    first check-in time, a history row for each with who and why), set-wise: a fixed number of queries
    whatever the number of participants (600 at a province's ceremony, inside one request). Two clicks at
    once mark each person once: the event's row is locked first, then the participants' rows, and the
    attendance already taken is read only once those locks are held (a single check-in that committed
    while this one waited is seen). Everyone it marks holds the same check-in time, by which
    participants_check_in_all_undo finds them again."""
    scope = staff_scope(actor)
    with transaction.atomic():
        locked = _event_locked(event)
        event_change_check(event=locked, actor=actor)
        if not rules.attendance_allowed(locked.status):
            raise CeremonyError(_("Attendance is taken once the event is published, until it is closed."))
        now = timezone.now()
        chosen = _part(locked, part, now)
        pending = scope.filter(Participant.objects.filter(event=locked), "employee__unit")
        if chosen is None:
            # (A row a check-in changed while this waited for its lock is read again, and left out.)
            pending = pending.exclude(status=ParticipantStatus.ATTENDED)
        # Only the participants' rows are locked (not their employees' or units'), in one order.
        participants = list(pending.select_for_update(of=("self",)).order_by("pk"))
        reason = CHECK_IN_ALL_REASON
        if chosen is not None:
            # Read once the locks are held: a check-in of this day that committed meanwhile is seen.
            present = set(
                _attendance_of_part(chosen).filter(participant__event=locked).values_list("participant_id", flat=True)
            )
            participants = [participant for participant in participants if participant.pk not in present]
            rows = [_attendance_row(participant, chosen, actor, now, reason) for participant in participants]
            bulk_create_with_history(rows, Attendance)
        changed = [participant for participant in participants if _mark_attended(participant, actor, now, reason)]
        _check_ins_save(changed)
    return len(participants)


def souvenir_hand(
    *, participant: Participant, actor: User, note: str = "", now: dt.datetime | None = None
) -> tuple[Participant, bool]:
    """Record the souvenir (kenang-kenangan) handed to a participant; handing it twice changes nothing."""
    with transaction.atomic():
        locked = _participant_locked(participant)
        event_change_check(event=locked.event, actor=actor)
        if locked.souvenir_at is not None:
            return locked, False
        if not rules.attendance_allowed(locked.event.status):
            raise CeremonyError(_("Souvenirs are handed once the event is published, until it is closed."))
        locked.souvenir_at = now or timezone.now()
        locked.souvenir_by = history_user(actor)
        locked.souvenir_note = note.strip()[:200]
        history_note(locked, actor=actor, reason="souvenir")
        locked.save()
    return locked, True


# --- Taking back a check-in or a souvenir (a wrong tap) ----------------------------------------------------


def _undo_check(event: Event, reason: str, now: dt.datetime | None) -> str:
    """The reason, cleaned; CeremonyError when there is none or the event's day is over."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise CeremonyError(errors={"reason": [_("Say why it is being undone.")]})
    today = timezone.localdate(now or timezone.now())
    if not rules.undo_allowed(event.status, timezone.localdate(event.ends_at), today):
        raise CeremonyError(_("This can only be undone on the day of the event, while attendance is open."))
    return reason


def _statuses_before_check_in(participants: list[Participant]) -> dict[int, str]:
    """What each participant's status was before they were checked in (their latest history row not
    "attended"), else what their invitation and answer say; one read of their history."""
    before: dict[int, str] = {}
    rows = (
        Participant.history.filter(id__in=[participant.pk for participant in participants])
        .exclude(status=ParticipantStatus.ATTENDED)
        .order_by("-history_date", "-history_id")
        .values_list("id", "status")
    )
    for pk, status in rows:
        before.setdefault(pk, status)
    return {
        participant.pk: before.get(participant.pk) or _status_by_answer(participant) for participant in participants
    }


def _status_by_answer(participant: Participant) -> str:
    """What a participant's invitation and answer say their status is (when their history does not)."""
    if participant.responded_at:
        return ParticipantStatus.CONFIRMED
    return ParticipantStatus.INVITED if participant.invited_at else ParticipantStatus.NOT_INVITED


def participant_check_in_undo(
    *, participant: Participant, actor: User, reason: str, now: dt.datetime | None = None, part: str | None = None
) -> Participant:
    """Take back a check-in made by mistake, with the reason in the history, on the event's day only; the
    participant goes back to the status they had before.

    At an event taken per day or session, the check-in of the day or session `part` names (else the one
    under way) is taken back; the participant stays "attended" while another day or session holds them,
    with the first of those as their check-in time."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _participant_locked(participant)
        event_change_check(event=locked.event, actor=actor)
        reason = _undo_check(locked.event, reason, now)
        chosen = _part(locked.event, part, now)
        if chosen is not None:
            row = _attendance_of(locked, chosen).first()
            if row is None:
                raise CeremonyError(
                    _("This participant is not checked in for %(part)s.") % {"part": chosen.short_label}
                )
            history_note(row, actor=actor, reason=f"check-in undone: {reason}")
            row.delete()
            first = Attendance.objects.filter(participant=locked).order_by("checked_in_at").first()
            if first is not None:
                locked.checked_in_at = first.checked_in_at
                history_note(locked, actor=actor, reason=f"check-in ({chosen.key}) undone: {reason}")
                locked.save()
                return locked
        elif locked.status != ParticipantStatus.ATTENDED:
            raise CeremonyError(_("This participant is not checked in."))
        locked.status = _statuses_before_check_in([locked])[locked.pk]
        locked.checked_in_at = None
        locked.checked_in_by = None
        history_note(locked, actor=actor, reason=f"check-in undone: {reason}")
        locked.save()
    return locked


def participants_check_in_all_undo(
    *, event: Event, actor: User, batch_at: dt.datetime, reason: str, now: dt.datetime | None = None
) -> int:
    """Take back a "mark all present" made by mistake: everyone in the actor's scope it marked at
    `batch_at` (and nobody checked in otherwise) goes back to what they were before, with the reason in
    each history; returns how many. On the event's day only, as a single undo.

    At an event taken per day or session, the batch's attendance rows are deleted (their history says
    why), and a participant stays "attended" while another day or session holds them. A participant whose
    check-in was undone or made again since is no longer the batch's, and is left alone. Sent twice (a
    double tap, a page opened twice), the second finds nothing left and says so."""
    scope = staff_scope(actor)
    with transaction.atomic():
        locked = _event_locked(event)
        event_change_check(event=locked, actor=actor)
        reason = _undo_check(locked, reason, now)
        why = f"{CHECK_IN_ALL_REASON} undone: {reason}"
        mine = scope.filter(Participant.objects.filter(event=locked), "employee__unit")
        rows = list(
            Attendance.objects.filter(participant__in=mine, checked_in_at=batch_at)
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        if rows:
            marked = mine.filter(pk__in={row.participant_id for row in rows})
        else:
            marked = mine.filter(status=ParticipantStatus.ATTENDED, checked_in_at=batch_at)
        participants = list(marked.select_for_update(of=("self",)).order_by("pk"))
        if not participants:
            raise CeremonyError(_("Nothing is left to undo: these check-ins were already undone or changed."))
        if rows:
            _attendance_delete(rows, actor, why)
        # The first check-in left to each (of another day or session), which then counts as theirs.
        first_left: dict[int, tuple[dt.datetime, int | None]] = {}
        for pk, at, by in (
            Attendance.objects.filter(participant__in=participants)
            .order_by("-checked_in_at", "-pk")
            .values_list("participant_id", "checked_in_at", "checked_in_by_id")
        ):
            first_left[pk] = (at, by)
        before = _statuses_before_check_in([p for p in participants if p.pk not in first_left])
        for participant in participants:
            if participant.pk in first_left:
                participant.checked_in_at, participant.checked_in_by_id = first_left[participant.pk]
            else:
                participant.status = before[participant.pk]
                participant.checked_in_at = None
                participant.checked_in_by = None
            history_note(participant, actor=actor, reason=why)
        _check_ins_save(participants)
    return len(participants)


def _attendance_delete(rows: list[Attendance], actor: User, reason: str) -> None:
    """Delete attendance rows with a history row each ("-", who, why), in two statements.

    A queryset's delete() would have simple-history write each row's history on its own (600 INSERTs at a
    province's ceremony) and without the reason; the history is written here in one INSERT, and the rows
    deleted without signals (nothing else listens for an attendance row's deletion; no row refers to one)."""
    history = Attendance.history.model
    when = timezone.now()
    history.objects.bulk_create(
        history(
            history_date=when,
            history_user=history_user(actor),
            history_change_reason=reason[:REASON_MAX_LENGTH],
            history_type="-",
            **{field.attname: getattr(row, field.attname) for field in history.tracked_fields},
        )
        for row in rows
    )
    Attendance.objects.filter(pk__in=[row.pk for row in rows])._raw_delete(Attendance.objects.db)


def souvenir_undo(*, participant: Participant, actor: User, reason: str, now: dt.datetime | None = None) -> Participant:
    """Take back a souvenir recorded by mistake, with the reason in the history, on the event's day only."""
    with transaction.atomic():
        locked = _participant_locked(participant)
        event_change_check(event=locked.event, actor=actor)
        reason = _undo_check(locked.event, reason, now)
        if locked.souvenir_at is None:
            raise CeremonyError(_("No souvenir is recorded for this participant."))
        locked.souvenir_at = None
        locked.souvenir_by = None
        locked.souvenir_note = ""
        history_note(locked, actor=actor, reason=f"souvenir undone: {reason}")
        locked.save()
    return locked


def participant_history_note(*, event: Event, employee_id: int, actor: User | None, reason: str) -> Participant | None:
    """Note in the participant's history something done for them at the event by another app (the
    benefits undoing a hand-over of money): a history row with who and why, no field changed. Returns the
    participant, or None when the employee is not one of the event's."""
    participant = Participant.objects.select_for_update().filter(event=event, employee_id=employee_id).first()
    if participant is None:
        return None
    history_note(participant, actor=actor, reason=reason)
    participant.save()
    return participant
