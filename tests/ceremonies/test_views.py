"""The ceremonies' staff pages: permissions, scope (404 outside), forms that say what is wrong and save
nothing, the cohort picker, check-in (plain and htmx, twice harmless), fixed query counts."""

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ceremonies.models import Event, EventStatus, Participant, ParticipantStatus
from employees.retirement import add_months
from purna import roles
from tests.factories import EmployeeFactory, EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="BKPSDM", name="BKPSDM")


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator-bkd", roles=[roles.OPERATOR], units=[unit])


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def retiring(unit, months: int = 1, **fields):
    tmt = add_months(timezone.localdate().replace(day=1), months)
    return EmployeeFactory(unit=unit, tmt_pensiun=tmt, tmt_effective=tmt, **fields)


def event_pages(event: Event, participant: Participant) -> list[str]:
    return [
        reverse("ceremonies:detail", args=[event.pk]),
        reverse("ceremonies:update", args=[event.pk]),
        reverse("ceremonies:cohort", args=[event.pk]),
        reverse("ceremonies:session_create", args=[event.pk]),
        reverse("ceremonies:checkin", args=[event.pk]),
        reverse("ceremonies:checkin_code", args=[event.pk, participant.checkin_code]),
        reverse("ceremonies:participant_update", args=[participant.pk]),
    ]


@pytest.mark.parametrize("role", [roles.VERIFIKATOR, roles.BENDAHARA, roles.PIMPINAN])
def test_roles_that_only_read_cannot_change_events(client, unit, role):
    event = EventFactory(organizer=unit)
    participant = ParticipantFactory(event=event, employee=retiring(unit))
    client.force_login(UserFactory(username=f"u-{role}", roles=[role]))
    assert client.get(reverse("ceremonies:detail", args=[event.pk])).status_code == 200
    for url in event_pages(event, participant)[1:]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("ceremonies:participant_check_in", args=[participant.pk])).status_code == 403
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.NOT_INVITED


def test_anonymous_and_roleless_users_are_refused(client, no_role_user, unit):
    event = EventFactory(organizer=unit)
    url = reverse("ceremonies:detail", args=[event.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("ceremonies:list")).status_code == 403


def test_events_of_other_units_answer_404_and_their_participants_stay_hidden(operator_client, unit):
    other_unit = UnitKerjaFactory(code="DLH", name="Dinas Lingkungan Hidup")
    theirs = EventFactory(organizer=other_unit, title="Pelepasan DLH")
    stranger = ParticipantFactory(event=theirs, employee=retiring(other_unit, name="Orang Lain"))
    for url in event_pages(theirs, stranger):
        assert operator_client.get(url).status_code == 404, url
    assert operator_client.post(reverse("ceremonies:participant_check_in", args=[stranger.pk])).status_code == 404
    assert "Pelepasan DLH" not in operator_client.get(reverse("ceremonies:list")).content.decode()

    # A city-wide event with someone of theirs: they see it, and only their own participants.
    shared = EventFactory(organizer=other_unit, title="Pelepasan Kota")
    ParticipantFactory(event=shared, employee=retiring(unit, name="Pegawai Saya"))
    ParticipantFactory(event=shared, employee=retiring(other_unit, name="Pegawai Mereka"))
    page = operator_client.get(reverse("ceremonies:detail", args=[shared.pk])).content.decode()
    assert "Pegawai Saya" in page and "Pegawai Mereka" not in page


def test_an_event_is_planned_through_the_form(operator_client, unit):
    response = operator_client.post(
        reverse("ceremonies:create"),
        {
            "kind": "pelepasan",
            "title": "Pelepasan ASN Purna Tugas Oktober",
            "starts_at": "2027-10-21T09:00",
            "ends_at": "2027-10-21T12:00",
            "venue": "Aula Pemkot",
            "organizer": unit.pk,
            "capacity": "25",
        },
    )
    event = Event.objects.get()
    assert response.url == reverse("ceremonies:detail", args=[event.pk])
    assert timezone.localtime(event.starts_at).hour == 9  # entered in the agency's time zone
    assert event.status == EventStatus.DRAFT


def test_a_bad_event_form_says_why_and_saves_nothing(operator_client, unit, english):
    operator_client.cookies["django_language"] = "en"  # the language selector's cookie
    response = operator_client.post(
        reverse("ceremonies:create"),
        {
            "kind": "pelepasan",
            "title": "Pelepasan",
            "starts_at": "2027-10-21T12:00",
            "ends_at": "2027-10-21T09:00",
            "venue": "Aula",
            "organizer": unit.pk,
            "capacity": "-3",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "capacity" in errors
    assert not Event.objects.exists()

    response = operator_client.post(
        reverse("ceremonies:create"),
        {
            "kind": "pelepasan",
            "title": "Pelepasan",
            "starts_at": "2027-10-21T12:00",
            "ends_at": "2027-10-21T09:00",
            "venue": "Aula",
            "organizer": unit.pk,
        },
    )
    assert response.context["form"].errors["ends_at"] == ["The end must be after the start."]
    assert not Event.objects.exists()


def test_the_cohort_picker_lists_the_period_and_adds_the_ticked(operator_client, unit, english):
    event = EventFactory(organizer=unit, capacity=10)
    soon = [retiring(unit, months=1, name=f"Pensiun Bulan Depan {i}") for i in range(3)]
    retiring(unit, months=8, name="Pensiun Nanti")
    other_event = EventFactory(organizer=unit, title="Pelatihan Angkatan I")
    ParticipantFactory(event=other_event, employee=soon[0])
    month = add_months(timezone.localdate().replace(day=1), 1)

    page = operator_client.get(
        reverse("ceremonies:cohort", args=[event.pk]), {"tmt_from": f"{month:%Y-%m}", "tmt_until": f"{month:%Y-%m}"}
    )
    names = [row.employee.name for row in page.context["rows"]]
    assert sorted(names) == sorted(e.name for e in soon)
    others = {row.employee.pk: row.other_events for row in page.context["rows"]}
    assert others[soon[0].pk] == ["Pelatihan Angkatan I"] and others[soon[1].pk] == []

    response = operator_client.post(reverse("ceremonies:cohort", args=[event.pk]), {"employee": [e.pk for e in soon]})
    assert response.url == reverse("ceremonies:detail", args=[event.pk])
    assert set(Participant.objects.filter(event=event).values_list("employee_id", flat=True)) == {e.pk for e in soon}


def test_the_cohort_picker_refuses_past_the_capacity_and_adds_nobody(operator_client, unit, english):
    operator_client.cookies["django_language"] = "en"  # the language selector's cookie
    event = EventFactory(organizer=unit, capacity=2)
    people = [retiring(unit) for _ in range(3)]
    response = operator_client.post(
        reverse("ceremonies:cohort", args=[event.pk]), {"employee": [e.pk for e in people]}, follow=True
    )
    assert "Only 2 places are left of 2: 3 cannot all be added." in response.content.decode()
    assert not Participant.objects.exists()


def test_check_in_from_the_list_with_htmx_twice_is_harmless(operator_client, unit):
    event = EventFactory(organizer=unit)
    participant = ParticipantFactory(event=event, employee=retiring(unit))
    url = reverse("ceremonies:participant_check_in", args=[participant.pk])

    first = operator_client.post(url, headers={"HX-Request": "true"})
    second = operator_client.post(url, headers={"HX-Request": "true"})

    assert first.status_code == second.status_code == 200
    assert f'id="hadir-{participant.pk}"' in first.content.decode()
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ATTENDED
    assert participant.history.filter(history_change_reason="check-in").count() == 1


def test_the_qr_code_opens_the_participant_and_checks_them_in(operator_client, unit):
    event = EventFactory(organizer=unit)
    participant = ParticipantFactory(event=event, employee=retiring(unit, name="Hj. Siti Aminah"))
    url = reverse("ceremonies:checkin_code", args=[event.pk, participant.checkin_code])

    assert "Hj. Siti Aminah" in operator_client.get(url).content.decode()
    operator_client.post(url)

    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ATTENDED
    wrong = reverse("ceremonies:checkin_code", args=[event.pk, "not-a-code"])
    assert operator_client.get(wrong).status_code == 404


def test_the_check_in_page_searches_by_name_and_nip(operator_client, unit):
    event = EventFactory(organizer=unit)
    aminah = ParticipantFactory(event=event, employee=retiring(unit, name="Siti Aminah"))
    ParticipantFactory(event=event, employee=retiring(unit, name="Budi Santoso"))
    url = reverse("ceremonies:checkin", args=[event.pk])

    by_name = operator_client.get(url, {"q": "aminah"}).context["participants"]
    by_nip = operator_client.get(url, {"q": aminah.employee.nip[:8] + " " + aminah.employee.nip[8:14]}).context[
        "participants"
    ]
    assert [p.pk for p in by_name] == [aminah.pk]
    assert aminah.pk in [p.pk for p in by_nip]


def test_the_check_in_page_shows_a_page_of_participants_with_the_counts_of_everyone(operator_client, unit):
    event = EventFactory(organizer=unit, capacity=None)
    employees = EmployeeFactory.create_batch(60, unit=unit)
    last = retiring(unit, name="Zulaikha Qurratulaini")
    participants = Participant.objects.bulk_create(
        [Participant(event=event, employee=employee) for employee in [*employees, last]]
    )
    Participant.objects.filter(pk__in=[p.pk for p in participants[:5]]).update(
        status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now()
    )
    url = reverse("ceremonies:checkin", args=[event.pk])
    by_name = sorted(participants, key=lambda p: (p.employee.name, p.pk))

    first = operator_client.get(url)
    assert [p.pk for p in first.context["participants"]] == [p.pk for p in by_name[:50]]
    assert first.context["counts"] == {"attended": 5, "total": 61}
    assert "page=2" in first.content.decode()
    second = operator_client.get(url, {"page": 2})
    assert [p.pk for p in second.context["participants"]] == [p.pk for p in by_name[50:]]
    # Found by the search wherever they are in the list; the counts stay the event's.
    found = operator_client.get(url, {"q": "qurratulaini zulaikha"})
    assert [p.pk for p in found.context["participants"]] == [participants[-1].pk]
    assert found.context["counts"] == {"attended": 5, "total": 61}

    # Checked in from the second page without JavaScript: back on the second page.
    someone = next(p for p in by_name[50:] if p.pk not in {q.pk for q in participants[:5]})
    answer = operator_client.post(reverse("ceremonies:participant_check_in", args=[someone.pk]), {"page": "2"})
    assert answer.url == f"{url}?page=2"


@pytest.mark.parametrize("count", [3, 120])
def test_a_tap_answers_the_row_and_the_counts_of_everyone_in_a_fixed_number_of_queries(
    operator_client, unit, count, django_assert_num_queries
):
    event = EventFactory(organizer=unit, capacity=None)
    employees = [*EmployeeFactory.create_batch(count - 1, unit=unit), retiring(unit, name="Siti Aminah")]
    participants = Participant.objects.bulk_create([Participant(event=event, employee=e) for e in employees])
    Participant.objects.filter(pk=participants[0].pk).update(
        status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now()
    )
    url = reverse("ceremonies:participant_check_in", args=[participants[-1].pk])
    # The same for 3 and 120 participants: the counts are one query, whoever is counted (the event is
    # locked before the participant, in the order "check everyone in" takes them).
    with django_assert_num_queries(13):
        row = operator_client.post(url, headers={"HX-Request": "true"})
    assert row.context["counts"] == {"attended": 2, "total": count}
    assert "Siti Aminah" in row.content.decode() and "✓" in row.content.decode()


def test_mark_all_present(operator_client, unit):
    event = EventFactory(organizer=unit)
    for _ in range(3):
        ParticipantFactory(event=event, employee=retiring(unit))
    operator_client.post(reverse("ceremonies:checkin_all", args=[event.pk]))
    assert Participant.objects.filter(status=ParticipantStatus.ATTENDED).count() == 3


@pytest.mark.parametrize("count", [60, 600])
def test_event_pages_run_a_fixed_number_of_queries(operator_client, unit, count, django_assert_max_num_queries):
    event = EventFactory(organizer=unit, capacity=None)
    employees = EmployeeFactory.create_batch(count, unit=unit)
    Participant.objects.bulk_create([Participant(event=event, employee=employee) for employee in employees])
    for url, budget in [
        (reverse("ceremonies:detail", args=[event.pk]), 12),
        (reverse("ceremonies:checkin", args=[event.pk]), 9),
        (reverse("ceremonies:list"), 9),
    ]:
        with django_assert_max_num_queries(budget):
            assert operator_client.get(url).status_code == 200


def test_the_event_page_shows_a_page_of_participants_searched_by_name_with_the_counts_of_everyone(
    operator_client, unit, django_assert_max_num_queries
):
    event = EventFactory(organizer=unit, capacity=None)
    employees = EmployeeFactory.create_batch(60, unit=unit)
    aminah = retiring(unit, name="Zulaikha Aminah")
    participants = Participant.objects.bulk_create(
        [Participant(event=event, employee=employee) for employee in [*employees, aminah]]
    )
    Participant.objects.filter(pk__in=[p.pk for p in participants[:5]]).update(status=ParticipantStatus.ATTENDED)
    url = reverse("ceremonies:detail", args=[event.pk])

    by_name = sorted(participants, key=lambda p: (p.employee.name, p.pk))
    first = operator_client.get(url)
    assert [p.pk for p in first.context["participants"]] == [p.pk for p in by_name[:50]]
    assert first.context["paginator"].num_pages == 2
    assert first.context["counts"].total == 61 and first.context["counts"].attended == 5
    assert "?tab=peserta&amp;page=2" in first.content.decode()

    with django_assert_max_num_queries(12):
        second = operator_client.get(url, {"tab": "kehadiran", "page": 2})
    assert [p.pk for p in second.context["participants"]] == [p.pk for p in by_name[50:]]
    assert "?tab=peserta&amp;page=1" in second.content.decode()  # a one-day ceremony has no grid

    found = operator_client.get(url, {"q": "aminah zulaikha"})
    assert [p.pk for p in found.context["participants"]] == [participants[-1].pk]
    assert found.context["counts"].total == 61  # the counts stay the event's
    assert [p.pk for p in operator_client.get(url, {"q": aminah.nip[:12]}).context["participants"]] == [
        p.pk for p in participants if p.employee.nip.startswith(aminah.nip[:12])
    ]


def test_the_status_buttons_move_the_event(operator_client, unit):
    event = EventFactory(organizer=unit, status=EventStatus.DRAFT)
    operator_client.post(reverse("ceremonies:transition", args=[event.pk, EventStatus.PUBLISHED]))
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    response = operator_client.post(reverse("ceremonies:transition", args=[event.pk, EventStatus.CLOSED]), follow=True)
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    assert response.status_code == 200


def test_an_agenda_item_is_added_and_must_end_after_it_starts(operator_client, unit, english):
    operator_client.cookies["django_language"] = "en"  # the language selector's cookie
    event = EventFactory(organizer=unit)
    url = reverse("ceremonies:session_create", args=[event.pk])
    start = timezone.localtime(event.starts_at)
    bad = operator_client.post(
        url,
        {
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start - dt.timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "topic": "X",
        },
    )
    assert bad.context["form"].errors["ends_at"] == ["The end must be after the start."]
    operator_client.post(
        url,
        {
            "starts_at": f"{start:%Y-%m-%dT%H:%M}",
            "ends_at": f"{start + dt.timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "topic": "Hak peserta Taspen",
        },
    )
    assert list(event.sessions.values_list("topic", flat=True)) == ["Hak peserta Taspen"]


def test_an_agenda_item_outside_the_events_time_is_refused_saying_when_the_event_is(operator_client, unit):
    # The event runs 09:00-12:00; a session 13:00-14:00 (or 08:00-09:30) does not belong to it.
    start = dt.datetime(2030, 3, 4, 9, 0, tzinfo=timezone.get_current_timezone())
    event = EventFactory(organizer=unit, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    url = reverse("ceremonies:session_create", args=[event.pk])

    def post(begin: int, end: tuple[int, int]) -> dict:
        times = {"starts_at": f"2030-03-04T{begin:02d}:00", "ends_at": f"2030-03-04T{end[0]:02d}:{end[1]:02d}"}
        return operator_client.post(url, {**times, "topic": "Sesi"}).context["form"].errors

    after = post(13, (14, 0))
    before = post(8, (9, 30))

    assert after == {
        "ends_at": ["Sesi agenda berakhir setelah acara: acara berlangsung 4 Maret 2030 09.00 WIB - 12.00 WIB."]
    }
    assert before == {
        "starts_at": ["Sesi agenda dimulai sebelum acara: acara berlangsung 4 Maret 2030 09.00 WIB - 12.00 WIB."]
    }
    assert not event.sessions.exists()
    operator_client.post(url, {"starts_at": "2030-03-04T11:00", "ends_at": "2030-03-04T12:00", "topic": "Penutupan"})
    assert list(event.sessions.values_list("topic", flat=True)) == ["Penutupan"]


def event_post(unit, **changes):
    return {
        "kind": "pelepasan",
        "title": "Pelepasan ASN Purna Tugas Oktober",
        "starts_at": "2027-10-21T09:00",
        "ends_at": "2027-10-21T12:00",
        "venue": "Aula Pemkot",
        "organizer": unit.pk,
        **changes,
    }


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (120, 120), "#0b5d4b").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_certificate_design_is_set_on_the_event_form(operator_client, unit, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    logo = SimpleUploadedFile("logo korpri.png", png_bytes(), content_type="image/png")
    data = event_post(
        unit,
        certificate_wording="atas pengabdian selama {masa_kerja}.",
        certificate_logo=logo,
        print_offset_x_mm="3",
        print_offset_y_mm="-2",
    )

    response = operator_client.post(reverse("ceremonies:create"), data)

    event = Event.objects.get()
    assert response.status_code == 302
    assert (event.certificate_wording, event.print_offset_x_mm, event.print_offset_y_mm) == (
        "atas pengabdian selama {masa_kerja}.",
        3,
        -2,
    )
    assert event.certificate_logo.name.startswith("acara/logo/") and event.certificate_logo.size > 0


def test_a_bad_certificate_design_says_why_and_saves_nothing(operator_client, unit):
    operator_client.cookies["django_language"] = "id"
    data = event_post(
        unit,
        certificate_wording="selama {masa_krja}",
        certificate_logo=SimpleUploadedFile("logo.gif", b"GIF89a...", content_type="image/gif"),
        print_offset_x_mm="45",
    )

    response = operator_client.post(reverse("ceremonies:create"), data)

    errors = response.context["form"].errors
    assert "{masa_krja}" in " ".join(errors["certificate_wording"])
    assert errors["certificate_logo"]
    assert errors["print_offset_x_mm"] == ["Pastikan nilai ini lebih kecil dari atau sama dengan 30."]
    assert not Event.objects.exists()


def test_a_logo_of_too_many_pixels_is_refused_however_small_the_file(operator_client, unit):
    """A 8000 x 8000 PNG of one colour is a few hundred KB on disk and 256 MB decoded (a hostile pass)."""
    buffer = BytesIO()
    Image.new("RGBA", (8000, 8000), (11, 93, 75, 255)).save(buffer, "PNG")
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    logo = SimpleUploadedFile("besar.png", buffer.getvalue(), content_type="image/png")

    response = operator_client.post(reverse("ceremonies:create"), event_post(unit, certificate_logo=logo))

    assert response.status_code == 200
    assert "8000 x 8000" in " ".join(response.context["form"].errors["certificate_logo"])
    assert not Event.objects.exists()


def test_a_wrong_check_in_and_souvenir_are_undone_from_the_check_in_page(operator_client, unit):
    now = timezone.now()
    event = EventFactory(organizer=unit, starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=1))
    participant = ParticipantFactory(event=event, employee=retiring(unit, name="Siti Aminah"))
    operator_client.post(reverse("ceremonies:participant_check_in", args=[participant.pk]))
    operator_client.post(reverse("ceremonies:souvenir", args=[participant.pk]))
    page = operator_client.get(reverse("ceremonies:checkin", args=[event.pk])).content.decode()
    assert reverse("ceremonies:participant_check_in_undo", args=[participant.pk]) in page
    assert reverse("ceremonies:souvenir_undo", args=[participant.pk]) in page

    # No reason: refused, nothing changes.
    refused = operator_client.post(
        reverse("ceremonies:participant_check_in_undo", args=[participant.pk]), {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 409
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ATTENDED

    row = operator_client.post(
        reverse("ceremonies:participant_check_in_undo", args=[participant.pk]),
        {"reason": "salah orang"},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200 and reverse("ceremonies:participant_check_in", args=[participant.pk]) in (
        row.content.decode()
    )
    operator_client.post(reverse("ceremonies:souvenir_undo", args=[participant.pk]), {"reason": "belum"})
    participant.refresh_from_db()
    assert participant.status != ParticipantStatus.ATTENDED and participant.checked_in_at is None
    assert participant.souvenir_at is None
    assert participant.history.latest().history_change_reason == "souvenir undone: belum"


def test_undo_after_the_event_day_is_refused_in_indonesian(operator_client, unit):
    event = EventFactory(organizer=unit, starts_at=timezone.now() - dt.timedelta(days=2))
    participant = ParticipantFactory(event=event, employee=retiring(unit), status=ParticipantStatus.ATTENDED)
    page = operator_client.get(reverse("ceremonies:checkin", args=[event.pk])).content.decode()
    assert reverse("ceremonies:participant_check_in_undo", args=[participant.pk]) not in page
    response = operator_client.post(
        reverse("ceremonies:participant_check_in_undo", args=[participant.pk]), {"reason": "salah"}, follow=True
    )
    assert "hanya dapat dibatalkan pada hari acara" in response.content.decode()
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ATTENDED
