"""Training feedback on the portal: "Beri penilaian" on the retiree's page while the form is open, one
POST saving every session's answers, clear Indonesian errors that change nothing, the window closing,
someone else's training answering 404, and a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from ceremonies.models import ParticipantStatus, TrainingFeedback
from employees.services.accounts import employee_portal_account_ensure
from tests.ceremonies.feedback_helpers import attend, ended_training
from tests.factories import EmployeeFactory, ParticipantFactory, SessionFactory, in_days

pytestmark = pytest.mark.django_db


def signed_in(client, employee):
    client.force_login(employee_portal_account_ensure(employee=employee))
    return client


@pytest.fixture
def retiree(unit):
    return EmployeeFactory(unit=unit, name="Sri Wahyuni", email="sri.wahyuni@example.id")


@pytest.fixture
def training(unit, retiree):
    event, taspen, business = ended_training(unit, attendees=3)
    participant = attend(event, retiree)
    return event, taspen, business, participant


def _post(taspen, business, **fields):
    data = {
        f"s{taspen.pk}-rating": "5",
        f"s{taspen.pk}-usefulness": "4",
        f"s{taspen.pk}-comment": "Penjelasan tentang THT sangat jelas.",
        f"s{business.pk}-rating": "3",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def test_the_home_page_offers_the_form_after_the_training(client, unit, retiree, training, settings):
    event = training[0]
    signed_in(client, retiree)

    html = client.get(reverse("portal:home")).content.decode()

    assert "Beri penilaian" in html and reverse("portal:feedback", args=[event.pk]) in html
    settings.PURNA_FEEDBACK_DAYS = 1
    with time_machine.travel(event.ends_at + dt.timedelta(days=1)):  # the form has just closed
        assert "Beri penilaian" not in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize("status", [ParticipantStatus.INVITED, ParticipantStatus.CONFIRMED, ParticipantStatus.ABSENT])
def test_no_form_for_those_who_did_not_attend(client, unit, retiree, status):
    event, taspen, business = ended_training(unit)
    ParticipantFactory(event=event, employee=retiree, status=status)
    signed_in(client, retiree)

    assert "Beri penilaian" not in client.get(reverse("portal:home")).content.decode()
    page = client.get(reverse("portal:feedback", args=[event.pk]))
    assert page.status_code == 200 and "Hanya peserta yang hadir" in page.content.decode()
    refused = client.post(reverse("portal:feedback", args=[event.pk]), _post(taspen, business))
    assert refused.status_code == 400 and not TrainingFeedback.objects.exists()


def test_no_form_before_the_training_ends(client, unit, retiree):
    # Signed in at noon of the training's day, whatever the hour the tests run at: signed in at 01.00, the
    # session (8 hours) would be over by 14.55, five minutes before the training ends.
    with time_machine.travel(in_days(0, 12)):
        event, taspen, business = ended_training(unit, days_ago=0)
        attend(event, retiree)
        signed_in(client, retiree)

    with time_machine.travel(event.ends_at - dt.timedelta(minutes=5)):
        assert "Beri penilaian" not in client.get(reverse("portal:home")).content.decode()
        refused = client.post(reverse("portal:feedback", args=[event.pk]), _post(taspen, business))
    assert refused.status_code == 400 and "dibuka setelah pelatihan selesai" in refused.content.decode()
    with time_machine.travel(event.ends_at + dt.timedelta(minutes=5)):
        assert "Beri penilaian" in client.get(reverse("portal:home")).content.decode()


def test_a_retiree_rates_every_session_in_one_post_and_changes_it(client, retiree, training):
    event, taspen, business, participant = training
    signed_in(client, retiree)
    url = reverse("portal:feedback", args=[event.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="feedback-session"') == 2
    assert "Siti Rahmawati" in html and "Budi Santoso" in html and 'type="radio"' in html

    response = client.post(url, _post(taspen, business), follow=True)

    assert response.redirect_chain == [(reverse("portal:home"), 302)]
    assert "Penilaian Bapak/Ibu sudah tersimpan" in response.content.decode()
    saved = {row.session_id: row for row in TrainingFeedback.objects.filter(participant=participant)}
    assert (saved[taspen.pk].rating, saved[taspen.pk].usefulness) == (5, 4)
    assert saved[taspen.pk].comment == "Penjelasan tentang THT sangat jelas."
    assert (saved[business.pk].rating, saved[business.pk].usefulness, saved[business.pk].comment) == (3, None, "")

    again = client.get(url).content.decode()
    assert "sudah mengirim penilaian" in again
    assert f'id="id_s{taspen.pk}-rating_4" value="5" autocomplete="off" checked' in again
    client.post(url, _post(taspen, business, **{f"s{business.pk}-rating": "1"}))
    assert TrainingFeedback.objects.get(participant=participant, session=business).rating == 1
    assert TrainingFeedback.objects.filter(participant=participant).count() == 2


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"rating": "7"}, "Pilih nilai dari 1 sampai 5.", "rating"),
        ({"rating": "lima"}, "Pilih nilai dari 1 sampai 5.", "rating"),
        ({"usefulness": "0"}, "Pilih nilai dari 1 sampai 5.", "usefulness"),
        ({"comment": "x" * 501}, "Komentar terlalu panjang: paling banyak 500 karakter (sekarang 501).", "comment"),
        ({"rating": None}, "Mohon pilih juga nilai untuk sesi ini.", "rating"),
    ],
)
def test_bad_answers_get_a_clear_message_and_change_nothing(client, retiree, training, change, message, field):
    event, taspen, business, _participant = training
    signed_in(client, retiree)
    data = _post(taspen, business, **{f"s{taspen.pk}-{key}": value for key, value in change.items()})

    response = client.post(reverse("portal:feedback", args=[event.pk]), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "Ada jawaban yang perlu diperbaiki" in html
    assert f'id="id_s{taspen.pk}-{field}-error"' in html
    assert not TrainingFeedback.objects.exists()


def test_nothing_rated_is_refused(client, retiree, training):
    event, _taspen, _business, _participant = training
    signed_in(client, retiree)

    response = client.post(reverse("portal:feedback", args=[event.pk]), {})

    assert response.status_code == 400
    assert "Mohon beri nilai paling sedikit satu sesi." in response.content.decode()
    assert not TrainingFeedback.objects.exists()


def test_the_form_closes_after_the_window(client, retiree, training, settings):
    event, taspen, business, participant = training
    settings.PURNA_FEEDBACK_DAYS = 3
    signed_in(client, retiree)
    url = reverse("portal:feedback", args=[event.pk])
    client.post(url, _post(taspen, business))

    with time_machine.travel(event.ends_at + dt.timedelta(days=3, seconds=1)):
        signed_in(client, retiree)  # a new session: the earlier one may have expired
        page = client.get(url)
        refused = client.post(url, _post(taspen, business, **{f"s{taspen.pk}-rating": "1"}))
    assert page.status_code == 200 and "sudah ditutup" in page.content.decode()
    assert 'data-testid="feedback-form"' not in page.content.decode()
    assert refused.status_code == 400
    assert TrainingFeedback.objects.get(participant=participant, session=taspen).rating == 5


def test_another_retirees_training_is_not_found(client, unit, retiree, training):
    event, taspen, business, _participant = training
    other, other_taspen, other_business = ended_training(unit, attendees=1, title="Angkatan II")
    signed_in(client, retiree)

    for pk in (other.pk, 999999):
        assert client.get(reverse("portal:feedback", args=[pk])).status_code == 404
        assert (
            client.post(reverse("portal:feedback", args=[pk]), _post(other_taspen, other_business)).status_code == 404
        )
    # Sessions of another training posted to one's own form are refused (nothing saved).
    response = client.post(
        reverse("portal:feedback", args=[event.pk]),
        _post(taspen, business, **{f"s{other_taspen.pk}-rating": "1"}),
    )
    assert response.status_code == 302
    assert not TrainingFeedback.objects.filter(session=other_taspen).exists()


def test_staff_and_anonymous_visitors_are_refused(client, operator, training):
    event = training[0]
    url = reverse("portal:feedback", args=[event.pk])
    assert client.get(url).status_code == 302
    client.force_login(operator)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(("attendees", "sessions"), [(5, 0), (50, 6)])
def test_the_form_runs_a_fixed_number_of_queries(
    client, unit, retiree, training, attendees, sessions, django_assert_num_queries
):
    event, taspen, business, _participant = training
    for _ in range(attendees):
        attend(event, EmployeeFactory(unit=unit))
    for hour in range(sessions):
        SessionFactory(event=event, topic=f"Sesi {hour}", starts_at=event.starts_at + dt.timedelta(minutes=hour))
    signed_in(client, retiree)
    url = reverse("portal:feedback", args=[event.pk])
    client.post(url, _post(taspen, business))
    client.get(url)

    # The session, the user, the person, the participation, its sessions, its answers (the agency in the
    # page header is cached since the first request).
    with django_assert_num_queries(QUERIES_FORM):
        assert client.get(url).status_code == 200


QUERIES_FORM = 6
