"""The portal in a real browser on a phone-sized screen (Debian's chromium through Playwright): a retiree
asks for a sign-in link, opens it from the email the outbox sent to a real SMTP sink, signs in, downloads
their certificate and receipt; a stranger opens the certificate's QR address. Screenshots go to
var/screenshots/."""

import re

import pytest
from django.conf import settings

from benefits.models import Receipt
from ceremonies.certificate_pdf import verification_url
from ceremonies.models import Certificate
from purna.notifications.delivery import messages_send
from tests.benefits.documents_helpers import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def test_a_retiree_signs_in_with_the_emailed_link_and_downloads_their_papers(
    browser, live_server, portal_settings, smtp_settings, ahmad, tmp_path
):
    portal_settings.PURNA_SITE_URL = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    certificate = Certificate.objects.get(participant__employee=ahmad)
    receipt = Receipt.objects.get(payout__employee=ahmad)
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID", accept_downloads=True)
    phone.set_default_timeout(15_000)
    page = phone.new_page()

    page.goto("/portal/")
    page.wait_for_url(re.compile(r"/portal/masuk/"))
    page.screenshot(path=SCREENSHOTS / "portal-sign-in.png", full_page=True)
    page.fill("#id_identifier", "19650512 199003 1 004")
    page.click("[data-testid=send-link]")
    page.wait_for_selector("[data-testid=link-sent]")

    messages_send()
    emails = [r.message for r in smtp_settings.wait_for(1) if "Tautan masuk" in r.message["Subject"]]
    text = emails[-1].get_body(("plain",)).get_content()
    [link] = re.findall(re.escape(live_server.url) + r"/portal/masuk/tautan/\?sesame=\S+", text)

    page.goto(link)
    page.screenshot(path=SCREENSHOTS / "portal-link.png", full_page=True)
    page.click("[data-testid=sign-in]")
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Selamat datang, Ahmad Yani" in page.content()
    assert page.locator("[data-testid=certificate]").count() == 1
    page.screenshot(path=SCREENSHOTS / "portal-home.png", full_page=True)

    with page.expect_download() as download:
        page.click("[data-testid=certificate-download]")
    path = tmp_path / "piagam.pdf"
    download.value.save_as(path)
    text = pdf_text(path.read_bytes(), tmp_path)
    assert "Ahmad Yani" in text and certificate.number in text
    assert "35 tahun 2 bulan" in " ".join(text.split())

    with page.expect_download() as download:
        page.click("[data-testid=receipt-download]")
    assert download.value.suggested_filename.startswith("kuitansi-")
    assert receipt.number.split("/")[0] in download.value.suggested_filename

    page.click("[data-testid=sign-out]")
    page.wait_for_url(re.compile(r"/portal/masuk/"))
    page.goto(link)  # the link was spent by signing in
    assert page.locator("[data-testid=link-invalid]").count() == 1
    phone.close()

    stranger = browser.new_context(viewport=PHONE, locale="id-ID")
    scan = stranger.new_page()
    scan.goto(verification_url(certificate.verification_code))
    assert scan.locator("[data-testid=verification]").get_attribute("data-status") == "sah"
    assert certificate.number in scan.content() and "1965" in scan.content()
    assert "19650512 199003 1 004" not in scan.content() and "196505121990031004" not in scan.content()
    stranger.close()
