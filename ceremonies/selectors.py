"""Reads of events and participants; every read takes the user's scope (employees/scope.py).

An event is visible to staff whose scope holds its organising unit or one of its participants; within
it, they see the participants of their own units only. Query shapes are decided here: each page runs a
fixed number of queries whatever the number of participants.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from ceremonies import attendance, rules
from ceremonies.feedback import RatingSummary, rating_summary
from ceremonies.models import (
    Attendance,
    AttendanceBy,
    Certificate,
    CertificateBatch,
    CertificateStatus,
    Event,
    EventStatus,
    Instructor,
    Participant,
    ParticipantStatus,
    Session,
    TrainingFeedback,
)
from employees.choices import EmployeeStatus
from employees.models import Employee, UnitKerja
from employees.retirement import add_months
from employees.scope import Scope
from employees.selectors import employee_search, unit_and_subunit_ids
from purna.notifications.models import Message, MessageStatus

# The outbox kind of an invitation email (ceremonies/notifications.py registers it).
INVITATION_KIND = "ceremonies.invitation"


def events_visible(events: QuerySet[Event], scope: Scope) -> QuerySet[Event]:
    """`events` narrowed to those `scope` may see: organised by one of its units, or with one of its
    employees among the participants."""
    if scope.is_all:
        return events
    if scope.is_empty:
        return events.none()
    theirs = scope.filter(Participant.objects.filter(event=OuterRef("pk")), "employee__unit")
    return events.filter(scope.q("organizer") | Exists(theirs))


def event_list(*, scope: Scope, when: str = "", search: str = "", now: dt.datetime | None = None) -> QuerySet[Event]:
    """Events `scope` may see, with their organiser and the number of participants it may see: upcoming
    (not yet ended, soonest first), past (latest first) or all; searched by title or venue."""
    now = now or timezone.now()
    events = events_visible(Event.objects.select_related("organizer"), scope)
    counted = (
        Count("participants") if scope.is_all else Count("participants", filter=scope.q("participants__employee__unit"))
    )
    events = events.annotate(participant_count=counted)
    if when == "upcoming":
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif when == "past":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    for word in search.split():
        events = events.filter(Q(title__icontains=word) | Q(venue__icontains=word))
    return events


def event_get(*, pk: int, scope: Scope) -> Event:
    """One event `scope` may see, with its organiser and presiding official. Raises Event.DoesNotExist."""
    events = Event.objects.select_related("organizer", "presiding_official", "created_by")
    return events_visible(events, scope).get(pk=pk)


def event_get_for_change(*, pk: int, scope: Scope) -> Event:
    """One event `scope` may change: organised by one of its units. Seeing an event through a participant
    of one's own units is not enough to change it (ceremonies.services.events.event_change_check says the
    same to the services). Raises Event.DoesNotExist."""
    events = Event.objects.select_related("organizer", "presiding_official", "created_by")
    return scope.filter(events, "organizer").get(pk=pk)


def event_participants(*, event: Event, scope: Scope) -> list[Participant]:
    """The event's participants that `scope` may see, by name, with their employee and unit (one query)."""
    participants = Participant.objects.filter(event=event).select_related("employee__unit", "checked_in_by")
    return list(scope.filter(participants, "employee__unit").order_by("employee__name", "pk"))


# What the check-in page's rows (templates/ceremonies/_checkin_row.html) and the phone's list
# (ceremonies/views/checkin_offline.py) show of a participant and their employee.
CHECKIN_FIELDS = (
    "event_id",
    "employee_id",
    "status",
    "companion_name",
    "checkin_code",
    "checked_in_at",
    "souvenir_at",
    "employee__front_title",
    "employee__name",
    "employee__back_title",
    "employee__nip",
    "employee__unit__name",
)


def checkin_participants(*, event: Event, scope: Scope) -> list[Participant]:
    """The event's participants that `scope` may see, by name, with only what the check-in page and the
    phone's list show (CHECKIN_FIELDS; one query). Their full rows (an employee has some sixty columns)
    took two thirds of the time of those requests at 600 participants."""
    participants = Participant.objects.filter(event=event).select_related("employee__unit").only(*CHECKIN_FIELDS)
    return list(scope.filter(participants, "employee__unit").order_by("employee__name", "pk"))


def participant_matches(*, name: str, nip: str, search: str) -> bool:
    """Whether a search typed by a person finds the participant of `name` and `nip`: digits (spaces
    ignored) as a NIP prefix, anything else as words that must all appear in the name, in any order and
    case."""
    digits = search.replace(" ", "")
    if digits.isdigit():
        return nip.startswith(digits)
    name = name.lower()
    return all(word in name for word in search.lower().split())


@dataclass(slots=True)
class ParticipantSummary:
    """What the event's counts, the search and the invitations' delivery need of a participant."""

    pk: int
    status: str
    souvenir_at: dt.datetime | None
    companion_name: str
    name: str
    nip: str
    invitation_status: str
    invitation_cancel_reason: str
    present: dict[str, dt.datetime] = field(default_factory=dict)


def event_participant_summary(*, event: Event, scope: Scope) -> list[ParticipantSummary]:
    """Every participant of `event` that `scope` may see, by name, with their latest invitation email's
    status and reason ("" without one). One query of plain values: 600 full rows took 20 ms to read and a
    third of a second to render in two tabs; the page shows one page of them (participants_in_order)."""
    # The content type by its natural key, joined in the sub-select: no query of its own on a cold cache.
    latest = Message.objects.filter(
        kind=INVITATION_KIND,
        content_type__app_label=Participant._meta.app_label,
        content_type__model=Participant._meta.model_name,
        object_id=OuterRef("pk"),
    ).order_by("-pk")
    rows = (
        scope.filter(Participant.objects.filter(event=event), "employee__unit")
        .annotate(
            invitation_status=Coalesce(Subquery(latest.values("status")[:1]), Value("")),
            invitation_cancel_reason=Coalesce(Subquery(latest.values("cancel_reason")[:1]), Value("")),
        )
        .order_by("employee__name", "pk")
        .values_list(
            "pk",
            "status",
            "souvenir_at",
            "companion_name",
            "employee__name",
            "employee__nip",
            "invitation_status",
            "invitation_cancel_reason",
        )
    )
    return [ParticipantSummary(*row) for row in rows]


def participants_in_order(*, summary: list[ParticipantSummary]) -> list[Participant]:
    """The full rows (employee, unit, who checked them in) of `summary`'s participants, in its order, with
    its invitation status and attendance (one query; none for an empty list)."""
    if not summary:
        return []
    rows = Participant.objects.select_related("employee__unit", "checked_in_by").in_bulk([p.pk for p in summary])
    participants = []
    for light in summary:
        participant = rows[light.pk]
        participant.invitation_status = light.invitation_status
        participant.invitation_cancel_reason = light.invitation_cancel_reason
        participant.present = light.present
        participants.append(participant)
    return participants


def participant_get(*, pk: int, scope: Scope, for_change: bool = False) -> Participant:
    """A participant `scope` may see (`for_change`: and whose event it may change, see
    event_get_for_change), with their event and employee. Raises Participant.DoesNotExist."""
    participants = scope.filter(
        Participant.objects.select_related("event__organizer", "employee__unit"), "employee__unit"
    )
    if for_change:
        participants = scope.filter(participants, "event__organizer")
    return participants.get(pk=pk)


def participant_by_code(*, event: Event, code: str, scope: Scope) -> Participant:
    """The participant of `event` whose invitation carries check-in `code`. Raises DoesNotExist."""
    participants = Participant.objects.select_related("event", "employee__unit").filter(event=event)
    return scope.filter(participants, "employee__unit").get(checkin_code=code)


def event_sessions(*, event: Event) -> list[Session]:
    """The agenda with its instructors, in time order (one query)."""
    return list(Session.objects.filter(event=event).select_related("instructor").order_by("starts_at", "pk"))


# --- Attendance per day or per session (ceremonies/attendance.py) ----------------------------------------


def attendance_parts(*, event: Event, sessions: list[Session] | None = None) -> list[attendance.Part]:
    """The days or sessions attendance is taken for at `event`, none for a one-day event (a single
    check-in). Reads the agenda (one query) only when the event is taken per session and the caller has
    not read it already (`sessions`)."""
    session_times: list[attendance.SessionTime] = []
    if event.attendance_by == AttendanceBy.SESSION:
        if sessions is None:
            sessions = list(Session.objects.filter(event=event).order_by("starts_at", "pk"))
        session_times = [attendance.SessionTime(s.pk, s.starts_at, s.ends_at, s.topic) for s in sessions]
    return attendance.event_parts(
        attendance_by=event.attendance_by,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        sessions=session_times,
        tz=ZoneInfo(settings.TIME_ZONE),
    )


def part_key(row_day: dt.date, session_id: int | None) -> str:
    """The key of the part an Attendance row is for (ceremonies/attendance.py)."""
    return f"{attendance.SESSION_KEY_PREFIX}{session_id}" if session_id else row_day.isoformat()


def participants_attendance(*, participants: list[Participant], parts: list[attendance.Part]) -> None:
    """Set on each participant `present` ({part key: check-in time}) for the event's days or sessions
    (one query; none for a one-day event, where the single check-in is Participant.checked_in_at)."""
    present: dict[int, dict[str, dt.datetime]] = defaultdict(dict)
    if parts and participants:
        rows = Attendance.objects.filter(participant__in=[p.pk for p in participants]).values_list(
            "participant_id", "day", "session_id", "checked_in_at"
        )
        for participant_id, day, session_id, checked_in_at in rows:
            present[participant_id][part_key(day, session_id)] = checked_in_at
    for participant in participants:
        participant.present = present.get(participant.pk, {})


# The history reason of "mark all present" (services.participants_check_in_all): what finds a batch again.
CHECK_IN_ALL_REASON = "check-in (all)"


@dataclass(frozen=True)
class CheckInBatch:
    """A "mark all present" that can still be undone: when (every check-in it made holds this time), by
    whom, and how many in the scope it still holds."""

    at: dt.datetime
    by: str
    count: int


def check_in_all_last(*, event: Event, scope: Scope, per_part: bool) -> CheckInBatch | None:
    """The event's latest "mark all present" made in `scope`, while it still holds someone there (what the
    check-in page offers to undo); None otherwise. `per_part`: the event takes attendance per day or
    session (its batches wrote attendance rows). Two queries."""
    if per_part:
        written = scope.filter(
            Attendance.history.filter(participant__event=event, history_type="+"), "participant__employee__unit"
        )
    else:
        written = scope.filter(Participant.history.filter(event_id=event.pk), "employee__unit")
    last = (
        written.filter(history_change_reason=CHECK_IN_ALL_REASON)
        .order_by("-history_date", "-history_id")
        .values_list("checked_in_at", "history_user__first_name", "history_user__last_name", "history_user__username")
        .first()
    )
    if last is None or last[0] is None:
        return None
    at, first_name, last_name, username = last
    if per_part:
        held = scope.filter(Attendance.objects.filter(participant__event=event), "participant__employee__unit")
    else:
        held = scope.filter(
            Participant.objects.filter(event=event, status=ParticipantStatus.ATTENDED), "employee__unit"
        )
    count = held.filter(checked_in_at=at).count()
    if not count:
        return None
    by = " ".join(part for part in (first_name, last_name) if part) or username or ""
    return CheckInBatch(at=at, by=by, count=count)


def checkin_counts(*, event: Event, scope: Scope, part: attendance.Part | None) -> tuple[int, int]:
    """(present, total) over the event's participants `scope` may see: present for `part` (a day or a
    session), or at a one-day event checked in at all; the counts of the check-in page after a tap (one
    query: counting 600 participants' rows loaded one by one took 30 ms a tap).

    The same rule as the check-in page's marks (a participant is present for a part when an Attendance row
    has that part's key, see part_key)."""
    participants = scope.filter(Participant.objects.filter(event=event), "employee__unit")
    if part is None:
        present = Q(status=ParticipantStatus.ATTENDED, checked_in_at__isnull=False)
    else:
        rows = Attendance.objects.filter(participant=OuterRef("pk"))
        if part.session_id:
            rows = rows.filter(session_id=part.session_id)
        else:
            rows = rows.filter(day=part.day, session__isnull=True)
        present = Q(Exists(rows))
    counts = participants.aggregate(total=Count("pk"), present=Count("pk", filter=present))
    return counts["present"], counts["total"]


@dataclass(frozen=True)
class AttendanceCell:
    part: attendance.Part
    checked_in_at: dt.datetime | None


@dataclass(frozen=True)
class AttendanceGridRow:
    participant: Participant
    cells: list[AttendanceCell]
    days_present: int


@dataclass(frozen=True)
class AttendanceGrid:
    """Who came on which day (or to which session): a row per participant, a column per part, the number
    present under each column."""

    parts: list[attendance.Part]
    rows: list[AttendanceGridRow]
    totals: list[int]


def attendance_grid(
    *, participants: list[Participant], parts: list[attendance.Part], everyone: list[Participant] | None = None
) -> AttendanceGrid:
    """The grid of `participants` (read with participants_attendance) over `parts`, its totals counted over
    `everyone` (by default the same participants; a page of the grid counts the whole event) (no query)."""
    rows = []
    for participant in participants:
        present = getattr(participant, "present", {})
        cells = [AttendanceCell(part, present.get(part.key)) for part in parts]
        rows.append(AttendanceGridRow(participant, cells, sum(1 for cell in cells if cell.checked_in_at)))
    counted = participants if everyone is None else everyone
    totals = [sum(1 for p in counted if part.key in getattr(p, "present", {})) for part in parts]
    return AttendanceGrid(parts=parts, rows=rows, totals=totals)


@dataclass(frozen=True)
class EventCounts:
    total: int
    by_status: dict[str, int]
    souvenirs: int
    companions: int

    @property
    def attended(self) -> int:
        return self.by_status.get(ParticipantStatus.ATTENDED, 0)

    @property
    def confirmed(self) -> int:
        return self.by_status.get(ParticipantStatus.CONFIRMED, 0)

    @property
    def declined(self) -> int:
        return self.by_status.get(ParticipantStatus.DECLINED, 0)

    @property
    def not_invited(self) -> int:
        return self.by_status.get(ParticipantStatus.NOT_INVITED, 0)

    @property
    def invited(self) -> int:
        return sum(n for status, n in self.by_status.items() if status != ParticipantStatus.NOT_INVITED)


def event_counts(*, participants: list[Participant]) -> EventCounts:
    """Counts of the participants shown (no query)."""
    by_status: dict[str, int] = defaultdict(int)
    for participant in participants:
        by_status[participant.status] += 1
    return EventCounts(
        total=len(participants),
        by_status=dict(by_status),
        souvenirs=sum(1 for p in participants if p.souvenir_at),
        companions=sum(1 for p in participants if p.companion_name),
    )


@dataclass
class InvitationDelivery:
    """What became of the invitation emails of the participants shown, read from the outbox: each
    invited participant's latest invitation message is queued (or being sent), sent, failed or cancelled
    (with the outbox's reason); invited participants without any message need a printed letter."""

    queued: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    no_email: int = 0
    # (reason, how many), most frequent first
    cancel_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def emailed(self) -> int:
        return self.queued + self.sent + self.failed + self.cancelled


def invitation_delivery(*, participants: list[Participant]) -> InvitationDelivery:
    """The outbox state of the invitations of `participants` (one query); sets `invitation_status` and
    `invitation_cancel_reason` on each participant with a message ("" otherwise)."""
    latest: dict[int, tuple[str, str]] = {}
    if participants:
        rows = (
            Message.objects.filter(
                kind=INVITATION_KIND,
                content_type=ContentType.objects.get_for_model(Participant),
                object_id__in=[p.pk for p in participants],
            )
            .order_by("pk")
            .values_list("object_id", "status", "cancel_reason")
        )
        for object_id, status, reason in rows:
            latest[object_id] = (status, reason)
    for participant in participants:
        participant.invitation_status, participant.invitation_cancel_reason = latest.get(participant.pk, ("", ""))
    return delivery_tally(participants=participants)


def delivery_tally(*, participants: list[Participant]) -> InvitationDelivery:
    """The InvitationDelivery of `participants` whose `invitation_status` and `invitation_cancel_reason`
    are set (invitation_delivery, event_participant_summary) (no query)."""
    delivery = InvitationDelivery()
    reasons: Counter[str] = Counter()
    for participant in participants:
        status, reason = participant.invitation_status, participant.invitation_cancel_reason
        if participant.status == ParticipantStatus.NOT_INVITED and not status:
            continue
        if not status:
            delivery.no_email += 1
        elif status in (MessageStatus.QUEUED, MessageStatus.SENDING):
            delivery.queued += 1
        elif status == MessageStatus.SENT:
            delivery.sent += 1
        elif status == MessageStatus.FAILED:
            delivery.failed += 1
        else:
            delivery.cancelled += 1
            reasons[reason] += 1
    delivery.cancel_reasons = reasons.most_common()
    return delivery


def event_places_taken(*, event: Event) -> int:
    """Participants of the event, all units (what the capacity counts)."""
    return Participant.objects.filter(event=event).count()


@dataclass(frozen=True)
class CohortRow:
    employee: Employee
    refusal: str  # why they cannot take part in this event ("" if they can)
    in_this_event: bool
    other_events: list[str]  # titles of the other events they take part in


COHORT_LIMIT = 500


def cohort_list(
    *,
    event: Event,
    scope: Scope,
    tmt_from: dt.date | None,
    tmt_until: dt.date | None,
    unit: UnitKerja | None = None,
    search: str = "",
    farewell_months_after: int,
    training_months_before: int,
    limit: int = COHORT_LIMIT,
) -> tuple[list[CohortRow], int]:
    """Employees of `scope` whose TMT (the record's, or the TMT pensiun) falls from the month of
    `tmt_from` to the month of `tmt_until` (any TMT when not given), optionally in a unit (with its
    sub-units) or searched by name or NIP; with
    whether each may take part in `event`, is in it already, and which other events they are in.

    Returns (the first `limit` rows by TMT then name, how many match). Three queries whatever the size
    of the register: the count, the rows (the TMT's index narrows them), their other events.
    """
    employees = scope.filter(Employee.objects.select_related("unit"))
    if tmt_from is not None and tmt_until is not None:
        start, end = tmt_from.replace(day=1), add_months(tmt_until.replace(day=1), 1)
        employees = employees.filter(tmt_effective__gte=start, tmt_effective__lt=end)
    employees = employees.exclude(status=EmployeeStatus.MENINGGAL)
    if unit is not None:
        employees = employees.filter(unit_id__in=unit_and_subunit_ids(unit.pk))
    employees = employee_search(employees, search)
    total = employees.count()
    rows = list(employees.order_by("tmt_effective", "name", "pk")[:limit])
    events: dict[int, list[str]] = defaultdict(list)
    in_this: set[int] = set()
    for employee_id, event_id, title in (
        Participant.objects.filter(employee_id__in=[e.pk for e in rows])
        .order_by("event__starts_at")
        .values_list("employee_id", "event_id", "event__title")
    ):
        if event_id == event.pk:
            in_this.add(employee_id)
        else:
            events[employee_id].append(title)
    event_day = timezone.localtime(event.starts_at).date()
    result = []
    for employee in rows:
        refusal = rules.participant_refusal(
            rules.Candidate(status=employee.status, tmt=employee.tmt_effective or employee.tmt_pensiun),
            kind=event.kind,
            event_day=event_day,
            farewell_months_after=farewell_months_after,
            training_months_before=training_months_before,
        )
        result.append(CohortRow(employee, refusal, employee.pk in in_this, events.get(employee.pk, [])))
    return result, total


# --- Certificates ----------------------------------------------------------------------------------------


def certificate_list(*, event: Event, scope: Scope) -> list[Certificate]:
    """The event's certificates whose recipient `scope` may see, in participant order (by name), with the
    recipient (one query)."""
    certificates = Certificate.objects.filter(participant__event=event).select_related("participant__employee")
    return list(scope.filter(certificates, "participant__employee__unit").order_by("participant__employee__name", "pk"))


def certificate_get(*, pk: int, scope: Scope, for_change: bool = False) -> Certificate:
    """A certificate whose recipient `scope` may see (`for_change`: and whose event it may change, see
    event_get_for_change), with its participant, employee and event. Raises Certificate.DoesNotExist."""
    certificates = Certificate.objects.select_related("participant__employee", "participant__event")
    certificates = scope.filter(certificates, "participant__employee__unit")
    if for_change:
        certificates = scope.filter(certificates, "participant__event__organizer")
    return certificates.get(pk=pk)


def certificate_by_code(*, code: str) -> Certificate:
    """The certificate with this verification code, for the public page (no scope: the code is the key).
    Raises Certificate.DoesNotExist."""
    return Certificate.objects.select_related("participant__employee", "participant__event").get(verification_code=code)


def certificate_batches_visible(batches: QuerySet[CertificateBatch], scope: Scope) -> QuerySet[CertificateBatch]:
    """`batches` narrowed to those of the events `scope` may see (events_visible)."""
    if scope.is_all:
        return batches
    return batches.filter(event__in=events_visible(Event.objects.all(), scope).values("pk"))


def certificate_batch_get(*, pk: int, scope: Scope, for_change: bool = False) -> CertificateBatch:
    """A batch of an event `scope` may see (`for_change`: may change, see event_get_for_change), with its
    event. Raises CertificateBatch.DoesNotExist."""
    batches = certificate_batches_visible(CertificateBatch.objects.select_related("event"), scope)
    if for_change:
        batches = scope.filter(batches, "event__organizer")
    return batches.get(pk=pk)


# --- The retirees' portal (portal/): one person's own rows, no staff scope --------------------------------


def portal_participations(*, employee: Employee) -> list[Participant]:
    """The events `employee` was invited to or took part in (published or later, not drafts), newest
    first, with the event (one query)."""
    participants = Participant.objects.filter(employee=employee).exclude(status=ParticipantStatus.NOT_INVITED)
    participants = participants.exclude(event__status=EventStatus.DRAFT).select_related("event")
    return list(participants.order_by("-event__starts_at", "-pk"))


def portal_certificates(*, employee: Employee) -> list[Certificate]:
    """The valid certificates of `employee`, printed or still being printed, newest first, with their
    event (one query). Revoked ones are left out: the portal offers only papers that are genuine."""
    certificates = Certificate.objects.filter(participant__employee=employee, status=CertificateStatus.VALID)
    return list(certificates.select_related("participant__event").order_by("-issued_on", "-pk"))


def portal_certificate_get(*, pk: int, employee: Employee) -> Certificate:
    """A valid certificate of `employee`. Raises Certificate.DoesNotExist for anyone else's."""
    return Certificate.objects.get(pk=pk, participant__employee=employee, status=CertificateStatus.VALID)


def portal_feedback_participant_get(*, event_pk: int, employee: Employee) -> Participant:
    """`employee`'s participation in the event `event_pk`, with the event. Raises Participant.DoesNotExist
    for an event they are not part of (another retiree's answers 404 like a missing one)."""
    return Participant.objects.select_related("event").get(event_id=event_pk, employee=employee)


def event_rated_participant_ids(*, event: Event) -> set[int]:
    """The ids of the event's participants who have rated it (one query)."""
    return set(TrainingFeedback.objects.filter(participant__event=event).values_list("participant_id", flat=True))


def feedback_link_participant_get(*, pk: int) -> Participant:
    """The participant a valid personal rating link names (ceremonies.feedback.feedback_token_valid), with
    the event and the employee. Raises Participant.DoesNotExist."""
    return Participant.objects.select_related("event", "employee").get(pk=pk)


def participant_feedback(*, participant: Participant) -> dict[int, TrainingFeedback]:
    """The participant's answers so far, by session id (one query)."""
    return {row.session_id: row for row in TrainingFeedback.objects.filter(participant=participant)}


@dataclass(frozen=True)
class SessionFeedback:
    """What the participants said of one session and its instructor."""

    session: Session
    rating: RatingSummary
    usefulness: RatingSummary
    comments: list[str]


def event_feedback_summary(*, event: Event) -> list[SessionFeedback]:
    """Per session of `event` (in time order, with its instructor): the count, average and distribution
    of the ratings and of the usefulness ratings, and the comments (oldest first, without names: the
    organisers read what was said, not who said it). Two queries whatever the number of answers."""
    sessions = event_sessions(event=event)
    rows = TrainingFeedback.objects.filter(session__event=event).order_by("created_at", "pk")
    by_session: dict[int, list[tuple[int, int | None, str]]] = defaultdict(list)
    for session_id, rating, usefulness, comment in rows.values_list("session_id", "rating", "usefulness", "comment"):
        by_session[session_id].append((rating, usefulness, comment))
    return [
        SessionFeedback(
            session=session,
            rating=rating_summary(row[0] for row in by_session[session.pk]),
            usefulness=rating_summary(row[1] for row in by_session[session.pk] if row[1] is not None),
            comments=[row[2] for row in by_session[session.pk] if row[2]],
        )
        for session in sessions
    ]


# --- Instructors (reference data of the whole agency: no unit, so no scope) --------------------------------


def instructor_list(*, search: str = "") -> QuerySet[Instructor]:
    """The instructors by name, those whose name, institution or expertise has every word of `search`, each
    with the number of ratings trainees gave them and their average (`feedback_count`,
    `feedback_average`: None without ratings), across every training."""
    instructors = Instructor.objects.annotate(
        feedback_count=Count("feedback"), feedback_average=Avg("feedback__rating")
    ).order_by("name", "pk")
    for word in search.split():
        instructors = instructors.filter(
            Q(name__icontains=word) | Q(institution__icontains=word) | Q(expertise__icontains=word)
        )
    return instructors


def instructor_get(*, pk: int) -> Instructor:
    """An instructor. Raises Instructor.DoesNotExist."""
    return Instructor.objects.get(pk=pk)


def instructor_history(*, instructor: Instructor, limit: int = 10) -> list:
    """The latest changes of an instructor, newest first, with who made them (one query)."""
    return list(instructor.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
