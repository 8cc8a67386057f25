"""One tap in the invitation email answers: the link's page posts its own answer (static JS) or shows
one big button with it; a GET alone (a mail scanner) records nothing. The answer can say "with my
spouse" and note access needs, and keeps them when the answer is changed."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from ceremonies import rsvp
from ceremonies.models import ParticipantStatus
from ceremonies.services.invitations import invitations_send
from tests.ceremonies.helpers import snapshot
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(actor):
    participant = ParticipantFactory()
    invitations_send(event=participant.event, actor=actor)
    participant.refresh_from_db()
    return participant


def link(participant, answer: str = "") -> str:
    token = rsvp.token_make(participant_pk=participant.pk, version=participant.rsvp_version)
    url = reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": token})
    return f"{url}?jawab={answer}" if answer else url


@pytest.mark.parametrize(("answer", "value"), [("hadir", "confirm"), ("tidak", "decline")])
def test_the_links_page_posts_its_own_answer_and_a_get_alone_records_nothing(invited, answer, value):
    before = snapshot(invited)

    page = Client().get(link(invited, answer))

    body = page.content.decode()
    assert page.status_code == 200
    assert "data-rsvp-auto" in body and "js/rsvp_answer" in body
    # One answer on the page, the link's own: no question asked again.
    assert body.count('name="answer"') == 1 and f'name="answer" value="{value}"' in body
    assert 'data-testid="rsvp-one-tap-button"' in body
    assert "<script>" not in body  # the policy allows no inline script
    assert snapshot(invited) == before


@pytest.mark.parametrize(("answer", "value"), [("hadir", "confirm"), ("tidak", "decline")])
def test_a_link_opened_again_after_its_answer_says_so_and_posts_nothing(invited, answer, value):
    Client().post(link(invited), {"answer": value})

    body = Client().get(link(invited, answer)).content.decode()

    # The answer is already the link's: the page says it large, with a way to change it, and holds no
    # form that would post it again.
    assert 'data-testid="rsvp-already"' in body
    assert "data-rsvp-auto" not in body and 'name="answer"' not in body
    said = "You have said that you will attend." if value == "confirm" else "You have said that you cannot attend."
    assert gettext(said + " You can still change your answer.") in body


def test_the_one_tap_post_records_the_answer_and_shows_it_with_a_way_to_change(invited):
    client = Client(enforce_csrf_checks=True)
    client.get(link(invited, "hadir"))

    done = client.post(link(invited), {"answer": "confirm", "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    invited.refresh_from_db()
    assert invited.status == ParticipantStatus.CONFIRMED
    body = done.content.decode()
    assert gettext("Your answer has been recorded: you will attend.") in body
    assert 'name="answer" value="decline"' in body and 'data-testid="rsvp-change"' in body


def test_spouse_and_access_needs_are_recorded_and_kept_when_the_answer_changes(invited):
    client = Client()

    client.post(
        link(invited),
        {"answer": "confirm", "details": "1", "with_spouse": "1", "access_needs": "  kursi   roda "},
    )
    invited.refresh_from_db()
    assert (invited.status, invited.with_spouse, invited.access_needs) == (
        ParticipantStatus.CONFIRMED,
        True,
        "kursi roda",
    )
    assert invited.history.first().history_change_reason == "rsvp"

    client.post(link(invited), {"answer": "decline"})
    invited.refresh_from_db()
    assert (invited.status, invited.with_spouse, invited.access_needs) == (
        ParticipantStatus.DECLINED,
        True,
        "kursi roda",
    )

    client.post(link(invited), {"answer": "decline", "details": "1", "access_needs": ""})
    invited.refresh_from_db()
    assert (invited.with_spouse, invited.access_needs) == (False, "")


def test_the_plain_page_asks_with_the_spouse_and_access_needs(invited):
    body = Client().get(link(invited)).content.decode()

    assert 'name="answer" value="confirm"' in body and 'name="answer" value="decline"' in body
    assert 'name="with_spouse"' in body and 'name="access_needs"' in body
    assert "data-rsvp-auto" not in body
