"""The pension papers' pages in a real browser: the DPCP page lists what to fix before printing, the list
picks records for a collective cover letter (screenshots under var/screenshots)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from ceremonies.models import PensionCoverLetter
from portal.demo import instansi_ensure
from purna import roles
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory, UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PASSWORD = "rahasia-uji-123"


def test_the_dpcp_page_and_a_collective_cover_letter(page, live_server, private_media):
    instansi_ensure()
    unit = UnitKerjaFactory(code="PP-BR", name="Dinas Pendidikan")
    UserFactory(username="operator-pp", roles=[roles.OPERATOR], units=[unit], password=PASSWORD)
    cases = []
    for n, name in enumerate(["Siti Aminah", "Bambang Prakoso"]):
        birth = dt.date(1967, 5, 12 + n)
        employee = EmployeeFactory(
            name=name,
            unit=unit,
            birth_date=birth,
            tmt_cpns=dt.date(1992, 3, 1),
            gender="2",
            nip=f"{birth:%Y%m%d}1992032{n + 1:03d}",
            last_basic_salary=None if n == 0 else Decimal("4797000"),
            address="Jl. Merdeka 1",
            tmt_golongan=dt.date(2018, 4, 1),
            tmt_pns=dt.date(1993, 3, 1),
        )
        cases.append(RetirementCaseFactory(employee=employee, tmt=dt.date(2025, 6, 1)))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto("/akun/masuk/")
    page.fill("#id_username", "operator-pp")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"/acara/usul-pensiun/berkas/{cases[0].pk}/dpcp/")
    problems = page.locator("#dpcp-problems li")
    assert problems.count() >= 2
    assert page.locator('#dpcp-problems li[data-field="last_basic_salary"] a').count() == 1
    page.screenshot(path=SCREENSHOTS / "pension_dpcp.png", full_page=True)

    page.goto("/acara/usul-pensiun/")
    page.check(f"#kasus-{cases[0].pk}")
    page.check(f"#kasus-{cases[1].pk}")
    page.fill("#id_attachments", "2")
    page.screenshot(path=SCREENSHOTS / "pension_papers.png", full_page=True)
    page.get_by_role("button", name="Terbitkan surat pengantar").click()
    page.wait_for_url("**/usul-pensiun/pengantar/*/")
    letter = PensionCoverLetter.objects.get()
    assert set(letter.cases.all()) == set(cases) and letter.attachments == 2
    assert letter.number in page.content()
    page.screenshot(path=SCREENSHOTS / "pension_cover_letter.png", full_page=True)
