"""Instructors managed from the staff pages (ceremonies/views/instructors.py, services/instructors.py):
list and search, add and change with history, bad input refused in Indonesian with nothing saved, and
who may do it (no scope: instructors belong to the whole agency)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceremonies.models import Instructor
from purna import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/acara/instruktur/"
CREATE = "/acara/instruktur/tambah/"
TASPEN = {"name": "Rina Marlina, S.E.", "institution": "PT Taspen (Persero)", "expertise": "Hak peserta Taspen"}


def signed_in(*role_names) -> tuple[Client, object]:
    user = UserFactory(roles=list(role_names))
    client = Client()
    client.force_login(user)
    return client, user


def test_the_urls():
    assert reverse("ceremonies:instructors") == LIST
    assert reverse("ceremonies:instructor_create") == CREATE
    assert reverse("ceremonies:instructor_update", args=[3]) == "/acara/instruktur/3/ubah/"


def test_an_operator_adds_and_changes_an_instructor_with_history():
    client, user = signed_in(roles.OPERATOR)

    response = client.post(CREATE, {**TASPEN, "email": "rina@taspen.co.id", "phone": "0812 1111 2222"})

    assert response.status_code == 302 and response.url == LIST
    instructor = Instructor.objects.get()
    assert (instructor.name, instructor.email) == ("Rina Marlina, S.E.", "rina@taspen.co.id")
    url = reverse("ceremonies:instructor_update", args=[instructor.pk])
    assert client.post(url, {**TASPEN, "expertise": "THT dan pensiun"}).status_code == 302
    instructor.refresh_from_db()
    assert (instructor.expertise, instructor.email) == ("THT dan pensiun", "")
    assert [
        (h.history_type, h.history_user, h.history_change_reason) for h in instructor.history.order_by("history_id")
    ] == [
        ("+", user, "instructor created"),
        ("~", user, "instructor changed"),
    ]
    page = client.get(url).content.decode()
    assert "Riwayat" in page or "History" in page

    listing = client.get(LIST, {"q": "taspen pensiun"}).content.decode()
    assert "Rina Marlina, S.E." in listing and url in listing
    assert "Rina Marlina" not in client.get(LIST, {"q": "psikolog"}).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Bidang ini tidak boleh kosong."),
        ({"email": "rina@"}, "Masukkan alamat email yang valid."),
        ({"institution": "x" * 201}, "paling banyak 200 karakter"),
    ],
)
def test_bad_input_is_refused_in_indonesian_and_nothing_is_saved(changes, message):
    client, _user = signed_in(roles.OPERATOR)

    response = client.post(CREATE, {**TASPEN, **changes})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Instructor.objects.exists()


def test_who_may_manage_instructors():
    instructor = Instructor.objects.create(**TASPEN)
    update = reverse("ceremonies:instructor_update", args=[instructor.pk])
    anonymous = Client()
    for url in (LIST, CREATE, update):
        response = anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    nobody, _user = signed_in()
    for url in (LIST, CREATE, update):
        assert nobody.get(url).status_code == 403
    # A verifier reads the list (ceremonies.view_*) but may neither add nor change.
    verifier, _user = signed_in(roles.VERIFIKATOR)
    listing = verifier.get(LIST)
    assert (
        listing.status_code == 200 and update not in listing.content.decode() and CREATE not in listing.content.decode()
    )
    for url in (CREATE, update):
        assert verifier.get(url).status_code == 403
        assert verifier.post(url, {**TASPEN, "name": "Diubah"}).status_code == 403
    instructor.refresh_from_db()
    assert instructor.name == "Rina Marlina, S.E." and Instructor.objects.count() == 1
    operator, _user = signed_in(roles.OPERATOR)
    assert operator.get(reverse("ceremonies:instructor_update", args=[instructor.pk + 50])).status_code == 404
    assert LIST in operator.get(reverse("ceremonies:list")).content.decode()


def test_the_list_makes_the_same_queries_for_3_and_30_instructors():
    client, _user = signed_in(roles.OPERATOR)
    client.get(LIST)  # the session and permissions cached like on any later page
    counts = []
    for extra in (3, 27):
        Instructor.objects.bulk_create(Instructor(name=f"N {n}", institution="BKPSDM") for n in range(extra))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
