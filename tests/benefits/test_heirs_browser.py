"""The operator makes the widow the payee of her late husband's tali asih on the payout page, in a real
browser (Debian's chromium through Playwright), uploading the heir statement; the page then names her.
Screenshot under var/screenshots."""

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from benefits.models import BenefitType, Payout
from benefits.services import payouts as services
from employees.choices import EmployeeStatus, Gender
from employees.models import Spouse
from purna import roles
from tests.benefits.test_browser import PASSWORD, sign_in
from tests.factories import MINIMAL_PDF, EmployeeFactory, TaliAsihRateFactory, UnitKerjaFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def test_the_operator_makes_the_widow_the_payee(page, live_server, private_media, tmp_path):
    unit = UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")
    TaliAsihRateFactory()
    operator = UserFactory(username="operator-uji", roles=[roles.OPERATOR], password=PASSWORD)
    employee = EmployeeFactory(
        unit=unit,
        name="Ahmad Yani",
        status=EmployeeStatus.MENINGGAL,
        gender=Gender.MALE,
        tmt_pensiun=dt.date(2025, 7, 1),
        service_years=30,
    )
    widow = Spouse.objects.create(employee=employee, name="Siti Aminah", nik="6471014107700001")
    payout = services.payout_prepare(employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=operator)
    statement = tmp_path / "surat-ahli-waris.pdf"
    statement.write_bytes(MINIMAL_PDF)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server, "operator-uji")
    page.goto(reverse("benefits:payout_detail", args=[payout.pk]))
    page.select_option("#id_heir", f"spouse:{widow.pk}")
    page.set_input_files("#id_heir_statement", str(statement))
    page.click("[data-testid=payee-button]")
    page.wait_for_selector("[data-testid=payee-line]")

    assert "Ibu Siti Aminah, istri" in page.locator("[data-testid=payee-line]").inner_text()
    assert "Diterima oleh ahli waris: Ibu Siti Aminah, istri" in page.locator("[data-testid=timeline]").inner_text()
    page.screenshot(path=SCREENSHOTS / "benefits-payout-heir.png", full_page=True)
    assert Payout.objects.get(pk=payout.pk).payee == widow
