"""A death in service from the date of death to the widow on the portal, through the real pages in a real
browser (Playwright, Debian's chromium):

the operator adds the widow on the employee's family page, opens a janda/duda record from the date of death,
sees the checklist of this kind, uploads the required documents, reads the DPCP page's problems, downloads
the DPCP (made in the background: its progress page, then the file) signed by the widow, and issues the
cover letter; the tali asih is prepared, made out to the widow with the heir statement, verified, approved
and paid by three other people (four eyes); then the widow asks for a sign-in link with her own email,
opens it from the email the outbox sent to a real SMTP sink, and sees on her phone the tali asih paid to
her. Screenshots of each step under var/screenshots/ (death-case-*.png).
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from benefits.models import BenefitType, Payout, PayoutStatus
from ceremonies.models import PensionCoverLetter
from employees.choices import RetirementKind
from employees.models import CaseDocument, RetirementCase, Spouse
from employees.retirement import add_months
from portal.demo import instansi_ensure
from purna import roles
from purna.generated import generated_document_render
from purna.models import GeneratedDocument
from purna.notifications.delivery import messages_send
from tests.benefits.documents_helpers import pdf_text
from tests.employees.case_fixtures import first_of_month, make_employee
from tests.factories import MINIMAL_PDF, TaliAsihRateFactory, UnitKerjaFactory, UserFactory
from tests.purna.notifications.conftest import private_email_queue, smtp_settings, smtp_sink  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("seeded_rules", "seeded_documents"),
]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PASSWORD = "rahasia-uji-123"
PHONE = {"width": 390, "height": 844}
WIDOW_EMAIL = "sri.wahyuni@example.id"


def shot(page, name: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"death-case-{name}.png", full_page=True)


def sign_in(browser, live_server, username: str, viewport=None):
    """A browser context of its own for `username` (each person signs in on their own machine)."""
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 900}, locale="id-ID"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def download(page, tmp_path, name: str, click) -> bytes:
    with page.expect_download() as event:
        click()
    path = tmp_path / name
    event.value.save_as(path)
    return path.read_bytes()


@pytest.fixture
def staff(db):
    unit = UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")
    people = {
        name: UserFactory(username=name, roles=[role], units=[unit], password=PASSWORD)
        for name, role in [
            ("operator-duka", roles.OPERATOR),
            ("verifikator-duka", roles.VERIFIKATOR),
            ("pimpinan-duka", roles.PIMPINAN),
            ("bendahara-duka", roles.BENDAHARA),
        ]
    }
    return unit, people


def test_a_death_in_service_to_the_widow_on_the_portal(
    browser,
    live_server,
    staff,
    private_media,
    settings,
    smtp_settings,  # noqa: F811 (the fixture imported above)
    tmp_path,
):
    settings.PURNA_SITE_URL = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    instansi_ensure()
    TaliAsihRateFactory(amount=Decimal("2500000"), decision_number="800/17/KORPRI/2024")
    unit, _people = staff
    today = timezone.localdate()
    tmt = first_of_month(today, 30)
    tmt_cpns = dt.date(add_months(tmt, -58 * 12 - 1).year + 24, 3, 1)
    employee = make_employee(
        tmt=tmt,
        tmt_cpns=tmt_cpns,
        name="Bambang Sutrisno",
        gender="1",
        unit=unit,
        last_basic_salary=Decimal("4797000"),
        address="Jl. Merdeka 1, Balikpapan",
        tmt_golongan=dt.date(today.year - 4, 4, 1),
        tmt_pns=tmt_cpns.replace(year=tmt_cpns.year + 1),
    )
    died_on = today - dt.timedelta(days=3)
    statement = tmp_path / "surat-keterangan-ahli-waris.pdf"
    statement.write_bytes(MINIMAL_PDF)

    # 1. The operator adds the widow on the family page.
    operator, page = sign_in(browser, live_server, "operator-duka")
    page.goto(f"/pegawai/{employee.pk}/")
    page.locator("#keluarga").get_by_role("link", name="Tambah suami/istri").click()
    page.wait_for_url(re.compile(r"/keluarga/pasangan/tambah/$"))
    page.fill("#id_name", "Sri Wahyuni")
    page.fill("#id_nik", "6471015203700002")
    page.fill("#id_birth_date", "1970-03-12")
    page.fill("#id_marriage_date", "1994-06-20")
    page.fill("#id_marriage_certificate", "123/45/VI/1994")
    page.fill("#id_email", WIDOW_EMAIL)
    shot(page, "1-spouse-form")
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(re.compile(rf"/pegawai/{employee.pk}/"))
    assert "Sri Wahyuni" in page.get_by_test_id("family-spouses").inner_text()
    shot(page, "2-employee-family")
    widow = Spouse.objects.get(employee=employee)

    # 2. A janda/duda record opened from the date of death.
    page.get_by_test_id("case-open").click()
    page.wait_for_url(re.compile(r"/berkas/buka/"))
    page.select_option("#id_kind", RetirementKind.DEATH)
    page.fill("#id_died_on", died_on.isoformat())
    page.fill("#id_last_income", "4797000")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(rf"/pegawai/{employee.pk}/$"))  # back where it was opened from
    shot(page, "3a-employee-record-opened")
    page.get_by_test_id("case-card").get_by_role("link", name="Buka berkas").click()
    page.wait_for_url(re.compile(r"/pegawai/berkas/\d+/$"))
    case = RetirementCase.objects.get(employee=employee)
    assert case.kind == RetirementKind.DEATH and case.died_on == died_on
    assert "Sri Wahyuni" in page.get_by_test_id("case-heirs").inner_text()
    assert page.get_by_test_id("case-family-link").get_attribute("href").endswith(f"/pegawai/{employee.pk}/#keluarga")
    shot(page, "3-case")

    # 3. The checklist of this kind, then its required documents uploaded.
    checklist = page.get_by_test_id("checklist")
    missing = checklist.locator("[data-state=missing]")
    codes = [item.get_attribute("data-testid").removeprefix("doc-") for item in missing.all()]
    assert codes, "a death record asks for documents"
    for code in codes:
        page.get_by_test_id(f"upload-{code}").click()
        form = page.get_by_test_id(f"doc-{code}").locator("form").first
        form.locator("input[type=file]").set_input_files(str(statement))
        form.locator("button[type=submit]").click()
        page.wait_for_selector(f"[data-testid=doc-{code}][data-state=done]")
    assert CaseDocument.objects.filter(case=case).count() == len(codes)
    assert checklist.locator("[data-state=missing]").count() == 0
    shot(page, "4-checklist-complete")

    # 4. The DPCP page lists what is empty or disagrees; the PDF made in the background, signed by the widow.
    page.get_by_role("link", name="DPCP", exact=True).click()
    page.wait_for_url(re.compile(r"/dpcp/$"))
    address_problem = page.locator('#dpcp-problems li[data-field="address_after_retirement"]')
    assert address_problem.count() == 1, "the address after retirement is still to be confirmed"
    shot(page, "5-dpcp-page")
    # Fixed here: the address after retirement (the widow's) saved from the DPCP page.
    page.fill("#id_address", "Jl. Merdeka 1, Balikpapan")
    page.locator("#alamat-pensiun button[type=submit]").click()
    page.wait_for_url(re.compile(r"/dpcp/$"))
    assert address_problem.count() == 0
    shot(page, "5a-dpcp-page-address-saved")
    page.get_by_role("link", name=re.compile("PDF")).first.click()
    page.wait_for_selector("[data-testid=document-progress]")
    shot(page, "6-dpcp-progress")
    document = GeneratedDocument.objects.get()
    generated_document_render(document_id=document.pk)  # as the worker would
    page.wait_for_selector("[data-testid=document-download]:visible")
    dpcp = " ".join(
        pdf_text(download(page, tmp_path, "dpcp.pdf", page.get_by_test_id("document-download").click), tmp_path).split()
    )
    assert "DATA PERORANGAN CALON PENERIMA PENSIUN" in dpcp
    assert "Sri Wahyuni" in dpcp and "Bambang Sutrisno" in dpcp
    (SCREENSHOTS / "death-case-dpcp.pdf").write_bytes((tmp_path / "dpcp.pdf").read_bytes())
    # The signatures side by side: "mengetahui" (the head, not yet in the officials register) and the heir.
    assert re.search(r"Ahli waris, (\.+ )?Sri Wahyuni", dpcp), "the widow signs the DPCP"
    assert "Pegawai yang bersangkutan" not in dpcp

    # 5. The cover letter for this record, then its PDF.
    page.goto("/acara/usul-pensiun/")
    page.check(f"#kasus-{case.pk}")
    page.fill("#id_attachments", "1")
    page.get_by_role("button", name="Terbitkan surat pengantar").click()
    page.wait_for_url("**/usul-pensiun/pengantar/*/")
    letter = PensionCoverLetter.objects.get()
    assert list(letter.cases.all()) == [case]
    assert letter.number in page.content()
    shot(page, "7-cover-letter")
    page.get_by_role("link", name=re.compile("PDF")).first.click()
    page.wait_for_selector("[data-testid=document-progress]")
    generated_document_render(document_id=GeneratedDocument.objects.latest("pk").pk)
    page.wait_for_selector("[data-testid=document-download]:visible")
    cover = pdf_text(
        download(page, tmp_path, "pengantar.pdf", page.get_by_test_id("document-download").click), tmp_path
    )
    cover = " ".join(cover.split())
    assert letter.number in cover and "Bambang Sutrisno" in cover and "Janda/Duda" in cover
    (SCREENSHOTS / "death-case-cover-letter.pdf").write_bytes((tmp_path / "pengantar.pdf").read_bytes())

    # 6. The tali asih prepared for the month of the record's TMT, made out to the widow with the statement.
    page.goto("/tht-tali-asih/siapkan/")
    page.check(f"input[name=benefit_type][value={BenefitType.TALI_ASIH}]")
    page.fill("#id_tmt_from", f"{case.tmt:%Y-%m}")
    page.fill("#id_tmt_until", f"{case.tmt:%Y-%m}")
    page.get_by_role("button", name=re.compile("Hitung")).click()
    assert "Bambang Sutrisno" in page.get_by_test_id("prepare-rows").inner_text()
    shot(page, "8-prepare")
    page.get_by_test_id("prepare-submit").click()
    page.wait_for_load_state()
    payout = Payout.objects.get(employee=employee, benefit_type=BenefitType.TALI_ASIH)
    page.goto(f"/tht-tali-asih/pembayaran/{payout.pk}/")
    page.select_option("#id_heir", f"spouse:{widow.pk}")
    page.set_input_files("#id_heir_statement", str(statement))
    page.get_by_test_id("payee-button").click()
    page.wait_for_selector("[data-testid=payee-line]")
    assert "Ibu Sri Wahyuni, istri" in page.get_by_test_id("payee-line").inner_text()
    assert page.get_by_test_id("payee-family-link").get_attribute("href").endswith(f"/pegawai/{employee.pk}/#keluarga")
    shot(page, "9-payout-heir")
    operator.close()

    # 7. Four eyes: verified, approved and paid by three other people.
    for username, button in [("verifikator-duka", "verify-button"), ("pimpinan-duka", "approve-button")]:
        context, page = sign_in(browser, live_server, username)
        page.goto(f"/tht-tali-asih/pembayaran/{payout.pk}/")
        page.get_by_test_id(button).click()
        page.wait_for_load_state()
        context.close()
    context, page = sign_in(browser, live_server, "bendahara-duka")
    page.goto(f"/tht-tali-asih/pembayaran/{payout.pk}/")
    form = page.get_by_test_id("pay-form")
    form.locator("input[name=method][value=transfer]").check()
    form.locator("#id_bank_name").fill("Bank Kaltimtara")
    form.locator("#id_account_number").fill("0012345678")
    form.locator("#id_account_holder").fill("Sri Wahyuni")
    form.locator("#id_paid_on").fill(today.isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and payout.payee == widow
    assert len({payout.prepared_by_id, payout.verified_by_id, payout.approved_by_id, payout.paid_by_id}) == 4
    shot(page, "10-payout-paid")
    context.close()

    # 8. The widow signs in on her phone with her own email and sees the tali asih paid to her.
    phone = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID")
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    page.goto("/portal/")
    page.wait_for_url(re.compile(r"/portal/masuk/"))
    page.fill("#id_identifier", WIDOW_EMAIL)
    shot(page, "11-portal-sign-in")
    page.click("[data-testid=send-link]")
    page.wait_for_selector("[data-testid=link-sent]")
    sent = messages_send().sent
    emails = [r.message for r in smtp_settings.wait_for(sent) if "Tautan masuk" in r.message["Subject"]]
    assert WIDOW_EMAIL in emails[-1]["To"]
    [link] = re.findall(
        re.escape(live_server.url) + r"/portal/masuk/tautan/\?sesame=\S+", emails[-1].get_body(("plain",)).get_content()
    )
    page.goto(link)
    page.click("[data-testid=sign-in]")
    page.wait_for_url(f"{live_server.url}/portal/")
    assert "Almarhum Bapak Bambang Sutrisno" in page.get_by_test_id("deceased").inner_text()
    card = page.get_by_test_id("payout").inner_text()
    assert "Rp 2.500.000" in card and "Dibayar" in card
    assert "sebagai ahli waris: Ibu Sri Wahyuni, istri" in card
    shot(page, "12-portal-widow")
    phone.close()
