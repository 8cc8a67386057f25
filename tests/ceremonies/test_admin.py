"""The ceremonies in the Django admin: events saved through the services (same checks, history with the
user), signatories kept, and only the events of the user's scope listed or opened."""

import pytest
from django.test import Client
from django.urls import reverse

from ceremonies.models import Event, Official
from purna import roles
from tests.factories import EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="BKPSDM", name="BKPSDM")


def admin_client(**kwargs) -> tuple[Client, object]:
    user = UserFactory(roles=[roles.ADMIN], is_staff=True, **kwargs)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client, user


def event_form(unit, official, **changes) -> dict:
    data = {
        "kind": "pelepasan",
        "title": "Pelepasan ASN Purna Tugas Triwulan II",
        "starts_at_0": "2027-04-21",
        "starts_at_1": "09:00:00",
        "ends_at_0": "2027-04-21",
        "ends_at_1": "12:00:00",
        "venue": "Aula Pemkot",
        "organizer": unit.pk,
        "capacity": "30",
        "presiding_official": official.pk,
        "signatories": [official.pk],
        "description": "",
        "print_offset_x_mm": "0",
        "print_offset_y_mm": "0",
        **{
            f"{prefix}-{key}": value
            for prefix in ("sessions", "participants")
            for key, value in (
                ("TOTAL_FORMS", "0"),
                ("INITIAL_FORMS", "0"),
                ("MIN_NUM_FORMS", "0"),
                ("MAX_NUM_FORMS", "1000"),
            )
        },
    }
    return {**data, **changes}


def test_an_event_added_in_the_admin_goes_through_the_service(unit):
    client, user = admin_client(units=[unit])
    official = Official.objects.create(name="Drs. H. Rahmat Hidayat", title="Wali Kota")

    response = client.post(reverse("admin:ceremonies_event_add"), event_form(unit, official))

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    assert event.created_by == user and event.history.get().history_user == user
    assert list(event.signatories.all()) == [official]


def test_the_admin_refuses_what_the_service_refuses(unit):
    client, _user = admin_client(units=[unit])
    official = Official.objects.create(name="A", title="B")
    other = UnitKerjaFactory(code="DLH")

    response = client.post(
        reverse("admin:ceremonies_event_add"),
        event_form(unit, official, ends_at_1="08:00:00", organizer=other.pk),
    )

    errors = response.context["adminform"].form.errors
    assert "The end must be after the start." in errors["ends_at"]
    assert "organizer" in errors
    assert not Event.objects.exists()


def test_the_admin_shows_only_the_events_of_the_scope(unit):
    client, _user = admin_client(units=[unit])
    mine = EventFactory(organizer=unit, title="Pelepasan BKPSDM")
    theirs = EventFactory(organizer=UnitKerjaFactory(code="DLH"), title="Pelepasan DLH")
    ParticipantFactory(event=theirs)

    listing = client.get(reverse("admin:ceremonies_event_changelist")).content.decode()

    assert "Pelepasan BKPSDM" in listing and "Pelepasan DLH" not in listing
    assert client.get(reverse("admin:ceremonies_event_history", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("admin:ceremonies_event_change", args=[mine.pk])).status_code == 200
