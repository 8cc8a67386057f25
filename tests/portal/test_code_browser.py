"""A retiree without email signs in with a one-time code, in a real browser: staff issue the code from
the employee's page on a laptop, the retiree types their NIP and the code on a phone-sized screen, and
is in; the same code typed again is refused. Screenshots go to var/screenshots/."""

import datetime as dt
import re

import pytest
from django.conf import settings

from employees.choices import EmployeeStatus
from purna import roles
from tests.factories import EmployeeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def test_a_retiree_signs_in_with_a_code_issued_by_staff(browser, live_server, unit):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    UserFactory(username="operator-kode", password="rahasia-uji-123", roles=[roles.OPERATOR], units=[unit])
    person = EmployeeFactory(
        unit=unit,
        name="Ahmad Yani",
        nip="196505121990031004",
        birth_date=dt.date(1965, 5, 12),
        status=EmployeeStatus.PENSIUN,
        tmt_pensiun=dt.date(2023, 6, 1),
        email="",
        personal_email="",
        personal_phone="0812-3456-7890",
    )

    laptop = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="id-ID")
    laptop.set_default_timeout(15_000)
    staff = laptop.new_page()
    staff.goto("/akun/masuk/")
    staff.fill("#id_username", "operator-kode")
    staff.fill("#id_password", "rahasia-uji-123")
    staff.click("form button[type=submit]")
    staff.wait_for_url(f"{live_server.url}/")
    staff.goto(f"/pegawai/{person.pk}/")
    staff.get_by_test_id("issue-code").click()
    code = staff.get_by_test_id("issued-code").inner_text().strip()
    assert re.fullmatch(r"\d{4} \d{4}", code)
    assert staff.get_by_test_id("code-whatsapp").count() == 1  # the personal phone is usable
    staff.screenshot(path=SCREENSHOTS / "sign-in-code-issued.png", full_page=True)
    laptop.close()

    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID")
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    page.goto("/portal/masuk/")
    page.get_by_test_id("have-code").click()
    page.wait_for_url(re.compile(r"/portal/masuk/kode/$"))
    page.fill("#id_nip", "19650512 199003 1 004")
    page.fill("#id_code", code)
    page.screenshot(path=SCREENSHOTS / "portal-sign-in-code.png", full_page=True)
    page.get_by_test_id("sign-in-code").click()
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Ahmad Yani" in page.content()
    page.screenshot(path=SCREENSHOTS / "portal-home-by-code.png", full_page=True)
    phone.close()

    # Single use: the same code on another phone is refused, in Indonesian.
    other = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID")
    again = other.new_page()
    again.goto("/portal/masuk/kode/")
    again.fill("#id_nip", "196505121990031004")
    again.fill("#id_code", code.replace(" ", ""))
    again.get_by_test_id("sign-in-code").click()
    again.get_by_test_id("code-error").wait_for()
    assert "tidak cocok" in again.get_by_test_id("code-error").inner_text()
    again.screenshot(path=SCREENSHOTS / "portal-sign-in-code-refused.png", full_page=True)
    other.close()
