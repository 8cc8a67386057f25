"""ceremonies/services/events.py: the one write path of events and participants: rules, scope, capacity
under concurrency, idempotent check-in, history."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from ceremonies.exceptions import CeremonyError
from ceremonies.models import Event, EventStatus, Participant, ParticipantStatus
from ceremonies.services import events as services
from employees.choices import EmployeeStatus
from employees.retirement import add_months
from purna import roles
from tests.factories import EmployeeFactory, EventFactory, UnitKerjaFactory, UserFactory


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def staff(unit):
    return UserFactory(username="operator-dinkes", roles=[roles.OPERATOR], units=[unit])


def retiring(unit, months: int = 1, **fields):
    """An employee whose TMT pensiun is `months` months from now (negative: already retired)."""
    tmt = add_months(timezone.localdate().replace(day=1), months)
    status = EmployeeStatus.PENSIUN if months <= 0 else EmployeeStatus.AKTIF
    return EmployeeFactory(unit=unit, tmt_pensiun=tmt, tmt_effective=tmt, **{"status": status, **fields})


def start_in(days: int) -> dt.datetime:
    return timezone.now().replace(microsecond=0) + dt.timedelta(days=days)


# --- Events ---------------------------------------------------------------------------------------------


def test_an_event_is_created_as_a_draft_with_its_signatories_and_history(staff, unit):
    event = services.event_create(
        actor=staff,
        kind="pelepasan",
        title="Pelepasan ASN Purna Tugas Oktober 2026",
        starts_at=start_in(20),
        ends_at=start_in(20) + dt.timedelta(hours=3),
        venue="Aula Pemkot",
        organizer=unit,
        capacity=25,
    )
    assert event.status == EventStatus.DRAFT
    assert event.created_by == staff
    assert event.history.get().history_user == staff


def test_an_event_that_ends_before_it_starts_is_refused_and_nothing_saved(staff, unit, english):
    with pytest.raises(CeremonyError) as raised:
        services.event_create(
            actor=staff,
            kind="pelatihan",
            title="Pelatihan",
            starts_at=start_in(10),
            ends_at=start_in(9),
            venue="Aula",
            organizer=unit,
        )
    assert raised.value.errors["ends_at"] == ["The end must be after the start."]
    assert not Event.objects.exists()


def test_an_operator_cannot_organise_for_another_unit(staff, english):
    other = UnitKerjaFactory(code="DLH")
    with pytest.raises(CeremonyError) as raised:
        services.event_create(
            actor=staff,
            kind="pelepasan",
            title="X",
            starts_at=start_in(5),
            ends_at=start_in(6),
            venue="A",
            organizer=other,
        )
    assert "organizer" in raised.value.errors


def test_the_capacity_cannot_drop_below_the_participants(staff, unit, english):
    event = EventFactory(organizer=unit, capacity=5)
    services.participants_add(event=event, employees=[retiring(unit) for _ in range(3)], actor=staff)
    with pytest.raises(CeremonyError, match="already has 3 participants"):
        services.event_update(event=event, actor=staff, capacity=2)
    event.refresh_from_db()
    assert event.capacity == 5


def test_event_moves_through_its_statuses_and_closing_marks_the_absent(staff, unit, english):
    event = EventFactory(organizer=unit, status=EventStatus.DRAFT)
    came, stayed_home = retiring(unit), retiring(unit)
    services.participants_add(event=event, employees=[came, stayed_home], actor=staff)
    with pytest.raises(CeremonyError, match="cannot become"):
        services.event_transition(event=event, to_status=EventStatus.CLOSED, actor=staff)

    for status in (EventStatus.PUBLISHED, EventStatus.HELD):
        services.event_transition(event=event, to_status=status, actor=staff)
    services.participant_check_in(participant=Participant.objects.get(employee=came), actor=staff)
    services.event_transition(event=event, to_status=EventStatus.CLOSED, actor=staff)

    statuses = dict(Participant.objects.values_list("employee_id", "status"))
    assert statuses == {came.pk: ParticipantStatus.ATTENDED, stayed_home.pk: ParticipantStatus.ABSENT}
    with pytest.raises(CeremonyError, match="closed"):
        services.event_update(event=event, actor=staff, title="Changed")


# --- Participants ---------------------------------------------------------------------------------------


def test_participants_are_added_once_each(staff, unit):
    event = EventFactory(organizer=unit)
    people = [retiring(unit) for _ in range(3)]
    assert len(services.participants_add(event=event, employees=people, actor=staff)) == 3
    assert services.participants_add(event=event, employees=people, actor=staff) == []
    assert Participant.objects.filter(event=event).count() == 3


def test_refused_people_are_named_and_nobody_is_added(staff, unit, english):
    event = EventFactory(organizer=unit)
    fine = retiring(unit)
    dead = retiring(unit, status=EmployeeStatus.MENINGGAL, name="Almarhum Suparman")
    long_ago = retiring(unit, months=-30, name="Sudah Lama Pensiun")
    outsider = retiring(UnitKerjaFactory(code="DLH"), name="Orang Unit Lain")

    with pytest.raises(CeremonyError) as raised:
        services.participants_add(event=event, employees=[fine, dead, long_ago, outsider], actor=staff)

    text = " ".join(raised.value.messages)
    assert "Almarhum Suparman: This employee is recorded as deceased." in text
    assert "Sudah Lama Pensiun: This employee retired more than 12 months before the event." in text
    assert "Orang Unit Lain: not an employee of your work units." in text
    assert not Participant.objects.exists()


def test_the_capacity_is_enforced_with_a_clear_message(staff, unit, english):
    event = EventFactory(organizer=unit, capacity=2)
    services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    with pytest.raises(CeremonyError, match=r"Only 1 place is left of 2: 2 cannot all be added."):
        services.participants_add(event=event, employees=[retiring(unit), retiring(unit)], actor=staff)
    assert Participant.objects.count() == 1


def test_a_training_takes_only_people_near_retirement(staff, unit, english):
    training = EventFactory(organizer=unit, kind="pelatihan")
    with pytest.raises(CeremonyError, match="within 12 months"):
        services.participants_add(event=training, employees=[retiring(unit, months=20)], actor=staff)
    assert services.participants_add(event=training, employees=[retiring(unit, months=6)], actor=staff)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL")
def test_two_staff_adding_at_the_same_moment_cannot_pass_the_capacity():
    unit = UnitKerjaFactory(code="DISDIK")
    staff = UserFactory(username="operator-disdik", roles=[roles.OPERATOR], units=[unit])
    event = EventFactory(organizer=unit, capacity=5)
    groups = [[retiring(unit) for _ in range(3)] for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def add(people):
        try:
            barrier.wait()
            outcomes.append(len(services.participants_add(event=event, employees=people, actor=staff)))
        except CeremonyError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(group,)) for group in groups]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Participant.objects.filter(event=event).count() == 3
    assert sorted(outcome if isinstance(outcome, int) else -1 for outcome in outcomes) == [-1, 3]


def test_participants_cannot_be_added_or_removed_once_the_event_is_held(staff, unit, english):
    event = EventFactory(organizer=unit)
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    Event.objects.filter(pk=event.pk).update(status=EventStatus.HELD)
    event.refresh_from_db()
    with pytest.raises(CeremonyError, match="held"):
        services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    with pytest.raises(CeremonyError, match="held"):
        services.participant_remove(participant=participant, actor=staff)


def test_a_companion_is_recorded_with_history(staff, unit):
    event = EventFactory(organizer=unit)
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    participant = services.participant_update(
        participant=participant, actor=staff, companion_name=" Siti Rahayu ", companion_relation="Istri"
    )
    assert (participant.companion_name, participant.companion_relation) == ("Siti Rahayu", "Istri")
    assert participant.history.latest().history_user == staff


# --- On the day -------------------------------------------------------------------------------------------


def test_check_in_twice_is_harmless(staff, unit):
    event = EventFactory(organizer=unit)
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)

    first, changed_first = services.participant_check_in(participant=participant, actor=staff)
    second, changed_second = services.participant_check_in(participant=participant, actor=staff)

    assert (changed_first, changed_second) == (True, False)
    assert second.status == ParticipantStatus.ATTENDED
    assert second.checked_in_at == first.checked_in_at
    assert participant.history.filter(history_change_reason="check-in").count() == 1


def test_check_in_is_refused_on_a_draft(staff, unit, english):
    event = EventFactory(organizer=unit, status=EventStatus.DRAFT)
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    with pytest.raises(CeremonyError, match="Attendance is taken"):
        services.participant_check_in(participant=participant, actor=staff)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.NOT_INVITED


def test_mark_all_present_marks_only_the_actors_units(staff, unit):
    event = EventFactory(organizer=unit)
    central = UserFactory(username="bkd", roles=[roles.OPERATOR])
    services.participants_add(event=event, employees=[retiring(unit), retiring(unit)], actor=staff)
    services.participants_add(event=event, employees=[retiring(UnitKerjaFactory(code="DLH"))], actor=central)

    assert services.participants_check_in_all(event=event, actor=staff) == 2
    assert services.participants_check_in_all(event=event, actor=staff) == 0
    assert Participant.objects.filter(status=ParticipantStatus.ATTENDED).count() == 2


def test_a_souvenir_is_recorded_once(staff, unit):
    event = EventFactory(organizer=unit)
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    participant, changed = services.souvenir_hand(participant=participant, actor=staff, note="Plakat")
    again, changed_again = services.souvenir_hand(participant=participant, actor=staff, note="Lain")
    assert (changed, changed_again) == (True, False)
    assert (again.souvenir_note, again.souvenir_by) == ("Plakat", staff)


# --- Undo (a wrong tap on the day) ------------------------------------------------------------------------


def test_a_check_in_is_undone_with_a_reason_on_the_day_and_the_status_comes_back(staff, unit):
    event = EventFactory(organizer=unit, starts_at=start_in(0), ends_at=start_in(0) + dt.timedelta(minutes=1))
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    Participant.objects.filter(pk=participant.pk).update(status=ParticipantStatus.CONFIRMED)
    participant.refresh_from_db()
    services.participant_update(participant=participant, actor=staff, companion_name="", companion_relation="")
    services.participant_check_in(participant=participant, actor=staff)

    undone = services.participant_check_in_undo(
        participant=participant, actor=staff, reason=" salah  orang ", now=event.ends_at
    )

    assert undone.status == ParticipantStatus.CONFIRMED
    assert (undone.checked_in_at, undone.checked_in_by) == (None, None)
    latest = undone.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (staff, "check-in undone: salah orang")
    # It can be checked in again.
    assert services.participant_check_in(participant=undone, actor=staff)[1] is True


def test_a_souvenir_is_undone_with_a_reason_in_the_history(staff, unit):
    event = EventFactory(organizer=unit, starts_at=start_in(0), ends_at=start_in(0) + dt.timedelta(minutes=1))
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    services.souvenir_hand(participant=participant, actor=staff, note="Plakat")
    undone = services.souvenir_undo(participant=participant, actor=staff, reason="belum diberikan", now=event.ends_at)
    assert (undone.souvenir_at, undone.souvenir_by, undone.souvenir_note) == (None, None, "")
    assert undone.history.latest().history_change_reason == "souvenir undone: belum diberikan"


def test_undo_needs_a_reason_and_the_event_day(staff, unit, english):
    event = EventFactory(organizer=unit, starts_at=start_in(-2), ends_at=start_in(-2) + dt.timedelta(hours=3))
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    services.participant_check_in(participant=participant, actor=staff)
    services.souvenir_hand(participant=participant, actor=staff)
    with pytest.raises(CeremonyError, match="Say why"):
        services.participant_check_in_undo(participant=participant, actor=staff, reason=" ")
    with pytest.raises(CeremonyError, match="only be undone on the day"):
        services.participant_check_in_undo(participant=participant, actor=staff, reason="salah")
    with pytest.raises(CeremonyError, match="only be undone on the day"):
        services.souvenir_undo(participant=participant, actor=staff, reason="salah")
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ATTENDED and participant.souvenir_at is not None


def test_undo_is_refused_to_staff_of_another_unit(staff, unit):
    event = EventFactory(organizer=unit, starts_at=start_in(0), ends_at=start_in(0) + dt.timedelta(minutes=1))
    [participant] = services.participants_add(event=event, employees=[retiring(unit)], actor=staff)
    services.participant_check_in(participant=participant, actor=staff)
    other = UserFactory(username="operator-dlh", roles=[roles.OPERATOR], units=[UnitKerjaFactory(code="DLH")])
    with pytest.raises(CeremonyError):
        services.participant_check_in_undo(participant=participant, actor=other, reason="salah")
