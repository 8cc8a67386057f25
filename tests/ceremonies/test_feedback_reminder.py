"""The reminder to rate a training (ceremonies.services.feedback.feedback_reminders_queue, Celery beat):
once, through the outbox, to those who attended and rated nothing, a day after the training while its
form is open; sent to a real SMTP sink with the personal link, which opens the form without signing in;
cancelled if they rate it first; and its WhatsApp-ready form with the same link."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ceremonies.feedback import feedback_token_make
from ceremonies.models import ParticipantStatus, TrainingFeedback
from ceremonies.services.feedback import REMINDER_KIND, feedback_reminders_queue
from ceremonies.tasks import feedback_reminders_queue_task
from employees.choices import EmployeeStatus
from portal.whatsapp import feedback_line
from purna import roles
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from tests.ceremonies.feedback_helpers import ended_training
from tests.factories import ParticipantFactory, UnitKerjaFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://purna.contoh.go.id"


@pytest.fixture(autouse=True)
def site(settings):
    settings.PURNA_SITE_URL = SITE
    settings.PURNA_FEEDBACK_DAYS = 14
    settings.PURNA_FEEDBACK_REMINDER_AFTER_HOURS = 24


@pytest.fixture
def unit():
    return UnitKerjaFactory(code="BKPSDM", name="BKPSDM Kabupaten Contoh")


@pytest.fixture
def training(unit):
    """A training that ended two days ago: Ahmad attended and rated nothing, Budi attended and rated, Citra
    was absent, Dedi attended without an email address, Eko attended and has died since."""
    event, taspen, _business = ended_training(unit, days_ago=2, title="Pelatihan Purna Tugas Angkatan II")
    people = {}
    for name, email, status in [
        ("Ahmad Yani", "ahmad@example.id", ParticipantStatus.ATTENDED),
        ("Budi Santoso", "budi@example.id", ParticipantStatus.ATTENDED),
        ("Citra Dewi", "citra@example.id", ParticipantStatus.ABSENT),
        ("Dedi Kurnia", "", ParticipantStatus.ATTENDED),
        ("Eko Prasetyo", "eko@example.id", ParticipantStatus.ATTENDED),
    ]:
        people[name.split()[0]] = ParticipantFactory(
            event=event, status=status, employee__unit=unit, employee__name=name, employee__email=email
        )
    people["Eko"].employee.status = EmployeeStatus.MENINGGAL
    people["Eko"].employee.save(update_fields=["status"])
    TrainingFeedback.objects.create(
        participant=people["Budi"], session=taspen, instructor=taspen.instructor, rating=5, usefulness=5
    )
    return event, taspen, people


def reminders():
    return list(Message.objects.filter(kind=REMINDER_KIND).order_by("pk"))


def test_one_reminder_goes_to_who_attended_and_has_not_rated_once(training):
    _event, _taspen, people = training

    assert feedback_reminders_queue() == 1
    [message] = reminders()
    assert (message.to_email, message.object_id) == ("ahmad@example.id", people["Ahmad"].pk)
    # Once: the next hour's run, or the beat task, queues nothing more.
    assert feedback_reminders_queue() == 0
    assert feedback_reminders_queue_task() == 0
    assert len(reminders()) == 1


def test_no_reminder_before_a_day_has_passed_nor_once_the_form_closed(unit):
    ended_yesterday_evening = ended_training(unit, days_ago=0)[0]
    attended = ParticipantFactory(event=ended_yesterday_evening, status=ParticipantStatus.ATTENDED, employee__unit=unit)
    closed = ended_training(unit, days_ago=15, title="Pelatihan lama")[0]
    ParticipantFactory(event=closed, status=ParticipantStatus.ATTENDED, employee__unit=unit)

    with time_machine.travel(ended_yesterday_evening.ends_at + dt.timedelta(hours=2), tick=False):
        assert feedback_reminders_queue() == 0
    with time_machine.travel(ended_yesterday_evening.ends_at + dt.timedelta(hours=25), tick=False):
        assert feedback_reminders_queue() == 1
    assert [m.object_id for m in reminders()] == [attended.pk]


def test_the_beat_schedule_runs_the_task_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["training-feedback-reminders"]

    assert entry["task"] == feedback_reminders_queue_task.name
    assert entry["schedule"] == 60 * 60


def test_the_reminder_reaches_the_smtp_sink_with_the_personal_link_that_opens_the_form(training, smtp_settings):
    _event, taspen, people = training
    feedback_reminders_queue()

    assert messages_send().sent == 1

    email = smtp_settings.wait_for(1)[-1].message
    assert email["To"].addresses[0].addr_spec == "ahmad@example.id"
    assert "Pelatihan Purna Tugas Angkatan II" in email["Subject"]
    text = email.get_body(("plain",)).get_content()
    assert "Bapak/Ibu" in text and "Anda" not in text
    [link] = re.findall(re.escape(SITE) + r"/portal/penilaian/tautan/\S+", text)
    assert reverse("portal:feedback_link", args=[people["Ahmad"].pk, "x"]).rsplit("/", 2)[0] in link
    html = email.get_body(("html",)).get_content()
    assert link.replace("&", "&amp;") in html or link in html

    # The link opens Ahmad's form without signing in, and saves his rating.
    stranger = Client()
    path = link.removeprefix(SITE)
    page = stranger.get(path)
    assert page.status_code == 200 and 'data-testid="feedback-form"' in page.content.decode()
    saved = stranger.post(path, {f"s{taspen.pk}-rating": "4", f"s{taspen.pk}-usefulness": "5"})
    assert saved.status_code == 302
    assert TrainingFeedback.objects.get(participant=people["Ahmad"], session=taspen).rating == 4


def test_a_link_altered_or_of_another_participant_opens_nothing(training):
    _event, _taspen, people = training
    token = feedback_token_make(participant_pk=people["Ahmad"].pk)
    client = Client()

    assert client.get(reverse("portal:feedback_link", args=[people["Budi"].pk, token])).status_code == 404
    assert client.get(reverse("portal:feedback_link", args=[people["Ahmad"].pk, token + "x"])).status_code == 404
    with time_machine.travel(timezone.now() + dt.timedelta(days=16)):
        assert client.get(reverse("portal:feedback_link", args=[people["Ahmad"].pk, token])).status_code == 404


def test_a_reminder_is_cancelled_if_they_rated_before_it_went(training, smtp_settings):
    _event, taspen, people = training
    feedback_reminders_queue()
    TrainingFeedback.objects.create(
        participant=people["Ahmad"], session=taspen, instructor=taspen.instructor, rating=3, usefulness=3
    )

    messages_send()

    [message] = reminders()
    assert message.status == MessageStatus.CANCELLED
    assert not smtp_settings.received


def test_the_whatsapp_form_carries_the_same_personal_link(client, training, unit):
    event, _taspen, people = training
    line = feedback_line(people["Ahmad"], today=timezone.localdate())

    assert "Yth. Bapak/Ibu Ahmad Yani" in line.text and "Pelatihan Purna Tugas Angkatan II" in line.text
    assert line.personal_url.startswith(SITE + "/portal/penilaian/tautan/")
    assert line.personal_url in line.text

    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))
    page = client.get(reverse("outreach:event_whatsapp", args=[event.pk]), {"pesan": "penilaian"}).content.decode()
    # Those who attended without rating, alive: Ahmad, and Dedi, who has no email address (WhatsApp is his way).
    assert "Ahmad Yani" in page and "Dedi Kurnia" in page
    assert "Budi Santoso" not in page and "Citra Dewi" not in page and "Eko Prasetyo" not in page


def test_staff_send_the_reminder_by_whatsapp_and_the_email_then_does_not_go_too(client, training, unit):
    _event, _taspen, people = training
    ahmad = people["Ahmad"]
    ahmad.employee.personal_phone = "0812-3456-7890"
    ahmad.employee.save(update_fields=["personal_phone"])
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))

    response = client.post(reverse("outreach:whatsapp_send"), {"what": "penilaian", "pk": ahmad.pk})

    assert response.status_code == 303 and response["Location"].startswith("https://wa.me/6281234567890?text=")
    [message] = reminders()
    assert (message.channel, message.object_id) == ("whatsapp_link", ahmad.pk)
    assert SITE + "/portal/penilaian/tautan/" in message.body_text
    # The reminder went to Ahmad once, by WhatsApp: the beat task does not email him as well.
    assert feedback_reminders_queue() == 0
