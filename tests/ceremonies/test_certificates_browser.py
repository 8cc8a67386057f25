"""Certificates in a real browser (Debian's chromium through Playwright, against the live test server):
staff issue an event's certificates and follow the printing, download one, and a phone opens the
public verification page as the QR code would. Screenshots go to var/screenshots/."""

import pytest
from django.conf import settings

from ceremonies.models import Certificate, ParticipantStatus
from ceremonies.services import certificates as services
from purna import roles
from tests.ceremonies.test_certificates import held_event
from tests.factories import ParticipantFactory, UnitKerjaFactory, UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_issue_follow_download_and_verify(browser, live_server, settings, private_media, monkeypatch):
    settings.PURNA_SITE_URL = live_server.url
    # No worker here: the batch is rendered in the web process once the issue commits.
    monkeypatch.setattr(services, "task_dispatch", lambda task, args, queue: bool(task.apply(args=args)))
    unit = UnitKerjaFactory(code="BKPSDM", name="BKPSDM Kabupaten Sukamaju")
    UserFactory(username="operator-sertifikat", password="rahasia-uji-123", roles=[roles.OPERATOR], units=[unit])
    event = held_event(attended=0, absent=0, organizer=unit)
    for name in ["Siti Aminah", "Budi Santoso"]:
        ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED, employee__unit=unit, employee__name=name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    staff = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="id-ID")
    staff.set_default_timeout(15_000)
    page = staff.new_page()
    page.goto("/akun/masuk/")
    page.fill("#id_username", "operator-sertifikat")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"/acara/{event.pk}/sertifikat/")
    page.click("[data-testid=issue]")
    page.wait_for_selector("[data-testid=batch-progress][data-status=selesai]")
    page.screenshot(path=SCREENSHOTS / "certificates-batch.png", full_page=True)
    page.goto(f"/acara/{event.pk}/sertifikat/")
    assert page.locator("[data-testid=certificate-row]").count() == 2
    page.screenshot(path=SCREENSHOTS / "certificates-list.png", full_page=True)
    with page.expect_download() as download:
        page.locator("[data-testid=certificate-row] a").first.click()
    assert download.value.suggested_filename.startswith("sertifikat-")
    staff.close()

    certificate = Certificate.objects.select_related("participant__employee").first()
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="id-ID")
    scan = phone.new_page()
    scan.goto(f"/verifikasi/{certificate.verification_code}/")
    assert scan.locator("[data-testid=verification]").get_attribute("data-status") == "sah"
    assert certificate.number in scan.content()
    scan.screenshot(path=SCREENSHOTS / "certificate-verify.png", full_page=True)
    phone.close()
