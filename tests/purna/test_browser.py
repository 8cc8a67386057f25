"""The site in a real browser (Debian's chromium through Playwright), against the live test server."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import EmployeeFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def first_of_month_ahead(months: int) -> dt.date:
    today = timezone.localdate()
    year, month = divmod(today.month - 1 + months, 12)
    return dt.date(today.year + year, month + 1, 1)


def test_operator_signs_in_and_sees_the_dashboard(page, live_server, role_user):
    role_user("Operator", username="operator-browser", password="rahasia-uji-123")
    EmployeeFactory.create_batch(2)
    EmployeeFactory(tmt_pensiun=first_of_month_ahead(3))
    with translation.override("id"):
        heading = gettext("Purna tugas dashboard")

    page.goto("/")

    assert page.url.startswith(f"{live_server.url}/akun/masuk/?next=/")
    page.fill("#id_username", "operator-browser")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    assert page.locator("h1").inner_text() == heading
    assert page.locator(".stat-card").count() >= 3
    assert page.get_by_test_id("stat-active").inner_text() == "3"
    assert page.get_by_test_id("stat-12m").inner_text() == "1"
    # Bootstrap's stylesheet is served and applied (a card has rounded corners only with it).
    assert page.evaluate("getComputedStyle(document.querySelector('.card')).borderTopLeftRadius") != "0px"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=True)


def test_wrong_password_keeps_the_visitor_on_the_sign_in_page(page, live_server, operator):
    page.goto("/akun/masuk/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "bukan-kata-sandinya")
    page.click("form button[type=submit]")

    assert page.url.startswith(f"{live_server.url}/akun/masuk/")
    assert page.locator(".alert-danger, .invalid-feedback, .errorlist").count() >= 1
