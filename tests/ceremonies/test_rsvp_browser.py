"""The invitation answer page in a real browser on a phone-sized screen (Debian's chromium through
Playwright, against the live test server): no login, big buttons, the answer recorded."""

import pytest
from django.conf import settings
from django.urls import reverse

from ceremonies import rsvp
from ceremonies.models import ParticipantStatus
from tests.ceremonies.helpers import tamper
from tests.factories import EventFactory, OfficialFactory, ParticipantFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def test_a_retiree_confirms_on_a_phone(browser, live_server):
    official = OfficialFactory(name="Drs. Bambang Wijaya, M.Si.", title="Sekretaris Daerah Kabupaten Sukamaju")
    event = EventFactory(title="Pelepasan ASN Purna Tugas Triwulan I Tahun 2027", presiding_official=official)
    participant = ParticipantFactory(
        event=event,
        employee__name="Siti Aminah",
        companion_name="Ahmad Fauzi",
        companion_relation="suami",
        status=ParticipantStatus.INVITED,
        rsvp_version=1,
    )
    token = rsvp.token_make(participant_pk=participant.pk, version=1)
    url = reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": token})
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="id-ID"
    )
    try:
        page = context.new_page()
        page.goto(url)
        assert "Siti Aminah" in page.content()
        confirm = page.locator("button[name=answer][value=confirm]")
        box = confirm.bounding_box()
        # A large target for a thumb: most of the screen's width and at least 48 px tall.
        assert box["width"] > 300 and box["height"] >= 48
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "rsvp_form_phone.png", full_page=True)

        confirm.click()
        page.wait_for_load_state()

        page.screenshot(path=SCREENSHOTS / "rsvp_done_phone.png", full_page=True)
        participant.refresh_from_db()
        assert participant.status == ParticipantStatus.CONFIRMED
        page.goto(reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": tamper(token)}))
        page.screenshot(path=SCREENSHOTS / "rsvp_refused_phone.png", full_page=True)
    finally:
        context.close()


def _one_tap_context(browser, live_server, *, javascript: bool):
    return browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        device_scale_factor=1,
        locale="id-ID",
        java_script_enabled=javascript,
    )


def _invited_participant():
    participant = ParticipantFactory(
        event=EventFactory(title="Pelepasan ASN Purna Tugas Triwulan II Tahun 2027"),
        employee__name="Hartono",
        status=ParticipantStatus.INVITED,
        rsvp_version=1,
    )
    token = rsvp.token_make(participant_pk=participant.pk, version=1)
    return participant, reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": token})


def test_one_tap_in_the_email_answers_with_javascript(browser, live_server):
    participant, url = _invited_participant()
    context = _one_tap_context(browser, live_server, javascript=True)
    try:
        page = context.new_page()
        page.goto(url + "?jawab=hadir")
        answer = page.locator("[data-testid=rsvp-answer]")
        answer.wait_for()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "rsvp_one_tap_phone.png", full_page=True)
        participant.refresh_from_db()
        assert participant.status == ParticipantStatus.CONFIRMED
        assert page.locator("[data-testid=rsvp-change]").is_visible()
        page.locator("[data-testid=rsvp-change]").click()
        page.locator("[data-testid=rsvp-answer]").wait_for()
        participant.refresh_from_db()
        assert participant.status == ParticipantStatus.DECLINED
    finally:
        context.close()


def test_without_javascript_the_link_shows_one_big_button_with_its_answer(browser, live_server):
    participant, url = _invited_participant()
    context = _one_tap_context(browser, live_server, javascript=False)
    try:
        page = context.new_page()
        page.goto(url + "?jawab=hadir")
        button = page.locator("[data-testid=rsvp-one-tap-button]")
        box = button.bounding_box()
        assert box["width"] > 300 and box["height"] >= 48
        assert page.locator("button[name=answer]").count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "rsvp_one_tap_nojs_phone.png", full_page=True)
        participant.refresh_from_db()
        assert participant.status == ParticipantStatus.INVITED

        button.click()
        page.locator("[data-testid=rsvp-answer]").wait_for()
        participant.refresh_from_db()
        assert participant.status == ParticipantStatus.CONFIRMED
    finally:
        context.close()
