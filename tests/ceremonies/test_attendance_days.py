"""Attendance per day or per session at a training held over several days: the services (per day, undo
per day with a reason, the one-day ceremony unchanged), the sync of the phones' queues (the same operation
twice counts once, two phones checking the same person in for the same day give one attendance), and the
pages (the check-in page for the day chosen, the event page's grid, the phone's data, the attendance
sheet), each in a fixed number of queries."""

import datetime as dt
import io
import json
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from ceremonies import documents
from ceremonies.checkin_sync import operations_parse
from ceremonies.exceptions import CeremonyError
from ceremonies.models import (
    Attendance,
    AttendanceBy,
    CheckinOperation,
    Event,
    EventKind,
    Participant,
    ParticipantStatus,
)
from ceremonies.selectors import attendance_parts, event_participants, participants_attendance
from ceremonies.services import events as services
from ceremonies.services.checkin_sync import checkin_operations_apply
from employees.scope import staff_scope
from portal.demo import instansi_ensure
from purna import roles
from tests.ceremonies.test_documents import pdf_text, screenshot
from tests.ceremonies.test_views import retiring
from tests.factories import (
    EmployeeFactory,
    EventFactory,
    ParticipantFactory,
    SessionFactory,
    UnitKerjaFactory,
    UserFactory,
)
from tests.generated_documents import fetch_document


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="BKPSDM", name="BKPSDM")


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator-latih", roles=[roles.OPERATOR], units=[unit])


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def day1() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def day2(day1) -> dt.date:
    return day1 + dt.timedelta(days=1)


@pytest.fixture
def training(unit, day1, day2) -> Event:
    """A two-day training, today and tomorrow, 08.00-16.00: attendance per day (the default)."""
    return EventFactory(
        organizer=unit,
        kind=EventKind.TRAINING,
        title="Pelatihan Persiapan Purna Tugas Angkatan I",
        starts_at=local(day1, 8),
        ends_at=local(day2, 16),
    )


@pytest.fixture
def person(training, unit) -> Participant:
    return ParticipantFactory(event=training, employee=retiring(unit, name="Siti Aminah"), status="diundang")


def days_of(participant: Participant) -> list[dt.date]:
    return sorted(Attendance.objects.filter(participant=participant).values_list("day", flat=True))


# --- Services ---------------------------------------------------------------------------------------------


def test_a_two_day_training_records_each_day_once(training, person, operator, day1, day2):
    first = local(day1, 8, 5)
    _p, changed_1 = services.participant_check_in(participant=person, actor=operator, now=first, part=day1.isoformat())
    _p, again = services.participant_check_in(
        participant=person, actor=operator, now=local(day1, 9), part=day1.isoformat()
    )
    _p, changed_2 = services.participant_check_in(
        participant=person, actor=operator, now=local(day2, 8, 10), part=day2.isoformat()
    )

    assert (changed_1, again, changed_2) == (True, False, True)
    assert days_of(person) == [day1, day2]
    person.refresh_from_db()
    # "Attended at least once": the first check-in, what the pages, documents and certificates read.
    assert person.status == ParticipantStatus.ATTENDED and person.checked_in_at == first
    row = Attendance.objects.get(participant=person, day=day2)
    assert row.checked_in_by == operator and row.history.get().history_user == operator


def test_without_a_day_the_check_in_is_for_the_day_under_way(training, person, operator, day2):
    services.participant_check_in(participant=person, actor=operator, now=local(day2, 13))
    assert days_of(person) == [day2]


def test_a_day_that_is_not_the_trainings_is_refused_and_nothing_saved(training, person, operator, day1, english):
    with pytest.raises(CeremonyError, match="not part of this event"):
        services.participant_check_in(
            participant=person, actor=operator, part=(day1 - dt.timedelta(days=1)).isoformat()
        )
    person.refresh_from_db()
    assert person.status != ParticipantStatus.ATTENDED and not Attendance.objects.exists()


def test_a_one_day_ceremony_keeps_its_single_check_in(unit, operator):
    ceremony = EventFactory(organizer=unit)  # 09.00-12.00, one day
    participant = ParticipantFactory(event=ceremony, employee=retiring(unit))
    _p, changed = services.participant_check_in(participant=participant, actor=operator, part="2026-01-01")
    _p, again = services.participant_check_in(participant=participant, actor=operator)
    assert (changed, again) == (True, False)
    assert not Attendance.objects.exists()
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ATTENDED
    assert participant.history.filter(history_change_reason="check-in").count() == 1


def test_undo_takes_back_one_day_with_its_reason(training, person, operator, day1, day2, english):
    services.participant_check_in(participant=person, actor=operator, now=local(day1, 8), part=day1.isoformat())
    services.participant_check_in(participant=person, actor=operator, now=local(day2, 8), part=day2.isoformat())
    with pytest.raises(CeremonyError, match="Say why"):
        services.participant_check_in_undo(participant=person, actor=operator, reason=" ", part=day1.isoformat())

    services.participant_check_in_undo(participant=person, actor=operator, reason="salah hari", part=day1.isoformat())

    assert days_of(person) == [day2]
    person.refresh_from_db()
    # Still attended (day 2), from day 2's check-in on.
    assert person.status == ParticipantStatus.ATTENDED and person.checked_in_at == local(day2, 8)
    undone = Attendance.history.get(history_type="-")
    assert undone.history_change_reason == "check-in undone: salah hari" and undone.history_user == operator
    with pytest.raises(CeremonyError, match="not checked in for Day 1"):
        services.participant_check_in_undo(participant=person, actor=operator, reason="lagi", part=day1.isoformat())

    services.participant_check_in_undo(
        participant=person, actor=operator, reason="bukan orangnya", part=day2.isoformat()
    )
    person.refresh_from_db()
    # No day left: back to the status before the first check-in.
    assert person.status == ParticipantStatus.INVITED and person.checked_in_at is None
    assert not Attendance.objects.exists()


def test_mark_all_present_is_for_the_day_chosen(training, unit, operator, day1, day2):
    people = [ParticipantFactory(event=training, employee=retiring(unit)) for _ in range(3)]
    services.participant_check_in(participant=people[0], actor=operator, part=day2.isoformat())

    assert services.participants_check_in_all(event=training, actor=operator, part=day2.isoformat()) == 2
    assert services.participants_check_in_all(event=training, actor=operator, part=day2.isoformat()) == 0

    assert Attendance.objects.filter(day=day2).count() == 3 and not Attendance.objects.filter(day=day1).exists()
    assert Participant.objects.filter(status=ParticipantStatus.ATTENDED).count() == 3


def test_per_session_attendance_and_what_it_holds(training, person, operator, day1, english):
    Event.objects.filter(pk=training.pk).update(attendance_by=AttendanceBy.SESSION)
    training.refresh_from_db()
    morning = SessionFactory(event=training, starts_at=local(day1, 8), ends_at=local(day1, 10))
    afternoon = SessionFactory(event=training, starts_at=local(day1, 13), ends_at=local(day1, 15))

    services.participant_check_in(participant=person, actor=operator, now=local(day1, 9))  # the one under way
    services.participant_check_in(participant=person, actor=operator, part=f"sesi-{afternoon.pk}")
    _p, again = services.participant_check_in(participant=person, actor=operator, part=f"sesi-{afternoon.pk}")

    assert not again
    assert sorted(Attendance.objects.values_list("session_id", flat=True)) == sorted([morning.pk, afternoon.pk])
    # A session someone attended stays on the agenda; how attendance is taken no longer changes.
    with pytest.raises(CeremonyError, match="stays on the agenda"):
        services.session_delete(session=morning, actor=operator)
    with pytest.raises(CeremonyError) as error:
        services.event_update(event=training, actor=operator, attendance_by=AttendanceBy.DAY)
    assert "attendance_by" in error.value.errors


def test_two_staff_checking_the_same_person_in_for_the_same_day_at_once_give_one_attendance(
    transactional_db, unit, day1, day2
):
    training = EventFactory(organizer=unit, kind=EventKind.TRAINING, starts_at=local(day1, 8), ends_at=local(day2, 16))
    person = ParticipantFactory(event=training, employee=retiring(unit))
    staff = [UserFactory(username=f"meja-{n}", roles=[roles.OPERATOR], units=[unit]) for n in range(2)]
    barrier = threading.Barrier(2)
    changed = []

    def check_in(actor):
        try:
            barrier.wait()
            changed.append(services.participant_check_in(participant=person, actor=actor, part=day2.isoformat())[1])
        finally:
            connection.close()

    threads = [threading.Thread(target=check_in, args=(actor,)) for actor in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(changed) == [False, True]
    assert Attendance.objects.filter(participant=person, day=day2).count() == 1


# --- The phones' sync ----------------------------------------------------------------------------------------


def operation(participant: Participant, part: str = "", kind: str = "check_in", at: dt.datetime | None = None) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "participant": participant.pk,
        "at": (at or timezone.now()).isoformat(),
        "part": part,
    }


def sync(client, event, operations):
    response = client.post(
        reverse("ceremonies:checkin_sync", args=[event.pk]),
        json.dumps({"operations": operations}),
        content_type="application/json",
    )
    return response


def test_the_same_operation_synced_twice_counts_once_per_day(operator_client, training, person, day1, day2):
    operations = [operation(person, day1.isoformat()), operation(person, day2.isoformat())]

    first = sync(operator_client, training, operations).json()["results"]
    second = sync(operator_client, training, operations).json()["results"]

    assert [r["outcome"] for r in first] == ["done", "done"]
    assert [r["outcome"] for r in second] == ["done", "done"] and all(r["duplicate"] for r in second)
    assert sorted(second[1]["present"]) == [day1.isoformat(), day2.isoformat()]
    assert days_of(person) == [day1, day2]
    assert CheckinOperation.objects.count() == 2
    assert sorted(CheckinOperation.objects.values_list("part", flat=True)) == [day1.isoformat(), day2.isoformat()]


def test_two_phones_checking_the_same_person_in_for_the_same_day_give_one_attendance(
    operator_client, training, person, day1, day2
):
    phone_a = [operation(person, day1.isoformat())]
    phone_b = [operation(person, day1.isoformat()), operation(person, day2.isoformat())]

    a = sync(operator_client, training, phone_a).json()["results"]
    b = sync(operator_client, training, phone_b).json()["results"]

    assert a[0]["outcome"] == "done"
    assert [r["outcome"] for r in b] == ["already", "done"]
    assert "Day 1" in b[0]["message"] or "Hari 1" in b[0]["message"]
    assert days_of(person) == [day1, day2]


def test_the_phones_at_once_give_one_attendance_per_day(transactional_db, unit, day1, day2):
    training = EventFactory(organizer=unit, kind=EventKind.TRAINING, starts_at=local(day1, 8), ends_at=local(day2, 16))
    person = ParticipantFactory(event=training, employee=retiring(unit))
    actor = UserFactory(username="meja-depan", roles=[roles.OPERATOR], units=[unit])
    batches = [
        operations_parse({"operations": [operation(person, day.isoformat()) for day in (day1, day2)]}) for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def phone(batch):
        try:
            barrier.wait()
            outcomes.extend(
                r["outcome"] for r in checkin_operations_apply(event=training, actor=actor, operations=batch)
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=phone, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["already", "already", "done", "done"]
    assert days_of(person) == [day1, day2]


def test_an_operation_without_a_day_is_for_the_day_it_was_made(operator_client, training, person, day1, day2):
    # A page stored before the training had days sends no day: the time the phone recorded decides.
    results = sync(operator_client, training, [operation(person, "", at=local(day1, 9))]).json()["results"]
    assert results[0]["outcome"] == "done"
    assert days_of(person) == [day1]


def test_an_undo_made_online_wins_over_the_phone_for_that_day_only(
    operator_client, operator, training, person, day1, day2
):
    done_on_phone = timezone.now() - dt.timedelta(minutes=5)
    services.participant_check_in(participant=person, actor=operator, part=day1.isoformat())
    services.participant_check_in_undo(participant=person, actor=operator, reason="salah orang", part=day1.isoformat())

    results = sync(
        operator_client,
        training,
        [operation(person, day1.isoformat(), at=done_on_phone), operation(person, day2.isoformat(), at=done_on_phone)],
    ).json()["results"]

    assert [r["outcome"] for r in results] == ["conflict", "done"]
    assert days_of(person) == [day2]


def test_a_day_of_another_event_is_refused_and_nothing_recorded(operator_client, operator, training, person, day1):
    results = sync(operator_client, training, [operation(person, "2020-01-01"), operation(person, "x" * 30)])
    assert results.status_code == 400  # a key longer than any: the payload is refused
    services.participant_check_in(participant=person, actor=operator, part=day1.isoformat())
    results = sync(operator_client, training, [operation(person, "2020-01-01")]).json()["results"]
    assert results[0]["outcome"] == "refused"
    # The phone is told what the server holds, so that it does not forget day 1.
    assert results[0]["present"] == [day1.isoformat()] and results[0]["checked_in"]
    assert days_of(person) == [day1] and not CheckinOperation.objects.exists()


# --- Pages -----------------------------------------------------------------------------------------------------


def test_the_check_in_page_is_for_todays_day_and_can_show_another(
    operator_client, operator, training, person, day1, day2
):
    services.participant_check_in(participant=person, actor=operator, part=day1.isoformat())
    url = reverse("ceremonies:checkin", args=[training.pk])

    today = operator_client.get(url)
    tomorrow = operator_client.get(url, {"kehadiran": day2.isoformat()})

    assert today.context["part"].key == day1.isoformat()
    assert [p.key for p in today.context["parts"]] == [day1.isoformat(), day2.isoformat()]
    assert today.context["counts"] == {"attended": 1, "total": 1}
    assert 'data-testid="checkin-part"' in today.content.decode()
    assert tomorrow.context["part"].key == day2.isoformat() and tomorrow.context["counts"]["attended"] == 0
    check_in = reverse("ceremonies:participant_check_in", args=[person.pk])
    form = f'action="{check_in}"'
    assert form in tomorrow.content.decode() and form not in today.content.decode()

    row = operator_client.post(check_in, {"kehadiran": day2.isoformat()}, headers={"HX-Request": "true"})
    assert row.status_code == 200 and "✓" in row.content.decode()
    assert row.context["counts"] == {"attended": 1, "total": 1}  # for the day checked in for
    assert days_of(person) == [day1, day2]
    undo = operator_client.post(
        reverse("ceremonies:participant_check_in_undo", args=[person.pk]),
        {"kehadiran": day2.isoformat(), "reason": "keliru"},
    )
    assert undo.url == f"{url}?kehadiran={day2.isoformat()}"
    assert days_of(person) == [day1]


def test_the_qr_code_checks_in_for_the_day_under_way(operator_client, training, person, day1):
    url = reverse("ceremonies:checkin_code", args=[training.pk, person.checkin_code])
    assert operator_client.get(url).context["part"].key == day1.isoformat()
    operator_client.post(url)
    assert days_of(person) == [day1]


def test_the_event_page_shows_who_came_on_which_day(operator_client, operator, training, unit, day1, day2):
    aminah = ParticipantFactory(event=training, employee=retiring(unit, name="Siti Aminah"))
    budi = ParticipantFactory(event=training, employee=retiring(unit, name="Budi Santoso"))
    services.participant_check_in(participant=aminah, actor=operator, part=day1.isoformat())
    services.participant_check_in(participant=aminah, actor=operator, part=day2.isoformat())
    services.participant_check_in(participant=budi, actor=operator, part=day2.isoformat())

    page = operator_client.get(reverse("ceremonies:detail", args=[training.pk]))

    grid = page.context["attendance_grid"]
    rows = {row.participant.pk: [bool(cell.checked_in_at) for cell in row.cells] for row in grid.rows}
    assert rows == {aminah.pk: [True, True], budi.pk: [False, True]}
    assert grid.totals == [1, 2]
    assert 'data-testid="attendance-grid"' in page.content.decode()
    # A one-day ceremony has no grid.
    ceremony = EventFactory(organizer=unit)
    assert not operator_client.get(reverse("ceremonies:detail", args=[ceremony.pk])).context["attendance_grid"].parts


def test_a_page_of_the_attendance_grid_totals_everyone(operator_client, training, unit, day1, day2):
    employees = EmployeeFactory.create_batch(60, unit=unit)
    participants = Participant.objects.bulk_create([Participant(event=training, employee=e) for e in employees])
    Attendance.objects.bulk_create(
        [Attendance(participant=p, day=day2, checked_in_at=timezone.now()) for p in participants]
    )

    grid = operator_client.get(reverse("ceremonies:detail", args=[training.pk]), {"tab": "kehadiran", "page": 2})
    assert len(grid.context["attendance_grid"].rows) == 10
    assert grid.context["attendance_grid"].totals == [0, 60]
    assert "?tab=kehadiran&amp;page=1" in grid.content.decode()


@pytest.mark.parametrize("count", [20, 200])
def test_the_pages_of_a_training_run_a_fixed_number_of_queries(
    operator_client, operator, training, unit, day1, day2, count, django_assert_num_queries
):
    employees = EmployeeFactory.create_batch(count, unit=unit)
    participants = Participant.objects.bulk_create([Participant(event=training, employee=e) for e in employees])
    Attendance.objects.bulk_create(
        [Attendance(participant=p, day=day, checked_in_at=timezone.now()) for p in participants for day in (day1, day2)]
    )
    for url, queries in [
        # session, user, permissions (one query), scope; the event, its participants, their days; the page's
        # own reads (the header's agency is cached)
        (reverse("ceremonies:detail", args=[training.pk]), 11),
        # (and on the check-in page, the latest "mark all present" to offer to undo: none here, one query)
        (reverse("ceremonies:checkin", args=[training.pk]) + f"?kehadiran={day2.isoformat()}", 9),
        (reverse("ceremonies:checkin_data", args=[training.pk]), 8),
    ]:
        operator_client.get(url)
        with django_assert_num_queries(queries):
            assert operator_client.get(url).status_code == 200


def test_the_phone_keeps_the_days_and_who_came_on_which(operator_client, operator, training, person, day1, day2):
    services.participant_check_in(participant=person, actor=operator, part=day2.isoformat())
    data = operator_client.get(reverse("ceremonies:checkin_data", args=[training.pk])).json()
    assert [part["key"] for part in data["parts"]] == [day1.isoformat(), day2.isoformat()]
    assert data["participants"][0]["present"] == [day2.isoformat()]
    assert data["participants"][0]["checked_in"] is True


def test_the_attendance_sheet_and_report_have_a_column_per_day(operator, training, unit, day1, day2):
    aminah = ParticipantFactory(event=training, employee=retiring(unit, name="Siti Aminah"))
    ParticipantFactory(event=training, employee=retiring(unit, name="Budi Santoso"))
    services.participant_check_in(participant=aminah, actor=operator, now=local(day1, 8, 5), part=day1.isoformat())
    participants = event_participants(event=training, scope=staff_scope(operator))
    parts = attendance_parts(event=training)
    participants_attendance(participants=participants, parts=parts)

    sheet_pdf = documents.attendance_pdf(
        event=training, participants=participants, instansi=instansi_ensure(), printed_on=day1, parts=parts
    )
    report_pdf = documents.report_pdf(
        event=training, participants=participants, sessions=[], instansi=instansi_ensure(), printed_on=day1, parts=parts
    )
    sheet, report = pdf_text(sheet_pdf, layout=True), pdf_text(report_pdf, layout=True)
    screenshot(sheet_pdf, "attendance_days_sheet")
    screenshot(report_pdf, "attendance_days_report")

    assert "Hari 1" in sheet and "Hari 2" in sheet
    assert "08.05" in sheet  # the check-in time in Aminah's day-1 cell
    assert "Hari 1" in report and "Hari 2" in report


def test_the_organiser_chooses_per_session_on_the_event_form(operator_client, unit):
    data = {
        "kind": "pelatihan",
        "title": "Pelatihan Persiapan Purna Tugas Angkatan II",
        "starts_at": "2027-10-20T08:00",
        "ends_at": "2027-10-22T16:00",
        "attendance_by": "sesi",
        "venue": "Aula BKPSDM",
        "organizer": unit.pk,
    }
    operator_client.post(reverse("ceremonies:create"), data)
    event = Event.objects.get()
    assert event.attendance_by == AttendanceBy.SESSION
    assert event.history.get().attendance_by == AttendanceBy.SESSION
    # Left out, per day (the default).
    del data["attendance_by"]
    operator_client.post(reverse("ceremonies:create"), {**data, "title": "Angkatan III"})
    assert Event.objects.get(title="Angkatan III").attendance_by == AttendanceBy.DAY


def test_checking_in_for_a_day_keeps_the_permission_and_the_scope(client, operator_client, training, person, day2):
    other = UnitKerjaFactory(code="DLH", name="Dinas Lingkungan Hidup")
    theirs = EventFactory(
        organizer=other, kind=EventKind.TRAINING, starts_at=training.starts_at, ends_at=training.ends_at
    )
    stranger = ParticipantFactory(event=theirs, employee=retiring(other))
    url = reverse("ceremonies:participant_check_in", args=[stranger.pk])
    assert operator_client.post(url, {"kehadiran": day2.isoformat()}).status_code == 404
    assert operator_client.get(reverse("ceremonies:checkin", args=[theirs.pk]), {"kehadiran": day2}).status_code == 404
    client.logout()
    viewer = UserFactory(username="pimpinan-latih", roles=[roles.PIMPINAN], units=[training.organizer])
    client.force_login(viewer)
    assert (
        client.post(reverse("ceremonies:participant_check_in", args=[person.pk]), {"kehadiran": day2}).status_code
        == 403
    )
    assert not Attendance.objects.exists()


def test_the_participant_spreadsheet_has_a_column_per_day_with_the_check_in_time(
    operator_client, operator, training, unit, day1, day2
):
    aminah = ParticipantFactory(event=training, employee=retiring(unit, name="Siti Aminah"))
    budi = ParticipantFactory(event=training, employee=retiring(unit, name="Budi Santoso"))
    services.participant_check_in(participant=aminah, actor=operator, now=local(day1, 8, 5), part=day1.isoformat())
    services.participant_check_in(participant=aminah, actor=operator, now=local(day2, 7, 50), part=day2.isoformat())
    services.participant_check_in(participant=budi, actor=operator, now=local(day2, 9, 15), part=day2.isoformat())

    content = fetch_document(operator_client, reverse("ceremonies:participants_xlsx", args=[training.pk])).content

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = rows[4]
    assert header[11:] == [f"Hari 1\n{day1:%d-%m-%Y}", f"Hari 2\n{day2:%d-%m-%Y}"]
    by_nip = {row[1]: row for row in rows[5:]}
    naive = dt.datetime.combine  # an XLSX cell holds no time zone
    assert by_nip[aminah.employee.nip][11:] == [naive(day1, dt.time(8, 5)), naive(day2, dt.time(7, 50))]
    assert by_nip[budi.employee.nip][11:] == ["", naive(day2, dt.time(9, 15))]


def test_the_participant_spreadsheet_has_a_column_per_session(operator_client, operator, training, person, day1):
    Event.objects.filter(pk=training.pk).update(attendance_by=AttendanceBy.SESSION)
    morning = SessionFactory(event=training, starts_at=local(day1, 8), ends_at=local(day1, 10))
    SessionFactory(event=training, starts_at=local(day1, 13), ends_at=local(day1, 15))
    services.participant_check_in(participant=person, actor=operator, part=f"sesi-{morning.pk}", now=local(day1, 8, 20))

    content = fetch_document(operator_client, reverse("ceremonies:participants_xlsx", args=[training.pk])).content

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[4][11:] == [f"Sesi 1\n{day1:%d-%m-%Y} 08.00", f"Sesi 2\n{day1:%d-%m-%Y} 13.00"]
    assert rows[5][11:] == [dt.datetime.combine(day1, dt.time(8, 20)), ""]
