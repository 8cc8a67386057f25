"""Heirs answer an invitation for the family of a participant who died (ceremonies/services/invitations.py
rsvp_respond with an heir, ceremonies/views/invitations.py): signed in to the portal as the heir, the link
of the invitation says so, and coming records the heir as the participant's companion."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ceremonies import rsvp
from ceremonies.exceptions import RsvpError
from ceremonies.models import ParticipantStatus
from ceremonies.services.invitations import rsvp_respond
from employees.choices import EmployeeStatus
from employees.services.accounts import heir_portal_account_ensure
from employees.services.family import spouse_add
from tests.factories import EmployeeFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(db):
    employee = EmployeeFactory(name="Ahmad Yani", gender="1", status=EmployeeStatus.MENINGGAL)
    return ParticipantFactory(employee=employee, status=ParticipantStatus.INVITED, rsvp_version=1)


@pytest.fixture
def widow(participant):
    widow = spouse_add(employee=participant.employee, actor=None, name="Siti Aminah")
    heir_portal_account_ensure(heir=widow)
    return widow


def link(participant) -> str:
    token = rsvp.token_make(participant_pk=participant.pk, version=participant.rsvp_version)
    return reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": token})


def test_the_widow_signed_in_answers_for_the_family_and_is_recorded_as_the_one_who_comes(participant, widow):
    heir = Client()
    heir.force_login(widow.user)
    # The token holds the second it was signed in: the page's and the expected link's, in the same second.
    with time_machine.travel(timezone.now(), tick=False):
        home = heir.get(reverse("portal:home")).content.decode()
        assert link(participant) in home  # "Answer the invitation" on the heir's portal

    page = heir.get(link(participant)).content.decode()
    assert 'data-testid="rsvp-heir"' in page and "Almarhum Bapak Ahmad Yani" in page
    assert 'name="with_spouse"' not in page

    assert heir.post(link(participant), {"answer": "confirm"}).status_code == 200
    participant.refresh_from_db()
    assert (participant.status, participant.companion_name, participant.companion_relation) == (
        ParticipantStatus.CONFIRMED,
        "Siti Aminah",
        "istri",
    )
    record = participant.history.latest()
    assert (record.history_user, record.history_change_reason) == (widow.user, "rsvp ahli waris")

    heir.post(link(participant), {"answer": "decline"})
    participant.refresh_from_db()
    assert (participant.status, participant.companion_name) == (ParticipantStatus.DECLINED, "")


def test_the_link_without_the_heirs_sign_in_answers_as_before(participant, widow):
    Client().post(link(participant), {"answer": "confirm"})

    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.CONFIRMED and participant.companion_name == ""
    assert participant.history.latest().history_user is None


def test_an_heir_of_another_family_is_not_taken_for_this_ones(participant, widow):
    other = EmployeeFactory(status=EmployeeStatus.MENINGGAL)
    stranger = spouse_add(employee=other, actor=None, name="Orang Lain")
    heir_portal_account_ensure(heir=stranger)
    client = Client()
    client.force_login(stranger.user)

    page = client.get(link(participant)).content.decode()
    assert 'data-testid="rsvp-heir"' not in page
    client.post(link(participant), {"answer": "confirm"})
    participant.refresh_from_db()
    assert participant.companion_name == ""

    token = rsvp.token_make(participant_pk=participant.pk, version=participant.rsvp_version)
    with pytest.raises(RsvpError):
        rsvp_respond(pk=participant.pk, token=token, answer="decline", heir=stranger)
