"""Sending invitations (invitations_send), the invitation email through the outbox to a real SMTP sink,
the full round trip from the email's link to a confirmed participant, and the staff button."""

import re

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from ceremonies import notifications as ceremony_notifications
from ceremonies.exceptions import CeremonyError
from ceremonies.models import EventStatus, ParticipantStatus
from ceremonies.services.invitations import KIND, invitations_send
from employees.scope import staff_scope_forget
from purna import roles
from purna.models import Instansi
from purna.notifications import registry
from purna.notifications import services as outbox
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from tests.ceremonies.helpers import snapshot
from tests.factories import EventFactory, OfficialFactory, ParticipantFactory, UnitKerjaFactory

pytestmark = pytest.mark.django_db

SITE = "https://purna.sukamaju.go.id"
# Per message, the outbox's own queueing (purna.notifications.services.message_queue): look-up,
# insert, attachment insert and their savepoints.
OUTBOX_QUERIES_PER_MESSAGE = 7
FIXED_QUERIES = 10


@pytest.fixture(autouse=True)
def site(settings):
    settings.PURNA_SITE_URL = SITE
    Instansi.objects.update_or_create(
        pk=1, defaults={"name": "BKPSDM Kabupaten Sukamaju", "email": "bkpsdm@sukamaju.go.id", "phone": "0271-123"}
    )


def test_sending_invites_everyone_not_invited_and_queues_one_email_each(actor):
    event = EventFactory()
    participants = ParticipantFactory.create_batch(3, event=event)

    report = invitations_send(event=event, actor=actor)

    assert sorted(p.pk for p in report.emailed) == sorted(p.pk for p in participants)
    assert report.needs_letter == [] and report.invited == 3
    for participant in participants:
        participant.refresh_from_db()
        assert participant.status == ParticipantStatus.INVITED
        assert participant.invited_at is not None and participant.rsvp_version == 1
        last = participant.history.first()
        assert (last.history_user, last.history_change_reason, last.status) == (
            actor,
            "invitation",
            ParticipantStatus.INVITED,
        )
        message = Message.objects.get(recipient_key=f"employee:{participant.employee_id}")
        assert message.kind == KIND
        assert message.occasion == f"event-{event.pk}-participant-{participant.pk}-v1"
        assert message.to_email == participant.employee.email
        assert message.object_id == participant.pk and message.created_by == actor
        attachment = message.attachments.get()
        assert (attachment.filename, attachment.mimetype) == ("undangan.ics", "text/calendar")
        assert icalendar.Calendar.from_ical(attachment.file.read()).walk("VEVENT")

    again = invitations_send(event=event, actor=actor)

    assert again.invited == 0
    assert Message.objects.count() == 3


def test_the_batch_is_handed_to_the_sender_once_after_the_commit(
    actor, django_capture_on_commit_callbacks, monkeypatch
):
    event = EventFactory()
    ParticipantFactory.create_batch(4, event=event)
    dispatched = []
    monkeypatch.setattr(outbox, "_dispatch", lambda name, *args: dispatched.append((name, args)) or True)

    with django_capture_on_commit_callbacks(execute=True):
        invitations_send(event=event, actor=actor)

    # One task sends the four over one SMTP connection, not a task (and a broker connection) each.
    assert dispatched == [("messages_send_due_task", ())]


def test_only_the_actors_units_are_invited(role_user):
    mine, theirs = UnitKerjaFactory(), UnitKerjaFactory()
    operator = role_user(roles.OPERATOR, units=[mine])
    event = EventFactory(organizer=mine)  # changing an event takes its organiser in the scope
    own = ParticipantFactory(event=event, employee__unit=mine)
    other = ParticipantFactory(event=event, employee__unit=theirs)

    report = invitations_send(event=event, actor=operator)
    # Asking for the other unit's participant by name does not reach them either.
    explicit = invitations_send(event=event, actor=operator, participants=[other])

    assert [p.pk for p in report.emailed] == [own.pk]
    assert explicit.invited == 0 and explicit.skipped == 1
    other.refresh_from_db()
    assert (other.status, other.rsvp_version) == (ParticipantStatus.NOT_INVITED, 0)
    assert not Message.objects.filter(object_id=other.pk).exists()


def test_a_system_action_without_an_actor_invites_every_unit():
    event = EventFactory()
    participants = [ParticipantFactory(event=event), ParticipantFactory(event=event)]

    report = invitations_send(event=event, actor=None)

    assert sorted(p.pk for p in report.emailed) == sorted(p.pk for p in participants)
    assert participants[0].history.first().history_user is None


def test_participants_without_email_are_invited_and_need_a_printed_letter(actor):
    event = EventFactory()
    with_email = ParticipantFactory(event=event)
    without = ParticipantFactory(event=event, employee__email="")

    report = invitations_send(event=event, actor=actor)

    assert [p.pk for p in report.emailed] == [with_email.pk]
    assert [p.pk for p in report.needs_letter] == [without.pk]
    without.refresh_from_db()
    assert without.status == ParticipantStatus.INVITED
    assert not Message.objects.filter(object_id=without.pk).exists()


@pytest.mark.parametrize("status", [EventStatus.DRAFT, EventStatus.HELD, EventStatus.CLOSED])
def test_invitations_wait_for_a_published_event_and_change_nothing_before(actor, english, status):
    participant = ParticipantFactory(event=EventFactory(status=status))
    before = snapshot(participant)

    with pytest.raises(CeremonyError, match="only for a published event"):
        invitations_send(event=participant.event, actor=actor)

    assert snapshot(participant) == before


def test_a_resend_bumps_the_version_resets_the_answer_and_cancels_the_older_email(actor, smtp_settings):
    participant = ParticipantFactory()
    invitations_send(event=participant.event, actor=actor)
    first = Message.objects.get()
    participant.refresh_from_db()
    participant.status = ParticipantStatus.CONFIRMED
    participant.save()

    report = invitations_send(event=participant.event, actor=actor, participants=[participant])

    participant.refresh_from_db()
    assert [p.pk for p in report.emailed] == [participant.pk]
    assert (participant.status, participant.rsvp_version) == (ParticipantStatus.INVITED, 2)
    assert participant.responded_at is None
    second = Message.objects.exclude(pk=first.pk).get()
    assert second.occasion.endswith("-v2")
    sent = messages_send()
    first.refresh_from_db()
    assert (sent.sent, sent.cancelled) == (1, 1)
    assert first.status == MessageStatus.CANCELLED
    assert len(smtp_settings.received) == 1


def test_a_queued_invitation_is_cancelled_when_the_event_goes_back_to_draft(actor, smtp_settings):
    participant = ParticipantFactory()
    invitations_send(event=participant.event, actor=actor)
    participant.event.status = EventStatus.DRAFT
    participant.event.save()

    report = messages_send()

    message = Message.objects.get()
    assert (report.sent, report.cancelled, message.status) == (0, 1, MessageStatus.CANCELLED)
    assert smtp_settings.received == []


def _sent_invitation(actor, smtp_settings, **participant_fields):
    official = OfficialFactory(name="Drs. Bambang Wijaya, M.Si.", title="Sekretaris Daerah")
    event = EventFactory(title="Pelepasan ASN Purna Tugas Triwulan I", presiding_official=official)
    participant = ParticipantFactory(event=event, **participant_fields)
    invitations_send(event=event, actor=actor)
    report = messages_send()
    assert report.sent == 1
    [received] = smtp_settings.wait_for(1)
    return participant, received.message


def _parts(email) -> dict:
    body = email.get_body(preferencelist=("plain",)).get_content()
    html = email.get_body(preferencelist=("html",)).get_content()
    return {"text": body, "html": html}


def test_the_email_has_the_event_the_answer_links_and_the_calendar_file(actor, smtp_settings):
    participant, email = _sent_invitation(
        actor, smtp_settings, companion_name="Sri Wahyuni", companion_relation="istri"
    )
    event = participant.event
    parts = _parts(email)

    with translation.override("id"):
        assert email["Subject"] == gettext("Invitation: %(title)s") % {"title": event.title}
        when = ceremony_notifications.services_invitations.event_when_local(event)
        answer_labels = [gettext("I will attend"), gettext("I cannot attend")]
    assert email["To"].addresses[0].addr_spec == participant.employee.email
    for body in parts.values():
        assert event.title in body and event.venue in body and when in body
        assert "Drs. Bambang Wijaya, M.Si." in body and "Sri Wahyuni" in body
        assert all(label in body for label in answer_labels)
    path = reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": "TOKEN"}).split("TOKEN")[0]
    links = re.findall(re.escape(SITE + path) + r"[^\s\"<>?]+/\?jawab=(?:hadir|tidak)", parts["text"])
    assert len(links) == 2
    assert all(link.replace("&amp;", "&") in parts["html"] for link in links)
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == "undangan.ics"
    assert attachment.get_content_type() == "text/calendar"
    content = attachment.get_content()
    [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent.decoded("DTSTART") == event.starts_at


def test_round_trip_from_the_emails_link_to_a_confirmed_participant(actor, smtp_settings):
    participant, email = _sent_invitation(actor, smtp_settings)
    text = _parts(email)["text"]
    [link] = re.findall(re.escape(SITE) + r"(/acara/undangan/\S+/)\?jawab=hadir", text)

    client = Client(enforce_csrf_checks=True)
    page = client.get(link + "?jawab=hadir")
    assert page.status_code == 200
    assert participant.employee.display_name in page.content.decode()
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.INVITED  # opening the link records nothing

    done = client.post(link, {"answer": "confirm", "csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assert done.status_code == 200
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.CONFIRMED
    assert participant.responded_at is not None


def _ceremony_queries(captured) -> int:
    return sum(
        1
        for query in captured
        if "notifications_" not in query["sql"]
        and "django_content_type" not in query["sql"]
        and "SAVEPOINT" not in query["sql"]
    )


@pytest.mark.parametrize("count", [5, 50])
def test_sending_costs_a_fixed_number_of_queries_plus_the_outbox_insert_per_email(
    actor, django_assert_max_num_queries, count
):
    event = EventFactory()
    ParticipantFactory.create_batch(count, event=event)

    with django_assert_max_num_queries(FIXED_QUERIES + OUTBOX_QUERIES_PER_MESSAGE * count):
        report = invitations_send(event=event, actor=actor)

    assert len(report.emailed) == count


def test_the_invitations_own_queries_do_not_grow_with_the_participants(actor):
    own = []
    for count in (5, 50):
        event = EventFactory()
        ParticipantFactory.create_batch(count, event=event)
        staff_scope_forget(actor)  # each run reads the actor's scope afresh
        with CaptureQueriesContext(connection) as captured:
            invitations_send(event=event, actor=actor)
        own.append(_ceremony_queries(captured.captured_queries))

    # One UPDATE and one history INSERT for all of them; SQLite splits them into batches below its limit
    # of bound variables (a query per batch of ~100 participants, never one per participant).
    assert own[0] <= own[1] <= own[0] + 2
    assert own[1] <= FIXED_QUERIES


# --- Outbox registration ----------------------------------------------------------------------------------


def test_the_outbox_knows_the_kind_its_links_and_who_may_read_its_messages(role_user):
    unit = UnitKerjaFactory()
    participant = ParticipantFactory(employee__unit=unit)
    ParticipantFactory(event=participant.event)
    limited = role_user(roles.OPERATOR, units=[unit])
    everyone = role_user(roles.OPERATOR, username="pusat", units="all")

    assert registry.kind_get(KIND).template_prefix == "ceremonies/emails/invitation"
    assert registry.about_url_name("ceremonies.participant") == "ceremonies:participant"
    scope = registry.about_scopes()["ceremonies.participant"]
    assert scope(everyone) is None
    assert list(scope(limited).values_list("pk", flat=True)) == [participant.pk]


# --- Staff pages ---------------------------------------------------------------------------------------------


def test_the_send_button_invites_and_says_how_many_were_queued_by_email_and_by_letter(role_user, english):
    unit = UnitKerjaFactory()
    operator = role_user(roles.OPERATOR, units=[unit])
    event = EventFactory(organizer=unit)
    ParticipantFactory.create_batch(2, event=event, employee__unit=unit)
    ParticipantFactory(event=event, employee__unit=unit, employee__email="")
    client = Client()
    client.force_login(operator)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("ceremonies:invitations_send", args=[event.pk]), follow=True)

    assert response.redirect_chain[0][1] == 302
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "2 invitations queued for email; the Invitations tab shows when they are sent. "
        "1 participant has no email address and needs a printed invitation letter."
    ]
    assert Message.objects.filter(kind=KIND).count() == 2


def test_the_send_button_refuses_the_wrong_people_and_other_units_events(role_user, no_role_user, client):
    mine, theirs = UnitKerjaFactory(), UnitKerjaFactory()
    event = EventFactory(organizer=theirs)
    participant = ParticipantFactory(event=event, employee__unit=theirs)
    url = reverse("ceremonies:invitations_send", args=[event.pk])
    before = snapshot(participant)

    anonymous = client.post(url)
    client.force_login(no_role_user)
    no_role = client.post(url)
    client.force_login(role_user(roles.PIMPINAN))
    read_only = client.post(url)
    client.force_login(role_user(roles.OPERATOR, username="lain", units=[mine]))
    other_unit = client.post(url)
    client.force_login(role_user(roles.OPERATOR, username="pusat", units="all"))
    wrong_method = client.get(url)

    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
    assert (no_role.status_code, read_only.status_code, other_unit.status_code) == (403, 403, 404)
    assert wrong_method.status_code == 405
    assert snapshot(participant) == before


def test_a_participants_link_leads_to_their_event_within_the_scope(role_user):
    mine, theirs = UnitKerjaFactory(), UnitKerjaFactory()
    participant = ParticipantFactory(employee__unit=mine)
    stranger = ParticipantFactory(employee__unit=theirs)
    client = Client()
    client.force_login(role_user(roles.OPERATOR, units=[mine]))

    found = client.get(reverse("ceremonies:participant", args=[participant.pk]))
    hidden = client.get(reverse("ceremonies:participant", args=[stranger.pk]))

    event_page = reverse("ceremonies:detail", args=[participant.event_id])
    assert (found.status_code, found["Location"]) == (302, f"{event_page}#peserta-{participant.pk}")
    assert hidden.status_code == 404
