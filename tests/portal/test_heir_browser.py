"""The widow on the portal in a real browser on a phone-sized screen (Debian's chromium through
Playwright): she asks for a sign-in link with her own email, opens it from the email the outbox sent to a
real SMTP sink, signs in, sees her late husband's page and the tali asih paid to her, and downloads the
kuitansi made out to her. Screenshots go to var/screenshots/."""

import re

import pytest
from django.conf import settings

from benefits.models import BenefitType, Payout
from benefits.services import receipts as services_receipts
from benefits.tasks import receipt_render_task
from purna.notifications.delivery import messages_send
from tests.benefits.documents_helpers import pdf_text
from tests.portal.test_heir_sign_in import ahmad_family_fixture  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def test_the_widow_signs_in_and_sees_the_tali_asih_paid_to_her(
    browser, live_server, portal_settings, smtp_settings, ahmad_family, staff_actor, tmp_path
):
    portal_settings.PURNA_SITE_URL = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    employee, _wife, _son = ahmad_family
    payout = Payout.objects.get(employee=employee, benefit_type=BenefitType.TALI_ASIH)
    # Issued again now that the heir receives it: same number, the PDF made out to her.
    receipt_render_task(services_receipts.receipt_issue(payout=payout, actor=staff_actor).pk)
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID", accept_downloads=True)
    phone.set_default_timeout(15_000)
    page = phone.new_page()

    page.goto("/portal/")
    page.wait_for_url(re.compile(r"/portal/masuk/"))
    page.fill("#id_identifier", "siti@example.id")
    page.click("[data-testid=send-link]")
    page.wait_for_selector("[data-testid=link-sent]")

    messages_send()
    emails = [r.message for r in smtp_settings.wait_for(1) if "Tautan masuk" in r.message["Subject"]]
    assert emails[-1]["To"].endswith("siti@example.id>") or emails[-1]["To"] == "siti@example.id"
    text = emails[-1].get_body(("plain",)).get_content()
    [link] = re.findall(re.escape(live_server.url) + r"/portal/masuk/tautan/\?sesame=\S+", text)

    page.goto(link)
    assert "Siti Aminah" in page.content()
    page.click("[data-testid=sign-in]")
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Selamat datang, Siti Aminah" in page.content()
    assert "Almarhum Bapak Ahmad Yani" in page.locator("[data-testid=deceased]").inner_text()
    payout_card = page.locator("[data-testid=payout]")
    assert payout_card.count() == 1
    card = payout_card.inner_text()
    assert "Rp 2.500.000" in card and "Dibayar" in card
    assert "sebagai ahli waris: Ibu Siti Aminah, istri" in card
    page.screenshot(path=SCREENSHOTS / "portal-heir-home.png", full_page=True)

    with page.expect_download() as download:
        page.click("[data-testid=receipt-download]")
    path = tmp_path / "kuitansi.pdf"
    download.value.save_as(path)
    receipt_text = " ".join(pdf_text(path.read_bytes(), tmp_path).split())
    assert "Almarhum Bapak Ahmad Yani" in receipt_text
    assert "ahli waris: Ibu Siti Aminah, istri" in receipt_text
    phone.close()
