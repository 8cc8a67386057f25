"""A training that has ended, with two sessions and their instructors, and attendees to rate it."""

import datetime as dt

from ceremonies.models import EventKind, EventStatus, ParticipantStatus
from tests.factories import EventFactory, InstructorFactory, ParticipantFactory, SessionFactory, in_days


def ended_training(unit, *, days_ago: int = 1, attendees: int = 0, title: str = "Pelatihan Purna Tugas Angkatan I"):
    """A training of `unit` that ended `days_ago` days ago (09.00-15.00), its two sessions (Taspen, then
    entrepreneurship) and `attendees` participants who checked in."""
    event = EventFactory(
        kind=EventKind.TRAINING,
        status=EventStatus.HELD,
        organizer=unit,
        title=title,
        starts_at=in_days(-days_ago, 9),
        ends_at=in_days(-days_ago, 15),
    )
    taspen = SessionFactory(
        event=event,
        topic="Hak-hak peserta Taspen",
        starts_at=event.starts_at,
        ends_at=event.starts_at + dt.timedelta(hours=2),
        instructor=InstructorFactory(name="Siti Rahmawati", institution="PT Taspen (Persero) KC Contoh"),
    )
    business = SessionFactory(
        event=event,
        topic="Kewirausahaan dan pengolahan pangan",
        starts_at=event.starts_at + dt.timedelta(hours=3),
        ends_at=event.starts_at + dt.timedelta(hours=5),
        instructor=InstructorFactory(name="Budi Santoso", institution="Dinas Koperasi dan UKM"),
    )
    for _ in range(attendees):
        ParticipantFactory(event=event, employee__unit=unit, status=ParticipantStatus.ATTENDED)
    return event, taspen, business


def attend(event, employee):
    return ParticipantFactory(event=event, employee=employee, status=ParticipantStatus.ATTENDED)
