"""The training rating form in a real browser on a phone-sized screen, with JavaScript turned off (the
form needs none): the retiree opens it from their page, sends it empty and reads the error, taps the big
rating buttons, writes a comment, sends, and finds the answers kept when they come back. Screenshots go
to var/screenshots/."""

import pytest
from django.conf import settings
from django.test import Client

from ceremonies.models import TrainingFeedback
from employees.services.accounts import employee_portal_account_ensure
from tests.ceremonies.feedback_helpers import attend, ended_training
from tests.factories import EmployeeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def _signed_in_context(browser, live_server, user, **options):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID", **options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    context.set_default_timeout(15_000)
    return context


def test_a_retiree_rates_a_training_on_a_phone_without_javascript(browser, live_server, unit):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    retiree = EmployeeFactory(unit=unit, name="Sri Wahyuni", email="sri.wahyuni@example.id")
    event, taspen, business = ended_training(unit, attendees=2)
    participant = attend(event, retiree)
    context = _signed_in_context(
        browser, live_server, employee_portal_account_ensure(employee=retiree), java_script_enabled=False
    )
    page = context.new_page()

    page.goto("/portal/")
    page.get_by_test_id("feedback-link").click()
    page.wait_for_selector("[data-testid=feedback-form]")
    assert page.locator("[data-testid=feedback-session]").count() == 2

    page.get_by_test_id("feedback-submit").click()
    assert "Mohon beri nilai paling sedikit satu sesi." in page.get_by_test_id("feedback-errors").inner_text()
    page.screenshot(path=SCREENSHOTS / "portal-feedback-error.png", full_page=True)
    assert not TrainingFeedback.objects.exists()

    # The buttons are labels of radio inputs: a tap on "4 ★" chooses 4.
    first, second = page.locator("[data-testid=feedback-session]").all()
    button = first.locator("label", has_text="4").first
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    button.click()
    first.locator("fieldset").nth(1).locator("label", has_text="5").click()
    first.locator("textarea").fill("Penjelasan tentang THT sangat jelas.")
    second.locator("label", has_text="3").first.click()
    page.screenshot(path=SCREENSHOTS / "portal-feedback-filled.png", full_page=True)
    page.get_by_test_id("feedback-submit").click()

    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Penilaian Bapak/Ibu sudah tersimpan" in page.content()
    saved = {row.session_id: row for row in TrainingFeedback.objects.filter(participant=participant)}
    assert (saved[taspen.pk].rating, saved[taspen.pk].usefulness) == (4, 5)
    assert saved[taspen.pk].comment == "Penjelasan tentang THT sangat jelas."
    assert (saved[business.pk].rating, saved[business.pk].usefulness) == (3, None)

    page.get_by_test_id("feedback-link").click()
    page.wait_for_selector("[data-testid=feedback-answered]")
    assert page.locator(f"#id_s{taspen.pk}-rating_3").is_checked()
    assert page.locator(f"#id_s{business.pk}-rating_2").is_checked()
    page.screenshot(path=SCREENSHOTS / "portal-feedback-again.png", full_page=True)
    context.close()
