"""Signed RSVP links (ceremonies/rsvp.py), the answer service (rsvp_respond) and the public answer page:
a good link records the answer; every bad link is refused with a clear message and changes nothing."""

import contextlib
import datetime as dt

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ceremonies import rsvp
from ceremonies.exceptions import RsvpError, RsvpGoneError
from ceremonies.models import EventStatus, Participant, ParticipantStatus
from ceremonies.services.invitations import invitations_send, rsvp_participant_get, rsvp_respond
from tests.ceremonies.helpers import snapshot, tamper
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(actor):
    """A participant of a published event a month away, invited once (rsvp_version 1)."""
    participant = ParticipantFactory()
    invitations_send(event=participant.event, actor=actor)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.INVITED and participant.rsvp_version == 1
    return participant


def token_for(participant) -> str:
    return rsvp.token_make(participant_pk=participant.pk, version=participant.rsvp_version)


def url_for(participant, token: str) -> str:
    return reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": token})


# --- The token alone -------------------------------------------------------------------------------------


def test_a_token_names_its_participant_and_version():
    token = rsvp.token_make(participant_pk=12, version=3)

    assert rsvp.token_read(token, pk=12) == rsvp.RsvpClaim(participant_pk=12, version=3)
    assert "/" not in token and len(token) < 60


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: tamper(rsvp.token_make(participant_pk=12, version=1)), rsvp.INVALID),
        (lambda: rsvp.token_make(participant_pk=12, version=1).replace("12.1", "12.2"), rsvp.INVALID),
        (lambda: signing.TimestampSigner(salt="employees.other").sign("12.1"), rsvp.INVALID),
        (lambda: signing.TimestampSigner().sign("12.1"), rsvp.INVALID),
        (lambda: rsvp.token_make(participant_pk=13, version=1), rsvp.OTHER_PERSON),
        (lambda: "sampah", rsvp.INVALID),
    ],
    ids=["tampered-signature", "tampered-version", "other-salt", "no-salt", "other-participant", "garbage"],
)
def test_bad_tokens_are_refused_with_their_reason(make, reason):
    with pytest.raises(rsvp.RsvpTokenError) as refused:
        rsvp.token_read(make(), pk=12)

    assert refused.value.reason == reason
    assert not refused.value.gone


def test_a_token_expires_after_the_configured_days(settings):
    settings.PURNA_RSVP_MAX_AGE_DAYS = 10
    with time_machine.travel(dt.datetime(2027, 1, 1, 9, tzinfo=dt.UTC), tick=False):
        token = rsvp.token_make(participant_pk=12, version=1)
    with time_machine.travel(dt.datetime(2027, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        assert rsvp.token_read(token, pk=12).version == 1
    with (
        time_machine.travel(dt.datetime(2027, 1, 11, 9, 1, tzinfo=dt.UTC), tick=False),
        pytest.raises(rsvp.RsvpTokenError) as refused,
    ):
        rsvp.token_read(token, pk=12)
    assert refused.value.reason == rsvp.EXPIRED and refused.value.gone


def test_an_older_version_is_superseded():
    claim = rsvp.token_read(rsvp.token_make(participant_pk=12, version=1), pk=12)

    rsvp.version_check(claim, 1)
    with pytest.raises(rsvp.RsvpTokenError) as refused:
        rsvp.version_check(claim, 2)
    assert refused.value.reason == rsvp.SUPERSEDED and refused.value.gone


# --- The service ----------------------------------------------------------------------------------------


def test_confirming_records_the_answer_the_time_and_the_history(invited):
    participant = rsvp_respond(pk=invited.pk, token=token_for(invited), answer="confirm")

    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.CONFIRMED
    assert participant.responded_at is not None
    last = participant.history.first()
    assert (last.history_change_reason, last.history_user, last.status) == ("rsvp", None, ParticipantStatus.CONFIRMED)


def test_an_answer_can_be_changed_until_the_event_and_repeating_it_changes_nothing(invited):
    token = token_for(invited)
    rsvp_respond(pk=invited.pk, token=token, answer="confirm")
    rsvp_respond(pk=invited.pk, token=token, answer="decline")
    before = snapshot(invited)

    again = rsvp_respond(pk=invited.pk, token=token, answer="decline")

    assert again.status == ParticipantStatus.DECLINED
    assert snapshot(invited) == before


def test_an_unknown_answer_is_refused(invited, english):
    before = snapshot(invited)

    with pytest.raises(RsvpError, match="Please choose whether you will attend"):
        rsvp_respond(pk=invited.pk, token=token_for(invited), answer="mungkin")

    assert snapshot(invited) == before


def _expired(participant, settings, actor):
    token = token_for(participant)
    settings.PURNA_RSVP_MAX_AGE_DAYS = 2
    # Three days later; the event (a month away) has not started.
    return participant.pk, token, time_machine.travel(timezone.now() + dt.timedelta(days=3))


def _tampered(participant, settings, actor):
    return participant.pk, tamper(token_for(participant)), None


def _other_salt(participant, settings, actor):
    return participant.pk, signing.TimestampSigner(salt="other").sign(f"{participant.pk}.1"), None


def _other_participant(participant, settings, actor):
    other = ParticipantFactory(event=participant.event, status=ParticipantStatus.INVITED, rsvp_version=1)
    return participant.pk, token_for(other), None


def _resent(participant, settings, actor):
    token = token_for(participant)
    invitations_send(event=participant.event, actor=actor, participants=[participant])
    return participant.pk, token, None


def _started(participant, settings, actor):
    token = token_for(participant)
    return participant.pk, token, time_machine.travel(participant.event.starts_at + dt.timedelta(minutes=1))


def _unpublished(participant, settings, actor):
    participant.event.status = EventStatus.DRAFT
    participant.event.save()
    return participant.pk, token_for(participant), None


def _not_invited(participant, settings, actor):
    fresh = ParticipantFactory(event=participant.event)
    return fresh.pk, token_for(fresh), None


BAD_LINKS = [
    (_expired, 410, "This invitation link has expired."),
    (_tampered, 400, "This invitation link is not valid. It may have been copied incompletely."),
    (_other_salt, 400, "This invitation link is not valid. It may have been copied incompletely."),
    (_other_participant, 400, "This invitation link belongs to another invitation."),
    (_resent, 410, "A newer invitation has been sent to you: please use the link in the latest email."),
    (_started, 410, "This event can no longer be answered: it has started or was changed."),
    (_unpublished, 410, "This event can no longer be answered: it has started or was changed."),
    (_not_invited, 410, "This invitation is no longer valid."),
]
BAD_IDS = ["expired", "tampered", "other-salt", "other-participant", "resent", "started", "unpublished", "not-invited"]


@pytest.mark.parametrize(("bad", "status", "message"), BAD_LINKS, ids=BAD_IDS)
def test_a_bad_link_is_refused_by_the_service_and_changes_nothing(
    invited, settings, actor, english, bad, status, message
):
    pk, token, clock = bad(invited, settings, actor)
    target = Participant.objects.get(pk=pk)
    before = snapshot(target)
    with clock or contextlib.nullcontext():
        with pytest.raises(RsvpError) as refused:
            rsvp_respond(pk=pk, token=token, answer="confirm")
        with pytest.raises(RsvpError):
            rsvp_participant_get(pk=pk, token=token)

    assert str(refused.value) == gettext(message)
    assert isinstance(refused.value, RsvpGoneError) == (status == 410)
    assert snapshot(target) == before


@pytest.mark.parametrize(("bad", "status", "message"), BAD_LINKS, ids=BAD_IDS)
def test_a_bad_link_shows_a_friendly_page_and_changes_nothing(invited, settings, actor, bad, status, message):
    pk, token, clock = bad(invited, settings, actor)
    target = Participant.objects.get(pk=pk)
    before = snapshot(target)
    client = Client(enforce_csrf_checks=True)
    with clock or contextlib.nullcontext():
        shown = client.get(url_for(target, token))
        csrf = client.cookies["csrftoken"].value
        posted = client.post(url_for(target, token), {"answer": "confirm", "csrfmiddlewaretoken": csrf})

    assert shown.status_code == posted.status_code == status
    # Indonesian by default; the page says what went wrong and what to do.
    body = posted.content.decode()
    assert gettext(message) in body
    nothing = gettext("Nothing has been recorded. To confirm your attendance, please contact %(agency)s")
    assert nothing % {"agency": settings.PURNA_INSTANSI_NAME} in body
    assert snapshot(target) == before


# --- The page ----------------------------------------------------------------------------------------------


def test_the_page_needs_no_login_shows_the_invitation_and_a_get_changes_nothing(invited):
    before = snapshot(invited)

    page = Client().get(url_for(invited, token_for(invited)))

    assert page.status_code == 200
    body = page.content.decode()
    assert invited.event.title in body and invited.event.venue in body
    assert invited.employee.display_name in body
    assert 'name="answer" value="confirm"' in body and 'name="answer" value="decline"' in body
    assert "csrfmiddlewaretoken" in body
    assert page["Cache-Control"].startswith("max-age=0")
    assert snapshot(invited) == before


def test_posting_an_answer_through_the_page_records_it_and_thanks(invited):
    client = Client(enforce_csrf_checks=True)
    url = url_for(invited, token_for(invited))
    client.get(url)

    thanks = client.post(url, {"answer": "decline", "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert thanks.status_code == 200
    invited.refresh_from_db()
    assert invited.status == ParticipantStatus.DECLINED
    assert gettext("Your answer has been recorded: you cannot attend.") in thanks.content.decode()


def test_a_post_without_the_csrf_token_is_refused(invited):
    before = snapshot(invited)

    refused = Client(enforce_csrf_checks=True).post(url_for(invited, token_for(invited)), {"answer": "confirm"})

    assert refused.status_code == 403
    assert snapshot(invited) == before
