"""Invitations as they really went: the send button, the Invitations tab and the event report say what
the outbox did with each email (queued, sent, cancelled with why), and inviting or publishing for an
event that has started asks first."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ceremonies import documents
from ceremonies.models import EventStatus, ParticipantStatus
from ceremonies.selectors import INVITATION_KIND, invitation_delivery
from ceremonies.services.invitations import invitations_send
from purna import roles
from purna.models import Instansi
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from tests.ceremonies.test_documents import pdf_text, site_language_text
from tests.factories import EventFactory, ParticipantFactory, UnitKerjaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return UnitKerjaFactory()


@pytest.fixture
def staff(role_user, unit):
    client = Client()
    client.force_login(role_user(roles.OPERATOR, units=[unit]))
    client.cookies["django_language"] = "en"
    return client


def past_event(unit, **kwargs):
    starts_at = timezone.now() - dt.timedelta(days=2)
    return EventFactory(organizer=unit, starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3), **kwargs)


def test_inviting_for_an_event_that_started_asks_first_and_changes_nothing(staff, unit, english):
    event = past_event(unit)
    participant = ParticipantFactory(event=event, employee__unit=unit)

    response = staff.post(reverse("ceremonies:invitations_send", args=[event.pk]))

    assert response.status_code == 200
    assert b'data-testid="past-event-warning"' in response.content
    assert b'name="confirm_past" value="1"' in response.content
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.NOT_INVITED
    assert not Message.objects.exists()


def test_confirmed_invitations_for_a_past_event_say_no_email_goes_and_the_tab_shows_why(staff, unit, english):
    event = past_event(unit)
    ParticipantFactory.create_batch(2, event=event, employee__unit=unit)
    url = reverse("ceremonies:invitations_send", args=[event.pk])

    response = staff.post(url, {"confirm_past": "1"}, follow=True)

    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["2 participants marked invited; no email is sent because the event has already started."]
    messages_send()
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.CANCELLED}

    page = staff.get(reverse("ceremonies:detail", args=[event.pk]) + "?tab=undangan")

    delivery = page.context["delivery"]
    assert (delivery.sent, delivery.queued, delivery.cancelled) == (0, 0, 2)
    assert delivery.cancel_reasons == [("The event has already started.", 2)]
    text = page.content.decode()
    assert "Email sent: 0" in text
    assert "Email cancelled (The event has already started.): 2" in text


def test_the_send_button_says_queued_not_sent(staff, unit, english):
    event = EventFactory(organizer=unit)
    ParticipantFactory.create_batch(2, event=event, employee__unit=unit)

    response = staff.post(reverse("ceremonies:invitations_send", args=[event.pk]), follow=True)

    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["2 invitations queued for email; the Invitations tab shows when they are sent."]
    assert response.context["delivery"].queued == 2


def test_delivery_counts_each_participants_latest_message(actor):
    event = EventFactory()
    sent, cancelled, letter, not_invited = ParticipantFactory.create_batch(4, event=event)
    letter.employee.email = ""
    letter.employee.save()
    invitations_send(event=event, actor=actor, participants=[sent, cancelled, letter])
    Message.objects.filter(kind=INVITATION_KIND, object_id=sent.pk).update(
        status=MessageStatus.SENT, sent_at=timezone.now()
    )
    Message.objects.filter(kind=INVITATION_KIND, object_id=cancelled.pk).update(
        status=MessageStatus.CANCELLED, cancel_reason="Alasan"
    )
    participants = [sent, cancelled, letter, not_invited]
    for participant in participants:
        participant.refresh_from_db()

    delivery = invitation_delivery(participants=participants)

    assert (delivery.sent, delivery.cancelled, delivery.queued, delivery.no_email) == (1, 1, 0, 1)
    assert delivery.cancel_reasons == [("Alasan", 1)]
    assert [p.invitation_status for p in participants] == ["sent", "cancelled", "", ""]


def test_the_report_prints_the_emails_cancelled_not_only_invited(staff, unit, english):
    event = past_event(unit)
    participants = ParticipantFactory.create_batch(2, event=event, employee__unit=unit)
    staff.post(reverse("ceremonies:invitations_send", args=[event.pk]), {"confirm_past": "1"})
    messages_send()
    for participant in participants:
        participant.refresh_from_db()

    content = documents.report_pdf(
        event=event,
        participants=participants,
        sessions=[],
        instansi=Instansi.objects.filter(pk=1).first(),
        printed_on=timezone.localdate(),
    )

    text = " ".join(pdf_text(content).split())
    reason = Message.objects.values_list("cancel_reason", flat=True).distinct().get()
    assert f"{site_language_text('Invitation emails sent')} 0" in text
    with translation.override(settings.LANGUAGE_CODE):
        cancelled = translation.gettext("Invitation emails cancelled: %(reason)s") % {"reason": reason}
    assert f"{cancelled} 2" in text


def test_publishing_an_event_that_started_asks_first(staff, unit):
    event = past_event(unit, status=EventStatus.DRAFT)
    url = reverse("ceremonies:transition", args=[event.pk, EventStatus.PUBLISHED])

    asked = staff.post(url)
    event.refresh_from_db()
    assert asked.status_code == 200 and b'data-testid="past-event-warning"' in asked.content
    assert event.status == EventStatus.DRAFT

    staff.post(url, {"confirm_past": "1"})
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_the_participants_tab_shows_each_invitation_email_and_the_rsvp_details(staff, unit, english):
    event = past_event(unit)
    participant = ParticipantFactory(event=event, employee__unit=unit, access_needs="kursi roda", with_spouse=True)
    staff.post(reverse("ceremonies:invitations_send", args=[event.pk]), {"confirm_past": "1"})
    messages_send()

    page = staff.get(reverse("ceremonies:detail", args=[event.pk]))

    text = page.content.decode()
    row = text[text.index(f'id="peserta-{participant.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Invitation email cancelled: The event has already started." in row
    assert "Needs: kursi roda" in row and "With spouse" in row
