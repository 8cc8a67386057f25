"""The benefits' pages in a real browser: the Bendahara hands over a tali asih payout at a ceremony from
a phone; the payout list and a payout's page as the staff see them (screenshots under var/screenshots)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from benefits.models import BenefitType, Payout, PayoutStatus
from benefits.services import payouts as services
from purna import roles
from tests.factories import EmployeeFactory, EventFactory, ParticipantFactory, TaliAsihRateFactory, UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PASSWORD = "rahasia-uji-123"


def sign_in(page, live_server, username: str) -> None:
    page.goto("/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def ceremony(db):
    """A published farewell with three participants: one with an approved tali asih payout, one already
    paid elsewhere, one with nothing prepared."""
    staff = {
        name: UserFactory(username=name, roles=[role], password=PASSWORD)
        for name, role in [
            ("operator-b", roles.OPERATOR),
            ("verifikator-b", roles.VERIFIKATOR),
            ("pimpinan-b", roles.PIMPINAN),
            ("bendahara-b", roles.BENDAHARA),
        ]
    }
    TaliAsihRateFactory(amount=Decimal("20000000"), decision_number="800/7/KORPRI/2020")
    event = EventFactory(title="Pelepasan ASN Purna Tugas Juli 2025")
    people = [
        EmployeeFactory(name=name, tmt_pensiun=dt.date(2025, 7, 1), service_years=31)
        for name in ("Ahmad Yani", "Siti Rahayu", "Bambang Sutrisno")
    ]
    for person in people:
        ParticipantFactory(event=event, employee=person)
    payouts = []
    for person in people[:2]:
        payout = services.payout_prepare(
            employee=person, benefit_type=BenefitType.TALI_ASIH, actor=staff["operator-b"], event=event
        )
        payout = services.payout_verify(payout=payout, actor=staff["verifikator-b"])
        payouts.append(services.payout_approve(payout=payout, actor=staff["pimpinan-b"]))
    services.payout_pay(
        payout=payouts[1],
        actor=staff["bendahara-b"],
        method="transfer",
        paid_on=timezone.localdate(),
        bank_name="Bank Jateng",
        account_number="1234567890",
        account_holder="Siti R.",
    )
    return {"event": event, "payout": payouts[0], "paid": payouts[1], "staff": staff}


def test_the_bendahara_hands_over_a_tali_asih_payout_from_a_phone(browser, live_server, ceremony):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="id-ID")
    context.set_default_timeout(15_000)
    page = context.new_page()
    with translation.override("id"):
        hand_over, handed = gettext("Hand over"), gettext("Handed over")
    try:
        sign_in(page, live_server, "bendahara-b")
        page.goto(f"/tht-tali-asih/acara/{ceremony['event'].pk}/serah-terima/")
        row = page.locator(f"#serah-{ceremony['payout'].employee_id}")
        assert row.get_by_test_id("handover-button").inner_text() == hand_over
        assert page.get_by_test_id("handover-button").count() == 1

        row.get_by_test_id("handover-button").click()
        # Money changes hands: the amount is confirmed; Ahmad Yani is not checked in, so a representative
        # receives it, by name.
        confirm = row.get_by_test_id("handover-confirm")
        confirm.wait_for()
        assert "Rp 20.000.000" in confirm.inner_text()
        confirm.locator('input[name="representative"]').fill("Rina Wulandari")
        row.get_by_test_id("handover-confirm-button").click()

        page.locator(f"#serah-{ceremony['payout'].employee_id} .btn-success").wait_for()
        assert handed in page.locator(f"#serah-{ceremony['payout'].employee_id}").inner_text()
        assert page.get_by_test_id("handover-button").count() == 0
        # The row was swapped in place: the page was not reloaded, so the totals are read after a reload.
        page.reload()
        assert page.get_by_test_id("total-handed").inner_text() == "Rp 20.000.000"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "benefits_handover.png", full_page=True)
        paid = Payout.objects.get(pk=ceremony["payout"].pk)
        assert (paid.status, paid.event_id, paid.paid_by.username) == (
            PayoutStatus.PAID,
            ceremony["event"].pk,
            "bendahara-b",
        )
        assert "Rina Wulandari" in paid.status_changes.get(to_status=PayoutStatus.PAID).note

        # A wrong tap: the hand-over is undone on the day, with a reason, after a confirmation that shows
        # the amount; the row offers "Hand over" again.
        row = page.locator(f"#serah-{ceremony['payout'].employee_id}")
        row.get_by_test_id("handover-undo").locator("summary").click()
        undo_button = row.get_by_test_id("handover-undo-button")
        undo_button.wait_for()
        assert "Rp 20.000.000" in row.get_by_test_id("handover-undo").inner_text()
        page.screenshot(path=SCREENSHOTS / "benefits_handover_undo.png", full_page=True)
        row.locator('input[name="reason"]').fill("Diserahkan kepada orang yang salah")
        undo_button.click()
        page.locator(f"#serah-{ceremony['payout'].employee_id} [data-testid=handover-button]").wait_for()
        assert page.get_by_test_id("handover-button").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
    undone = Payout.objects.get(pk=ceremony["payout"].pk)
    assert (undone.status, undone.paid_at) == (PayoutStatus.APPROVED, None)
    assert "orang yang salah" in undone.status_changes.last().note


def test_the_payout_list_and_a_payout_page(page, live_server, ceremony):
    sign_in(page, live_server, "pimpinan-b")

    page.goto("/tht-tali-asih/pembayaran/")
    assert page.get_by_test_id("payout-row").count() == 2
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "benefits_payouts.png", full_page=True)

    page.goto(f"/tht-tali-asih/pembayaran/{ceremony['paid'].pk}/")
    assert page.get_by_test_id("payout-amount").inner_text() == "Rp 20.000.000"
    assert page.get_by_test_id("payout-terbilang").inner_text() == "dua puluh juta rupiah"
    assert page.get_by_test_id("holder-mismatch").is_visible()
    page.screenshot(path=SCREENSHOTS / "benefits_payout_detail.png", full_page=True)


def test_the_operator_counts_a_ceremonys_retirees_before_preparing(page, live_server, ceremony):
    sign_in(page, live_server, "operator-b")

    page.goto("/tht-tali-asih/siapkan/")
    page.check("input[name=benefit_type][value=tali_asih]")
    page.select_option("#id_event", str(ceremony["event"].pk))
    page.get_by_test_id("prepare-form").locator("button[type=submit]").click()

    # Two of the three participants already have a tali asih payout.
    assert page.get_by_test_id("prepare-count").inner_text().startswith("1 ")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "benefits_prepare.png", full_page=True)

    page.get_by_test_id("prepare-submit").click()
    page.wait_for_url("**/pembayaran/?status=draf*")
    assert page.get_by_test_id("payout-row").count() == 1
    page.goto("/tht-tali-asih/tht/")
    assert page.get_by_test_id("tht-row").count() == 3
    page.screenshot(path=SCREENSHOTS / "benefits_tht.png", full_page=True)
