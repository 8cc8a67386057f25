"""The offline check-in's server side: the participant list a phone keeps and the sync of its queue.
Each operation counts once however often it is sent, two phones for one person give one check-in, an
undo made online meanwhile wins, bad payloads change nothing, and scope and permission hold."""

import datetime as dt
import json
import re
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ceremonies.checkin_sync import MAX_OPERATIONS
from ceremonies.models import CheckinOperation, Participant, ParticipantStatus
from ceremonies.services.events import participant_check_in, participant_check_in_undo
from purna import roles
from tests.ceremonies.test_views import retiring
from tests.factories import EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory


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


@pytest.fixture
def event(unit):
    return EventFactory(organizer=unit)


def operation(participant: Participant, kind: str = "check_in", **fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "participant": participant.pk,
        "at": timezone.now().isoformat(),
        **fields,
    }


def sync(client, event, operations, **kwargs):
    body = json.dumps({"operations": operations})
    return client.post(reverse("ceremonies:checkin_sync", args=[event.pk]), body, content_type="application/json")


def test_the_phone_asks_for_the_list_again_with_its_etag_and_gets_no_body_until_it_changes(
    operator_client, operator, event, unit
):
    person = ParticipantFactory(event=event, employee=retiring(unit))
    url = reverse("ceremonies:checkin_data", args=[event.pk])

    first = operator_client.get(url)
    etag = first["ETag"]
    # Kept by the browser, and asked again each time (never used unasked).
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert "no-store" not in first["Cache-Control"]
    unchanged = operator_client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and not unchanged.content

    participant_check_in(participant=person, actor=operator)
    changed = operator_client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["participants"][0]["checked_in"] is True


def test_the_phone_downloads_the_participants_in_a_fixed_number_of_queries(
    operator_client, event, unit, django_assert_num_queries
):
    people = [ParticipantFactory(event=event, employee=retiring(unit)) for _ in range(3)]
    url = reverse("ceremonies:checkin_data", args=[event.pk])
    operator_client.get(url)
    with django_assert_num_queries(7):  # session, user, permissions (one query), scope, event, participants
        response = operator_client.get(url)
    for _ in range(5):
        ParticipantFactory(event=event, employee=retiring(unit))
    with django_assert_num_queries(7):
        assert len(operator_client.get(url).json()["participants"]) == 8
    first = response.json()["participants"][0]
    assert set(first) == {"id", "name", "nip", "unit", "code", "checked_in", "checked_in_at", "souvenir", "present"}
    assert response.json()["parts"] == []  # a one-day event: a single check-in
    assert {p["code"] for p in response.json()["participants"]} == {p.checkin_code for p in people}


def test_syncing_twice_counts_once(operator_client, event, unit):
    participant = ParticipantFactory(event=event, employee=retiring(unit))
    operations = [operation(participant), operation(participant, "souvenir")]

    first = sync(operator_client, event, operations).json()["results"]
    second = sync(operator_client, event, operations).json()["results"]

    assert [r["outcome"] for r in first] == ["done", "done"]
    assert [r["outcome"] for r in second] == ["done", "done"]
    assert [r["duplicate"] for r in second] == [True, True]
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ATTENDED and participant.souvenir_at
    assert participant.history.filter(history_change_reason="check-in").count() == 1
    assert participant.history.filter(history_change_reason="souvenir").count() == 1
    assert CheckinOperation.objects.count() == 2


def test_two_phones_checking_in_one_person_give_one_check_in(operator_client, event, unit):
    participant = ParticipantFactory(event=event, employee=retiring(unit, name="Siti Aminah"))
    early = operation(participant, at=(timezone.now() - dt.timedelta(minutes=5)).isoformat())

    [first] = sync(operator_client, event, [early]).json()["results"]
    [second] = sync(operator_client, event, [operation(participant)]).json()["results"]

    assert first["outcome"] == "done"
    assert second["outcome"] == "already"
    assert "Siti Aminah" in second["message"]
    participant.refresh_from_db()
    # The time the first phone recorded, not the time of the sync.
    assert abs(participant.checked_in_at - dt.datetime.fromisoformat(early["at"])) < dt.timedelta(seconds=1)
    assert participant.history.filter(history_change_reason="check-in").count() == 1


def test_a_qr_code_checks_in_without_the_participant_id(operator_client, event, unit):
    participant = ParticipantFactory(event=event, employee=retiring(unit))
    op = operation(participant, code=participant.checkin_code)
    del op["participant"]
    [result] = sync(operator_client, event, [op]).json()["results"]
    assert result["outcome"] == "done" and result["participant"] == participant.pk


def test_an_undo_made_online_after_the_phone_checked_in_wins(operator_client, operator, event, unit):
    participant = ParticipantFactory(event=event, employee=retiring(unit))
    offline = operation(participant, at=(timezone.now() - dt.timedelta(minutes=10)).isoformat())
    participant_check_in(participant=participant, actor=operator)
    participant_check_in_undo(participant=participant, actor=operator, reason="salah orang")

    [result] = sync(operator_client, event, [offline]).json()["results"]

    assert result["outcome"] == "conflict"
    assert result["checked_in"] is False
    participant.refresh_from_db()
    assert participant.status != ParticipantStatus.ATTENDED
    # A check-in made after the undo is a new decision and counts.
    [later] = sync(operator_client, event, [operation(participant)]).json()["results"]
    assert later["outcome"] == "done"


def test_unknown_participants_and_other_events_are_answered_not_recorded(operator_client, event, unit):
    other_event = EventFactory(organizer=unit)
    elsewhere = ParticipantFactory(event=other_event, employee=retiring(unit))
    outsider = ParticipantFactory(event=event, employee=retiring(UnitKerjaFactory(code="DLH", name="DLH")))
    ghost = {**operation(elsewhere), "participant": 999_999}

    results = sync(
        operator_client, event, [operation(elsewhere), operation(outsider), ghost, operation(elsewhere, code="x" * 16)]
    ).json()["results"]

    assert [r["outcome"] for r in results] == ["unknown"] * 4
    assert not CheckinOperation.objects.exists()
    assert not Participant.objects.filter(status=ParticipantStatus.ATTENDED).exists()


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        json.dumps([1, 2]),
        json.dumps({"operations": "semua"}),
        json.dumps(
            {"operations": [{"id": "bukan-uuid", "kind": "check_in", "participant": 1, "at": "2026-01-01T09:00+07:00"}]}
        ),
        json.dumps(
            {
                "operations": [
                    {"id": str(uuid.uuid4()), "kind": "serahkan", "participant": 1, "at": "2026-01-01T09:00+07:00"}
                ]
            }
        ),
        json.dumps(
            {
                "operations": [
                    {"id": str(uuid.uuid4()), "kind": "check_in", "participant": "1", "at": "2026-01-01T09:00+07:00"}
                ]
            }
        ),
        json.dumps({"operations": [{"id": str(uuid.uuid4()), "kind": "check_in", "participant": 1, "at": "kemarin"}]}),
        json.dumps(
            {"operations": [{"id": str(uuid.uuid4()), "kind": "check_in", "participant": 1, "at": "2026-01-01T09:00"}]}
        ),
        json.dumps({"operations": [{"id": str(uuid.uuid4()), "kind": "check_in", "at": "2026-01-01T09:00+07:00"}]}),
        b"\xff\xfe",
    ],
)
def test_bad_payloads_get_a_message_and_change_nothing(operator_client, event, unit, body):
    ParticipantFactory(event=event, employee=retiring(unit))
    response = operator_client.post(
        reverse("ceremonies:checkin_sync", args=[event.pk]),
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert not CheckinOperation.objects.exists()
    assert not Participant.objects.filter(status=ParticipantStatus.ATTENDED).exists()


def test_one_bad_operation_refuses_the_whole_batch(operator_client, event, unit):
    participant = ParticipantFactory(event=event, employee=retiring(unit))
    response = sync(operator_client, event, [operation(participant), {"id": "x"}])
    assert response.status_code == 400
    participant.refresh_from_db()
    assert participant.status != ParticipantStatus.ATTENDED


def test_huge_payloads_are_refused_unread(operator_client, event, unit):
    participant = ParticipantFactory(event=event, employee=retiring(unit))
    too_many = [operation(participant) for _ in range(MAX_OPERATIONS + 1)]
    assert sync(operator_client, event, too_many).status_code == 400
    padded = [operation(participant, code="", note="x" * 70_000)]
    response = sync(operator_client, event, padded)
    assert response.status_code == 413
    assert not CheckinOperation.objects.exists()


def test_other_units_get_404_and_other_roles_403(client, event, unit):
    participant = ParticipantFactory(event=event, employee=retiring(unit))
    other = UserFactory(username="operator-dlh", roles=[roles.OPERATOR], units=[UnitKerjaFactory(code="DLH")])
    client.force_login(other)
    assert sync(client, event, [operation(participant)]).status_code == 404
    assert client.get(reverse("ceremonies:checkin_data", args=[event.pk])).status_code == 404
    client.force_login(UserFactory(username="bendahara", roles=[roles.BENDAHARA], units=[unit]))
    assert sync(client, event, [operation(participant)]).status_code == 403
    assert client.get(reverse("ceremonies:checkin_data", args=[event.pk])).status_code == 403
    client.logout()
    assert sync(client, event, [operation(participant)]).status_code in (302, 403)
    participant.refresh_from_db()
    assert participant.status != ParticipantStatus.ATTENDED


def test_the_service_worker_is_served_for_the_check_in_pages(operator_client):
    response = operator_client.get(reverse("ceremonies:checkin_service_worker"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "purna-checkin" in response.content.decode()


def test_only_the_check_in_page_lets_the_qr_scanner_use_blob_urls(operator_client, event):
    checkin = operator_client.get(reverse("ceremonies:checkin", args=[event.pk]))["Content-Security-Policy"]
    detail = operator_client.get(reverse("ceremonies:detail", args=[event.pk]))["Content-Security-Policy"]
    assert "worker-src 'self' blob:" in checkin
    assert "blob:" in next(part for part in checkin.split(";") if "img-src" in part)
    assert "script-src 'self'" in checkin and "unsafe" not in next(
        part for part in checkin.split(";") if "script-src" in part
    )
    assert "blob:" not in detail


def test_the_check_in_page_draws_its_icons_without_an_emoji_font(operator_client, event, unit):
    ParticipantFactory(
        event=event,
        employee=retiring(unit, name="Siti Aminah"),
        status=ParticipantStatus.ATTENDED,
        checked_in_at=timezone.now(),
        souvenir_at=timezone.now(),
    )
    page = operator_client.get(reverse("ceremonies:checkin", args=[event.pk])).content.decode()
    script = (settings.BASE_DIR / "static" / "js" / "checkin_offline.js").read_text()

    # An emoji shows as an empty box on a phone or PC without an emoji font: the scan button's camera is
    # SVG, and neither the page nor the rows the phone draws offline carry one.
    emoji = re.compile("[\U0001f000-\U0001faff]")
    assert "Siti Aminah" in page
    assert not emoji.search(page) and not emoji.search(script)
    button = re.search(r'<button[^>]*id="checkin-scan">(.*?)</button>', page, re.S).group(1)
    assert '<svg class="icon' in button and 'aria-hidden="true"' in button
