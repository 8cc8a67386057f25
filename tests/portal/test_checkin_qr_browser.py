"""The check-in QR code of the portal at the door, in a real browser (Debian's chromium through
Playwright): the retiree opens the portal on a phone and shows the code; the officer's phone reads a
picture of that screen with the check-in page's scanner (the vendored QR library, fed a photo since a
camera cannot be faked) and the server records the retiree present. Screenshots at a phone's and a
laptop's width go to var/screenshots/."""

import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from ceremonies.models import EventStatus, Participant, ParticipantStatus
from employees.services.accounts import employee_portal_account_ensure
from purna import roles
from tests.ceremonies.test_checkin_offline_browser import open_check_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def signed_in_context(browser, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="id-ID")
    context.set_default_timeout(15_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


def test_the_officer_scans_the_qr_code_the_retiree_shows_on_the_portal(
    browser, live_server, portal_settings, unit, ahmad, tmp_path
):
    portal_settings.PURNA_SITE_URL = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    participant = Participant.objects.get(employee=ahmad, event__status=EventStatus.PUBLISHED)
    account = employee_portal_account_ensure(employee=ahmad)

    laptop = signed_in_context(browser, live_server, account, LAPTOP)
    page = laptop.new_page()
    page.goto("/portal/")
    expect(page.get_by_test_id("checkin-qr")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "portal-checkin-qr-laptop.png", full_page=True)
    laptop.close()

    phone = signed_in_context(browser, live_server, account, PHONE)
    page = phone.new_page()
    page.goto("/portal/")
    figure = page.get_by_test_id("checkin-qr")
    image = figure.locator("img")
    image.scroll_into_view_if_needed()
    alt = image.get_attribute("alt")
    assert "Bapak/Ibu" in alt and participant.checkin_code in alt
    assert figure.get_by_test_id("checkin-qr-code").inner_text() == participant.checkin_code
    # Large enough to scan from the screen: most of a phone's width, and nothing wider than the screen.
    box = image.bounding_box()
    assert box["width"] >= 250 and box["width"] == box["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=SCREENSHOTS / "portal-checkin-qr-phone.png", full_page=True)
    # What the officer's camera sees: the code as the retiree's screen shows it.
    shown = tmp_path / "layar-pensiunan.png"
    image.screenshot(path=shown)
    phone.close()

    officer = UserFactory(username="operator-pintu", roles=[roles.OPERATOR], units=[unit])
    door = signed_in_context(browser, live_server, officer, PHONE)
    check_in = open_check_in(door, participant.event)
    check_in.set_input_files("#checkin-photo", str(shown))
    check_in.wait_for_selector(f"#hadir-{participant.pk} .btn-success")
    expect(check_in.get_by_test_id("checkin-pending")).to_have_text("0", timeout=30_000)
    check_in.screenshot(path=SCREENSHOTS / "checkin-from-portal-qr.png", full_page=True)
    door.close()

    for _ in range(50):
        participant.refresh_from_db()
        if participant.status == ParticipantStatus.ATTENDED:
            break
        time.sleep(0.2)
    assert participant.status == ParticipantStatus.ATTENDED
    assert participant.checked_in_by == officer
