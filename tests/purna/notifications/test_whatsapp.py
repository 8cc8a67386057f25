"""WhatsApp-ready messages: Indonesian phone numbers to international form (one pure function, a table
of how people write them), the wa.me link's text, the outbox's channels, and a message staff sent by
WhatsApp recorded as such."""

from urllib.parse import parse_qs, urlsplit

import pytest

from purna.notifications import channels
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from purna.notifications.services import message_record_by_staff
from purna.notifications.whatsapp import (
    certificate_ready_text,
    code_text,
    invitation_text,
    phone_normalise,
    sign_in_text,
    wa_me_link,
)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("081234567890", "6281234567890"),
        ("0812-3456-7890", "6281234567890"),
        ("0812 3456 7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("+62-812-3456-7890", "6281234567890"),
        ("6281234567890", "6281234567890"),
        ("+62 (0)812 3456 7890", "6281234567890"),
        ("0062 812 3456 7890", "6281234567890"),
        ("81234567890", "6281234567890"),
        ("  0812.3456.7890  ", "6281234567890"),
        ("(0542) 731234", "62542731234"),  # a landline in Balikpapan
        ("0811234567", "62811234567"),  # 10 digits: the shortest mobile numbers
        ("0812345678901", "62812345678901"),  # 13 digits: the longest
        ("081234567", "6281234567"),  # 8 national digits: just long enough
    ],
)
def test_numbers_are_normalised_to_indonesian_international_form(raw, number):
    phone = phone_normalise(raw)
    assert phone.valid and phone.number == number and phone.problem == ""


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "no number"),
        ("   ", "no number"),
        ("08123456", "too short"),  # 7 national digits: just too short
        ("08123456789012", "too long"),  # 13 national digits
        ("+65 8123 4567", "not an Indonesian number"),  # Singapore
        ("+1 202 555 0100", "not an Indonesian number"),
        ("1234567890", "not an Indonesian number"),
        ("0812 3456 789O", "not a phone number"),  # a letter O
        ("tidak ada", "not a phone number"),
        ("0812 / +62 813", "not an Indonesian number"),  # two numbers in one field
        ("00812345678", "not a phone number"),
        ("-", "no number"),
    ],
)
def test_numbers_that_cannot_be_used_are_reported_not_guessed(raw, problem):
    phone = phone_normalise(raw)
    assert not phone.valid and phone.number == "" and phone.problem == problem


def test_the_wa_me_link_carries_the_whole_text_urlencoded():
    text = invitation_text(
        name="Drs. Ahmad Yani",
        event_title="Pelepasan ASN Purna Tugas",
        when="Senin, 20 Januari 2027 pukul 09.00-12.00 WITA",
        place="Pendopo & Aula",
        rsvp_url="https://purna.contoh.go.id/acara/rsvp/5/abc:def/?x=1&y=2",
    )
    link = wa_me_link("6281234567890", text)

    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
    assert " " not in link and "\n" not in link and "&y=" not in link  # every reserved character encoded
    assert parse_qs(parts.query) == {"text": [text]}
    assert "Bapak/Ibu Drs. Ahmad Yani" in text
    assert "https://purna.contoh.go.id/acara/rsvp/5/abc:def/?x=1&y=2" in text


def test_the_texts_address_bapak_ibu_and_carry_the_personal_link():
    texts = [
        sign_in_text(name="Siti", sign_in_url="https://x/masuk/?sesame=T", hours=1),
        certificate_ready_text(name="Siti", certificate_url="https://x/verifikasi/C/", portal_url="https://x/portal/"),
        code_text(name="Siti", code="1234 5678", nip="196505121990031004", url="https://x/kode/", until="1 Mei 2027"),
    ]
    for text, link in zip(texts, ["https://x/masuk/?sesame=T", "https://x/verifikasi/C/", "1234 5678"], strict=True):
        assert text.startswith("Yth. Bapak/Ibu Siti,")
        assert link in text
        assert " Anda" not in text


def test_email_is_the_only_channel_the_outbox_sends_itself():
    assert channels.delivered_channels() == ["email"]
    assert channels.channel_get("whatsapp_link").delivers is False
    assert {backend.name for backend in channels.channels()} >= {"email", "whatsapp_link"}


def test_a_gateway_plugs_in_as_one_more_backend():
    sent = []
    gateway = channels.ChannelBackend("whatsapp_gateway", "WhatsApp gateway", deliver=lambda m: sent.append(m) or "id")
    channels.channel_register(gateway)
    try:
        assert "whatsapp_gateway" in channels.delivered_channels()
    finally:
        channels._backends.pop("whatsapp_gateway")


@pytest.mark.django_db
def test_a_message_staff_sent_by_whatsapp_is_recorded_on_its_channel_and_never_emailed(actor, smtp_settings):
    message = message_record_by_staff(
        kind="notifications.test",
        recipient_key="user:1",
        to_name="Ahmad Yani",
        to_phone="6281234567890",
        about=None,
        text="Yth. Bapak/Ibu Ahmad Yani",
        actor=actor,
    )

    message.refresh_from_db()
    assert message.channel == "whatsapp_link"
    assert message.status == MessageStatus.SENT and message.sent_at is not None
    assert message.created_by == actor and message.to_phone == "6281234567890"
    assert message.body_text == "Yth. Bapak/Ibu Ahmad Yani"
    messages_send()
    assert smtp_settings.received == []
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT
