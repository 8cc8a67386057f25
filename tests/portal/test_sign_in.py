"""Signing in to the retirees' portal: a one-time link sent by email (django-sesame), asked for with an
email address or a NIP. The answer never tells who is in the register; the link goes only to the
address on record, works once and for a limited time; staff accounts never sign in this way; and NIP
plus birth date (printed in the NIP itself) is never enough."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_token

from employees.choices import EmployeeStatus
from employees.services.accounts import employee_portal_account_ensure
from portal.services import KIND
from purna import roles
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from tests.factories import EmployeeFactory, UserFactory
from tests.portal.conftest import SITE

pytestmark = pytest.mark.django_db

SIGN_IN = "/portal/masuk/"


@pytest.fixture
def retiree(unit):
    return EmployeeFactory(
        unit=unit, name="Ahmad Yani", nip="196505121990031004", email="ahmad.yani@example.id", front_title="Drs."
    )


def ask(client, identifier: str):
    return client.post(SIGN_IN, {"identifier": identifier})


def test_the_urls_are_indonesian():
    assert reverse("portal:sign_in") == SIGN_IN
    assert reverse("portal:home") == "/portal/"


@pytest.mark.parametrize("identifier", ["ahmad.yani@example.id", "  Ahmad.Yani@EXAMPLE.id ", "19650512 199003 1 004"])
def test_a_link_is_queued_to_the_address_on_record_by_email_or_nip(client, retiree, identifier):
    response = ask(client, identifier)

    assert response.status_code == 302 and response.url == reverse("portal:sign_in_sent")
    [message] = Message.objects.filter(kind=KIND)
    assert message.to_email == "ahmad.yani@example.id"
    assert message.recipient_key == f"employee:{retiree.pk}"
    assert message.context == {}  # nothing secret waits in the outbox
    retiree.refresh_from_db()
    assert retiree.user.username == "asn-196505121990031004"
    assert not retiree.user.has_usable_password()
    assert retiree.user.email == "ahmad.yani@example.id"


def test_the_answer_is_the_same_for_people_not_in_the_register(client, retiree):
    known = ask(client, "ahmad.yani@example.id")
    unknown = ask(client, "bukan.siapa.siapa@example.id")
    unknown_nip = ask(client, "196505121990031099")

    assert known.status_code == unknown.status_code == unknown_nip.status_code == 302
    assert known.url == unknown.url == unknown_nip.url
    assert Message.objects.filter(kind=KIND).count() == 1
    assert get_user_model().objects.filter(username__startswith="asn-").count() == 1


@pytest.mark.parametrize(
    ("identifier", "error"),
    [
        ("ahmad", "Tulis alamat email Bapak/Ibu, atau NIP Bapak/Ibu (18 angka)."),
        ("1965051219900310", "Tulis alamat email Bapak/Ibu, atau NIP Bapak/Ibu (18 angka)."),
        ("ahmad@", "Alamat email ini belum lengkap: periksa lagi, misalnya nama@contoh.com."),
        ("", "Bidang ini tidak boleh kosong."),
    ],
)
def test_bad_input_gets_a_clear_indonesian_error_and_sends_nothing(client, retiree, identifier, error):
    response = ask(client, identifier)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Message.objects.exists()


def test_no_link_for_the_dead_nor_for_someone_without_an_email(client, unit):
    EmployeeFactory(unit=unit, nip="196505121990031004", email="alm@example.id", status=EmployeeStatus.MENINGGAL)
    EmployeeFactory(unit=unit, nip="196703142000122001", email="")

    ask(client, "alm@example.id")
    ask(client, "196505121990031004")
    ask(client, "196703142000122001")

    assert not Message.objects.exists()


def test_an_account_with_staff_powers_never_gets_a_link(client, retiree):
    retiree.user = UserFactory(username="operator-ahmad", roles=[roles.OPERATOR])
    retiree.save()

    response = ask(client, "ahmad.yani@example.id")

    assert response.status_code == 302
    assert not Message.objects.exists()


def test_one_person_gets_a_limited_number_of_links_an_hour(client, retiree, settings):
    settings.PURNA_PORTAL_LINKS_PER_HOUR = 2
    settings.PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE = 100
    for _ in range(4):
        assert ask(client, "ahmad.yani@example.id").status_code == 302
    assert Message.objects.filter(kind=KIND).count() == 2

    Message.objects.update(created_at=timezone.now() - dt.timedelta(minutes=61))
    ask(client, "ahmad.yani@example.id")
    assert Message.objects.filter(kind=KIND).count() == 3


def test_one_address_may_ask_a_limited_number_of_times_a_minute(client, retiree, settings):
    settings.PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE = 3
    settings.PURNA_PORTAL_LINKS_PER_HOUR = 100
    # Within one window of the counter (a minute turning over mid-test would reset it).
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, 0, 10, tzinfo=dt.UTC), tick=False):
        for _ in range(3):
            assert ask(client, "ahmad.yani@example.id").status_code == 302
        refused = ask(client, "ahmad.yani@example.id")

    assert refused.status_code == 429
    assert "Terlalu banyak permintaan" in refused.content.decode()
    assert Message.objects.filter(kind=KIND).count() == 3


def sent_link(smtp_settings) -> tuple[str, str]:
    """Send the queued sign-in email to the SMTP sink; its link (path and query) and its plain text."""
    report = messages_send()
    assert report.sent == 1
    email = smtp_settings.wait_for(1)[-1].message
    text = email.get_body(("plain",)).get_content()
    [link] = re.findall(re.escape(SITE) + r"(/portal/masuk/tautan/\?sesame=\S+)", text)
    return link, text


def test_the_emailed_link_signs_in_once_and_the_outbox_keeps_it_blanked(client, retiree, smtp_settings):
    ask(client, "ahmad.yani@example.id")
    link, text = sent_link(smtp_settings)
    assert "60 menit" in text

    message = Message.objects.get(kind=KIND)
    assert message.status == MessageStatus.SENT
    token = link.split("sesame=")[1]
    assert token not in message.body_text and token not in message.body_html
    assert "[…]" in message.body_text

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(link)
    assert page.status_code == 200
    assert "Drs. Ahmad Yani" in page.content.decode()
    assert "_auth_user_id" not in browser.session  # opening the link (a mail scanner does) signs nobody in

    signed_in = browser.post(link, {"sesame": token, "csrfmiddlewaretoken": browser.cookies["csrftoken"].value})
    assert signed_in.status_code == 302 and signed_in.url == reverse("portal:home")
    assert browser.get(reverse("portal:home")).status_code == 200

    again = Client().get(link)
    assert again.status_code == 410
    assert "Tautan ini tidak berlaku lagi" in again.content.decode()


def test_a_link_expires(client, retiree, smtp_settings, settings):
    ask(client, "ahmad.yani@example.id")
    link, _text = sent_link(smtp_settings)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=settings.PURNA_PORTAL_LINK_MINUTES + 1)):
        response = Client().get(link)

    assert response.status_code == 410


def test_a_link_made_for_staff_powers_or_another_purpose_is_refused(retiree):
    staff = UserFactory(username="admin-ahmad", roles=[roles.ADMIN])
    retiree.user = staff
    retiree.save()
    url = reverse("portal:sign_in_link")

    assert Client().get(url, {"sesame": get_token(staff, scope="portal")}).status_code == 410
    plain = UserFactory(username="asn-lain")
    EmployeeFactory(user=plain)
    assert Client().get(url, {"sesame": get_token(plain)}).status_code == 410  # no scope: not a portal link
    assert Client().get(url, {"sesame": get_token(plain, scope="portal")}).status_code == 200
    assert Client().get(url, {"sesame": "AAAAAAAAAAAAAAAAAAAAAAAAAAAA"}).status_code == 410


def test_nip_and_birth_date_are_never_enough_to_sign_in(client, retiree):
    ask(client, "196505121990031004")  # makes the portal account
    username = f"asn-{retiree.nip}"

    for password in ["1965-05-12", "12-05-1965", "19650512", retiree.nip]:
        response = client.post(reverse("login"), {"username": username, "password": password})
        assert "_auth_user_id" not in client.session, password
        assert response.status_code in (200, 403, 429)
    assert client.get(reverse("portal:home")).status_code == 302


def test_asking_again_leaves_the_first_link_working(client, retiree, smtp_settings):
    ask(client, "ahmad.yani@example.id")
    first, _text = sent_link(smtp_settings)
    ask(client, "ahmad.yani@example.id")
    messages_send()

    assert Client().get(first).status_code == 200


def post_at_the_same_moment(url: str, token: str, browsers: list[Client]) -> list[int]:
    """Each browser POSTs the link's button in its own thread, all released together; their answers."""
    barrier = threading.Barrier(len(browsers))
    answers = []

    def click(browser):
        try:
            barrier.wait()
            answers.append(browser.post(url, {"sesame": token}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_a_link_clicked_in_several_browsers_at_once_signs_in_only_one(retiree):
    # Spending the link is one step: the account's row is locked (on SQLite, the write transaction is
    # taken) before the token is checked, so a second click sees the new last login and gets 410.
    user = employee_portal_account_ensure(employee=retiree)
    url = reverse("portal:sign_in_link")
    for _round in range(5):
        token = get_token(user, scope="portal")
        browsers = [Client() for _ in range(4)]
        for browser in browsers:
            assert browser.get(url, {"sesame": token}).status_code == 200

        answers = post_at_the_same_moment(url, token, browsers)

        assert sorted(answers) == [302, 410, 410, 410]
        homes = [browser.get(reverse("portal:home")).status_code for browser in browsers]
        assert sorted(homes) == [200, 302, 302, 302]
        user.refresh_from_db()
