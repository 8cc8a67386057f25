"""Checking everyone in at once (services.participants_check_in_all): a fixed number of queries whatever
the number of participants, the same rows and history as one check-in per person, and two clicks at once
marking each person once."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ceremonies.models import Attendance, Event, EventKind, Participant, ParticipantStatus
from ceremonies.services import events as services
from employees.scope import staff_scope
from purna import roles
from tests.factories import EmployeeFactory, EventFactory, UnitKerjaFactory, UserFactory


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="BKPSDM", name="BKPSDM")


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator-hadir", roles=[roles.OPERATOR], units=[unit])


def local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def ceremony(unit) -> Event:
    """A one-day ceremony under way: a single check-in per participant. It lies within today's local date
    whatever the hour the tests run at (an event from an hour ago to two hours on, run at 22.10 WIB, ends
    tomorrow and so takes attendance per day)."""
    today = timezone.localdate()
    return EventFactory(
        organizer=unit,
        starts_at=local(today, 0),
        ends_at=timezone.make_aware(dt.datetime.combine(today, dt.time(23, 59, 59))),
    )


def training(unit) -> Event:
    """A two-day training from today: attendance per day."""
    today = timezone.localdate()
    return EventFactory(
        organizer=unit,
        kind=EventKind.TRAINING,
        starts_at=local(today, 0),
        ends_at=local(today + dt.timedelta(days=1), 23),
    )


def participants_of(event: Event, unit, count: int) -> list[Participant]:
    employees = EmployeeFactory.create_batch(count, unit=unit)
    return Participant.objects.bulk_create(
        Participant(event=event, employee=employee, status=ParticipantStatus.CONFIRMED) for employee in employees
    )


def queries_of_check_in_all(event: Event, actor, part: str | None = None) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        marked = services.participants_check_in_all(event=event, actor=actor, part=part)
    return marked, len(queries)


@pytest.mark.parametrize("make_event", [ceremony, training], ids=["one-day", "per-day"])
def test_checking_everyone_in_takes_the_same_queries_for_6_as_for_600(unit, operator, make_event):
    small, large = make_event(unit), make_event(unit)
    participants_of(small, unit, 6)
    participants_of(large, unit, 600)
    part = timezone.localdate().isoformat() if small.kind == EventKind.TRAINING else None
    staff_scope(operator)  # (the actor's scope, read once per request, is not what is counted here)
    # Lock the event, lock the participants, (read the day's attendance, write it and its history,)
    # update the participants, write their history; and the savepoint and its release.
    expected = 9 if part else 6

    assert queries_of_check_in_all(small, operator, part) == (6, expected)
    assert queries_of_check_in_all(large, operator, part) == (600, expected)
    assert Participant.objects.filter(event=large, status=ParticipantStatus.ATTENDED).count() == 600


def _written(participant: Participant) -> dict:
    """What a check-in wrote for `participant`: its row's check-in fields, its attendance and the history
    of both (who, what kind of change), reasons aside."""
    participant.refresh_from_db()
    history = participant.history.order_by("history_id")
    attendance = Attendance.objects.filter(participant=participant)
    return {
        "participant": (participant.status, participant.checked_in_by, participant.checked_in_at is not None),
        "participant history": [(h.history_type, h.history_user, h.status) for h in history],
        "attendance": [(a.day, a.session_id, a.checked_in_by, a.checked_in_at is not None) for a in attendance],
        "attendance history": [
            (h.history_type, h.history_user, h.day, h.checked_in_at is not None)
            for h in Attendance.history.filter(participant_id=participant.pk).order_by("history_id")
        ],
    }


@pytest.mark.parametrize("make_event", [ceremony, training], ids=["one-day", "per-day"])
def test_checking_everyone_in_writes_what_one_check_in_writes(unit, operator, make_event):
    event = make_event(unit)
    alone, together = participants_of(event, unit, 2)
    part = timezone.localdate().isoformat() if event.kind == EventKind.TRAINING else None

    services.participant_check_in(participant=alone, actor=operator, part=part)
    assert services.participants_check_in_all(event=event, actor=operator, part=part) == 1

    assert _written(together) == _written(alone)
    assert _written(together)["participant history"] == [("~", operator, ParticipantStatus.ATTENDED)]
    reasons = {"check-in (all)"}
    assert set(together.history.values_list("history_change_reason", flat=True)) == reasons
    if part:
        assert len(_written(together)["attendance history"]) == 1
        assert (
            set(Attendance.history.filter(participant_id=together.pk).values_list("history_change_reason", flat=True))
            == reasons
        )


def test_checking_everyone_in_for_a_second_day_adds_the_day_and_keeps_the_first_check_in(unit, operator):
    event = training(unit)
    [person] = participants_of(event, unit, 1)
    today = timezone.localdate()
    services.participant_check_in(participant=person, actor=operator, part=today.isoformat())
    person.refresh_from_db()
    first = person.checked_in_at

    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert services.participants_check_in_all(event=event, actor=operator, part=tomorrow) == 1

    person.refresh_from_db()
    assert person.checked_in_at == first
    assert sorted(Attendance.objects.filter(participant=person).values_list("day", flat=True)) == [
        today,
        today + dt.timedelta(days=1),
    ]
    # The participant's row did not change: no history row for it.
    assert person.history.count() == 1


@pytest.mark.parametrize("make_event", [ceremony, training], ids=["one-day", "per-day"])
def test_two_clicks_at_once_check_each_person_in_once(transactional_db, unit, make_event):
    event = make_event(unit)
    people = participants_of(event, unit, 30)
    part = timezone.localdate().isoformat() if event.kind == EventKind.TRAINING else None
    staff = [UserFactory(username=f"meja-{n}", roles=[roles.OPERATOR], units=[unit]) for n in range(2)]
    barrier = threading.Barrier(3)
    marked, failures = [], []

    def check_in_all(actor):
        try:
            barrier.wait()
            marked.append(services.participants_check_in_all(event=event, actor=actor, part=part))
        except Exception as error:  # (reported by the assertion below)
            failures.append(error)
        finally:
            connection.close()

    def check_in_one(person):
        try:
            barrier.wait()
            services.participant_check_in(participant=person, actor=staff[0], part=part)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=check_in_all, args=(actor,)) for actor in staff]
    threads.append(threading.Thread(target=check_in_one, args=(people[0],)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    # The single check-in took one person or none (if it came last); the two clicks the rest, once.
    assert sum(marked) in (29, 30)
    assert Participant.objects.filter(event=event, status=ParticipantStatus.ATTENDED).count() == 30
    for person in people:
        assert person.history.filter(status=ParticipantStatus.ATTENDED).count() == 1
    if part:
        assert Attendance.objects.filter(participant__event=event).count() == 30
        assert Attendance.history.filter(history_type="+").count() == 30
