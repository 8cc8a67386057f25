"""Taking back a "mark all present" made by mistake (services.participants_check_in_all_undo): everyone it
marked goes back to what they were before, nobody else is touched, each history says who and why, and a
second send, another unit's staff or a day after the event change nothing."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceremonies import selectors
from ceremonies.exceptions import CeremonyError
from ceremonies.models import Attendance, Event, EventKind, Participant, ParticipantStatus
from ceremonies.services import events as services
from employees.scope import staff_scope
from purna import roles
from tests.ceremonies.test_checkin_all import ceremony, training
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory

pytestmark = pytest.mark.usefixtures("english")

REASON = "salah tombol"
UNDONE = f"check-in (all) undone: {REASON}"


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="BKPSDM", name="BKPSDM")


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator-hadir", roles=[roles.OPERATOR], units=[unit], first_name="Rina")


def people(event: Event, unit, statuses: list[str]) -> list[Participant]:
    """Participants saved one by one (each with its history row), in the given statuses."""
    made = []
    for status in statuses:
        participant = Participant(event=event, employee=EmployeeFactory(unit=unit), status=status)
        if status == ParticipantStatus.CONFIRMED:
            participant.invited_at = participant.responded_at = timezone.now()
        participant.save()
        made.append(participant)
    return made


def batch_at(event: Event, actor) -> dt.datetime:
    per_part = event.kind == EventKind.TRAINING
    last = selectors.check_in_all_last(event=event, scope=staff_scope(actor), per_part=per_part)
    assert last is not None
    return last.at


def state(participant: Participant) -> tuple:
    participant.refresh_from_db()
    return participant.status, participant.checked_in_at, participant.checked_in_by


def test_a_one_day_batch_is_taken_back_and_nobody_else(unit, operator):
    event = ceremony(unit)
    before_alone, confirmed, invited, not_invited = people(
        event,
        unit,
        [
            ParticipantStatus.CONFIRMED,
            ParticipantStatus.CONFIRMED,
            ParticipantStatus.INVITED,
            ParticipantStatus.NOT_INVITED,
        ],
    )
    services.participant_check_in(participant=before_alone, actor=operator)
    alone = state(before_alone)
    assert services.participants_check_in_all(event=event, actor=operator) == 3
    at = batch_at(event, operator)

    assert services.participants_check_in_all_undo(event=event, actor=operator, batch_at=at, reason=f"  {REASON} ") == 3

    assert state(before_alone) == alone
    assert state(confirmed) == (ParticipantStatus.CONFIRMED, None, None)
    assert state(invited) == (ParticipantStatus.INVITED, None, None)
    assert state(not_invited) == (ParticipantStatus.NOT_INVITED, None, None)
    for person in (confirmed, invited, not_invited):
        latest = person.history.order_by("-history_id").first()
        assert (latest.history_user, latest.history_change_reason, latest.status) == (operator, UNDONE, person.status)
    assert selectors.check_in_all_last(event=event, scope=staff_scope(operator), per_part=False) is None


def test_a_per_day_batch_deletes_its_days_rows_and_keeps_the_other_days(unit, operator):
    event = training(unit)
    came_yesterday, new = people(event, unit, [ParticipantStatus.CONFIRMED, ParticipantStatus.CONFIRMED])
    today = timezone.localdate()
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    services.participant_check_in(participant=came_yesterday, actor=operator, part=today.isoformat())
    first = state(came_yesterday)
    other = UserFactory(username="meja-2", roles=[roles.OPERATOR], units=[unit])
    assert services.participants_check_in_all(event=event, actor=other, part=tomorrow) == 2
    at = batch_at(event, operator)

    assert services.participants_check_in_all_undo(event=event, actor=operator, batch_at=at, reason=REASON) == 2

    assert state(came_yesterday) == first
    assert state(new) == (ParticipantStatus.CONFIRMED, None, None)
    assert list(Attendance.objects.filter(participant__event=event).values_list("participant_id", "day")) == [
        (came_yesterday.pk, today)
    ]
    deleted = Attendance.history.filter(history_type="-").order_by("participant_id")
    assert [(h.participant_id, h.history_user, h.history_change_reason) for h in deleted] == [
        (came_yesterday.pk, operator, UNDONE),
        (new.pk, operator, UNDONE),
    ]


def test_someone_checked_in_again_since_is_no_longer_the_batchs(unit, operator):
    event = ceremony(unit)
    again, other = people(event, unit, [ParticipantStatus.CONFIRMED, ParticipantStatus.CONFIRMED])
    services.participants_check_in_all(event=event, actor=operator)
    at = batch_at(event, operator)
    services.participant_check_in_undo(participant=again, actor=operator, reason="cek ulang")
    services.participant_check_in(participant=again, actor=operator)
    kept = state(again)

    assert services.participants_check_in_all_undo(event=event, actor=operator, batch_at=at, reason=REASON) == 1
    assert state(again) == kept
    assert state(other)[0] == ParticipantStatus.CONFIRMED


def test_sent_twice_the_second_changes_nothing_and_says_so(unit, operator):
    event = ceremony(unit)
    people(event, unit, [ParticipantStatus.CONFIRMED] * 2)
    services.participants_check_in_all(event=event, actor=operator)
    at = batch_at(event, operator)
    services.participants_check_in_all_undo(event=event, actor=operator, batch_at=at, reason=REASON)
    rows = Participant.history.count()

    with pytest.raises(CeremonyError, match="Nothing is left to undo"):
        services.participants_check_in_all_undo(event=event, actor=operator, batch_at=at, reason=REASON)
    assert Participant.history.count() == rows


def test_only_the_actors_units_are_taken_back(unit, operator):
    event = ceremony(unit)
    elsewhere = UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")
    [mine] = people(event, unit, [ParticipantStatus.CONFIRMED])
    [theirs] = people(event, elsewhere, [ParticipantStatus.CONFIRMED])
    everyone = UserFactory(username="admin-bkd", roles=[roles.OPERATOR], units="all")
    services.participants_check_in_all(event=event, actor=everyone)
    at = batch_at(event, everyone)

    assert services.participants_check_in_all_undo(event=event, actor=operator, batch_at=at, reason=REASON) == 1
    assert state(mine)[0] == ParticipantStatus.CONFIRMED
    assert state(theirs)[0] == ParticipantStatus.ATTENDED


def test_the_reason_is_asked_and_the_day_after_is_too_late(unit, operator):
    event = ceremony(unit)
    [person] = people(event, unit, [ParticipantStatus.CONFIRMED])
    services.participants_check_in_all(event=event, actor=operator)
    at = batch_at(event, operator)

    with pytest.raises(CeremonyError) as caught:
        services.participants_check_in_all_undo(event=event, actor=operator, batch_at=at, reason="  ")
    assert caught.value.errors == {"reason": ["Say why it is being undone."]}
    with pytest.raises(CeremonyError, match="only be undone on the day of the event"):
        services.participants_check_in_all_undo(
            event=event, actor=operator, batch_at=at, reason=REASON, now=event.ends_at + dt.timedelta(days=1)
        )
    assert state(person)[0] == ParticipantStatus.ATTENDED


@pytest.mark.parametrize("make_event", [ceremony, training], ids=["one-day", "per-day"])
def test_the_undo_takes_the_same_queries_for_5_as_for_50(unit, operator, make_event):
    def queries_of_undo(count: int) -> int:
        event = make_event(unit)
        people(event, unit, [ParticipantStatus.CONFIRMED] * count)
        part = timezone.localdate().isoformat() if event.kind == EventKind.TRAINING else None
        services.participants_check_in_all(event=event, actor=operator, part=part)
        at = batch_at(event, operator)
        with CaptureQueriesContext(connection) as queries:
            assert (
                services.participants_check_in_all_undo(event=event, actor=operator, batch_at=at, reason=REASON)
                == count
            )
        return len(queries)

    staff_scope(operator)
    assert queries_of_undo(5) == queries_of_undo(50)


def test_two_undos_at_once_take_each_person_back_once(transactional_db, unit):
    event = ceremony(unit)
    everyone = people(event, unit, [ParticipantStatus.CONFIRMED] * 20)
    staff = [UserFactory(username=f"meja-{n}", roles=[roles.OPERATOR], units=[unit]) for n in range(2)]
    services.participants_check_in_all(event=event, actor=staff[0])
    at = batch_at(event, staff[0])
    barrier = threading.Barrier(2)
    undone, refused, failures = [], [], []

    def undo(actor):
        try:
            barrier.wait()
            undone.append(services.participants_check_in_all_undo(event=event, actor=actor, batch_at=at, reason=REASON))
        except CeremonyError as error:
            refused.append(error)
        except Exception as error:  # (reported by the assertion below)
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=undo, args=(actor,)) for actor in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert (undone, len(refused)) == ([20], 1)
    for person in everyone:
        assert person.history.filter(history_change_reason=UNDONE).count() == 1


# --- The check-in page ------------------------------------------------------------------------------------


def test_the_check_in_page_offers_the_undo_and_takes_it(client, unit, operator):
    event = ceremony(unit)
    people(event, unit, [ParticipantStatus.CONFIRMED] * 3)
    client.force_login(operator)
    page = reverse("ceremonies:checkin", args=[event.pk])
    assert 'data-testid="checkin-all-last"' not in client.get(page).content.decode()

    client.post(reverse("ceremonies:checkin_all", args=[event.pk]))
    html = client.get(page).content.decode()
    assert 'data-testid="checkin-all-last"' in html
    assert '3 peserta dicatat hadir dengan "Catat semua hadir" oleh Rina pukul' in html
    at = batch_at(event, operator)
    assert f'name="batch" value="{at.isoformat()}"' in html

    undo = reverse("ceremonies:checkin_all_undo", args=[event.pk])
    response = client.post(undo, {"batch": at.isoformat(), "reason": REASON}, follow=True)
    assert Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED).count() == 3
    html = response.content.decode()
    assert 'data-testid="checkin-all-last"' not in html
    assert "3 peserta dibatalkan" in html

    again = client.post(undo, {"batch": at.isoformat(), "reason": REASON}, follow=True).content.decode()
    assert "Tidak ada lagi yang bisa dibatalkan" in again


@pytest.mark.parametrize("batch", ["", "kemarin", "2026-12-07T09:00:00"])
def test_a_malformed_batch_is_refused_with_a_message(client, unit, operator, batch):
    event = ceremony(unit)
    people(event, unit, [ParticipantStatus.CONFIRMED])
    services.participants_check_in_all(event=event, actor=operator)
    client.force_login(operator)
    response = client.post(
        reverse("ceremonies:checkin_all_undo", args=[event.pk]), {"batch": batch, "reason": REASON}, follow=True
    )
    assert response.status_code == 200
    assert "tidak dikenal" in response.content.decode()
    assert Participant.objects.get(event=event).status == ParticipantStatus.ATTENDED


def test_another_units_event_and_a_role_without_the_right_are_refused(client, unit, operator, role_user):
    event = ceremony(unit)
    url = reverse("ceremonies:checkin_all_undo", args=[event.pk])
    stranger = UserFactory(username="operator-lain", roles=[roles.OPERATOR], units=[UnitKerjaFactory(code="X")])
    client.force_login(stranger)
    assert client.post(url, {"batch": timezone.now().isoformat(), "reason": REASON}).status_code == 404
    client.force_login(role_user(roles.PIMPINAN))
    assert client.post(url, {"batch": timezone.now().isoformat(), "reason": REASON}).status_code == 403
    client.force_login(operator)
    assert client.get(url).status_code == 405


def test_the_check_in_page_with_a_batch_to_undo_runs_a_fixed_number_of_queries(client, unit, operator):
    def queries_of_page(count: int) -> int:
        event = ceremony(unit)
        people(event, unit, [ParticipantStatus.CONFIRMED] * count)
        services.participants_check_in_all(event=event, actor=operator)
        url = reverse("ceremonies:checkin", args=[event.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert 'data-testid="checkin-all-last"' in client.get(url).content.decode()
        return len(queries)

    client.force_login(operator)
    assert queries_of_page(5) == queries_of_page(50)
