"""The "certificate ready" email: queued when a batch is printed, once per certificate and version, to
the recipients who have an email and are alive; cancelled if the certificate is revoked or re-issued
before it goes; sent through the outbox to a real SMTP sink with the number and the portal's address."""

import pytest
from django.urls import reverse

from ceremonies.models import ParticipantStatus
from ceremonies.services.certificates import (
    READY_KIND,
    certificate_reissue,
    certificate_revoke,
    certificates_issue,
    certificates_render,
)
from employees.choices import EmployeeStatus
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from tests.ceremonies.test_certificates import held_event
from tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

SITE = "https://purna.contoh.go.id"


@pytest.fixture(autouse=True)
def certificate_settings(settings, private_media):
    settings.PURNA_SITE_URL = SITE
    settings.PURNA_CERTIFICATE_PLACE = "Balikpapan"


def printed_event(actor):
    event = held_event(attended=0, absent=0)
    for name, email, status in [
        ("Ahmad Yani", "ahmad@example.id", EmployeeStatus.PENSIUN),
        ("Tanpa Email", "", EmployeeStatus.PENSIUN),
        ("Almarhum", "alm@example.id", EmployeeStatus.MENINGGAL),
    ]:
        ParticipantFactory(
            event=event,
            status=ParticipantStatus.ATTENDED,
            employee__name=name,
            employee__email=email,
            employee__status=status,
        )
    batch = certificates_issue(event=event, actor=actor)
    certificates_render(batch_id=batch.pk)
    return event, batch


def ready_messages():
    return list(Message.objects.filter(kind=READY_KIND).order_by("pk"))


def test_a_printed_batch_tells_each_living_recipient_with_an_email_once(actor):
    _event, batch = printed_event(actor)

    [message] = ready_messages()
    assert message.to_email == "ahmad@example.id"
    assert message.about_label.startswith("800/")

    batch.status = "menunggu"
    batch.save()
    certificates_render(batch_id=batch.pk)  # a rerun (a worker killed after the end, say)
    assert len(ready_messages()) == 1


def test_the_email_names_the_certificate_and_the_portal(actor, smtp_settings):
    printed_event(actor)
    [message] = ready_messages()

    assert messages_send().sent == 1

    email = smtp_settings.wait_for(1)[-1].message
    text = email.get_body(("plain",)).get_content()
    assert "Piagam" in email["Subject"] and "siap diunduh" in email["Subject"]
    assert message.about_label in text
    assert SITE + reverse("portal:home") in text
    assert "tanpa kata sandi" in text or "tidak perlu kata sandi" in text.lower()


def test_a_revoked_certificate_is_not_announced(actor, smtp_settings):
    printed_event(actor)
    [message] = ready_messages()
    certificate_revoke(certificate=message.about, actor=actor, reason="Salah nama")

    messages_send()

    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    assert not smtp_settings.received


def test_a_reissue_announces_the_new_version_and_drops_the_old_news(actor, smtp_settings):
    printed_event(actor)
    [first] = ready_messages()
    batch = certificate_reissue(certificate=first.about, actor=actor)
    certificates_render(batch_id=batch.pk)

    old, new = ready_messages()
    assert (old.pk, new.context) == (first.pk, {"version": 2})
    messages_send()

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == MessageStatus.CANCELLED
    assert new.status == MessageStatus.SENT
    assert len(smtp_settings.received) == 1
