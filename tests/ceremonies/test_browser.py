"""A farewell from start to finish in a real browser (Debian's chromium through Playwright, against the
live test server, emails through a real SMTP sink): staff plan the event and build its participants
from a cohort, publish it and send the invitations; a retiree confirms through the link in the email
on a phone; staff check them in on a phone on the day."""

import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from ceremonies.models import Event, Participant, ParticipantStatus
from employees.retirement import add_months
from purna import roles
from purna.notifications.delivery import messages_send
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def t(text: str) -> str:
    with translation.override("id"):
        return gettext(text)


def test_a_farewell_from_the_cohort_to_the_check_in(browser, live_server, smtp_settings, private_email_queue, settings):
    settings.PURNA_SITE_URL = live_server.url
    unit = UnitKerjaFactory(code="BKPSDM", name="BKPSDM Kabupaten Sukamaju")
    UserFactory(username="operator-acara", password="rahasia-uji-123", roles=[roles.OPERATOR], units=[unit])
    tmt = add_months(timezone.localdate().replace(day=1), 1)
    retirees = [
        EmployeeFactory(unit=unit, name=name, tmt_pensiun=tmt, tmt_effective=tmt, email=f"{index}@sukamaju.go.id")
        for index, name in enumerate(["Siti Aminah", "Budi Santoso", "Wayan Sudarma"])
    ]
    day = add_months(timezone.localdate().replace(day=1), 1).replace(day=21)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="id-ID")
    staff.set_default_timeout(15_000)
    page = staff.new_page()
    page.goto("/akun/masuk/")
    page.fill("#id_username", "operator-acara")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # Plan the event.
    page.goto("/acara/tambah/?jenis=pelepasan")
    page.fill("#id_title", "Pelepasan ASN Purna Tugas Triwulan I")
    page.fill("#id_starts_at", f"{day:%Y-%m-%d}T09:00")
    page.fill("#id_ends_at", f"{day:%Y-%m-%d}T12:00")
    page.fill("#id_venue", "Aula Pemkot")
    page.select_option("#id_organizer", str(unit.pk))
    page.fill("#id_capacity", "20")
    page.click(f"main form button:has-text('{t('Save')}')")
    event = Event.objects.get()
    page.wait_for_url(re.compile(rf"/acara/{event.pk}/$"))

    # Participants from the cohort of next month's retirees.
    page.click(f"text={t('Add participants')}")
    page.fill("#id_tmt_from", f"{tmt:%Y-%m}")
    page.fill("#id_tmt_until", f"{tmt:%Y-%m}")
    page.click(f"button:has-text('{t('Show')}')")
    page.click(f"text={t('Tick all who can take part')}")
    page.screenshot(path=SCREENSHOTS / "ceremony_cohort.png", full_page=True)
    page.click(f"button:has-text('{t('Add the ticked employees')}')")
    page.wait_for_url(re.compile(rf"/acara/{event.pk}/$"))
    assert page.get_by_test_id("count-total").inner_text() == "3"

    # Publish, then send the invitations (the outbox hands them to the SMTP sink).
    page.get_by_test_id("to-terbit").click()
    page.click(f"button:has-text('{t('Invitations')}')")
    page.get_by_test_id("send-invitations").click()
    page.wait_for_url(re.compile(rf"/acara/{event.pk}/"))
    assert messages_send().sent == 3
    received = smtp_settings.wait_for(3)
    siti = next(r for r in received if r.rcpt_tos == ["0@sukamaju.go.id"])
    text = siti.message.get_body(preferencelist=("plain",)).get_content()
    [link] = [url for url in re.findall(r"https?://\S+", text) if "jawab=hadir" in url]

    # The retiree confirms on a phone, without signing in: opening the email's link is the one tap.
    retiree = browser.new_context(viewport=PHONE, locale="id-ID")
    phone = retiree.new_page()
    phone.goto(link)
    phone.get_by_test_id("rsvp-answer").wait_for()
    retiree.close()
    siti_participant = Participant.objects.get(employee=retirees[0])
    assert siti_participant.status == ParticipantStatus.CONFIRMED

    # On the day: check-in on a phone, searching by name.
    staff_phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID")
    staff_phone.add_cookies(staff.cookies())
    check_in = staff_phone.new_page()
    check_in.goto(f"/acara/{event.pk}/hadir/?q=aminah")
    row = check_in.get_by_test_id("checkin-row")
    assert row.count() == 1
    button = row.locator(".checkin-button")
    box = button.bounding_box()
    assert box["height"] >= 48  # a thumb's target
    button.click()
    check_in.wait_for_selector(f"#hadir-{siti_participant.pk} .btn-success")
    # The counts at the top follow, without reloading the page.
    assert check_in.get_by_test_id("checkin-counts").inner_text().startswith("1 ")
    check_in.screenshot(path=SCREENSHOTS / "ceremony_checkin_phone.png", full_page=True)
    siti_participant.refresh_from_db()
    assert siti_participant.status == ParticipantStatus.ATTENDED

    page.goto(f"/acara/{event.pk}/")
    assert page.get_by_test_id("count-attended").inner_text() == "1"
    page.screenshot(path=SCREENSHOTS / "ceremony_detail.png", full_page=True)
    staff_phone.close()
    staff.close()
