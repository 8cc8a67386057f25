"""A tali asih rate typed from a KORPRI decision on the staff page, in a real browser: a gap between
slabs is refused in Indonesian, the corrected table is saved (screenshots under var/screenshots)."""

import pytest
from django.conf import settings

from benefits.models import TaliAsihRate
from purna import roles
from tests.benefits.test_browser import PASSWORD, sign_in
from tests.factories import UserFactory

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


@pytest.fixture
def admin(db):
    return UserFactory(username="admin-tarif", roles=[roles.ADMIN], password=PASSWORD)


def test_a_rate_typed_as_the_decision_writes_it(page, live_server, admin):
    sign_in(page, live_server, "admin-tarif")
    page.goto("/tht-tali-asih/")
    page.get_by_role("link", name="Tarif baru").click()
    page.fill("#id_name", "Tali asih masa kerja 2026")
    page.fill("#id_decision_number", "KEP-01/DP-KORPRI/2026")
    page.fill("#id_effective_from", "2026-01-01")
    page.select_option("#id_basis", "masa_kerja")
    for n, (first, last, amount) in enumerate(
        [("5", "10", "1.000.000"), ("12", "20", "1.500.000"), ("21", "", "2.000.000")]
    ):
        page.fill(f"#id_band-{n}-first_year", first)
        page.fill(f"#id_band-{n}-last_year", last)
        page.fill(f"#id_band-{n}-amount", amount)
    page.get_by_role("button", name="Simpan").click()

    errors = page.get_by_test_id("band-errors")
    assert "Masa kerja 11 tahun tidak tercakup" in errors.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "benefits_rate_gap.png", full_page=True)
    assert not TaliAsihRate.objects.exists()

    page.fill("#id_band-1-first_year", "11")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"{live_server.url}/tht-tali-asih/")
    assert "5-10" in page.content() and "11-20" in page.content()
    page.screenshot(path=SCREENSHOTS / "benefits_rate_list.png", full_page=True)
    assert TaliAsihRate.objects.get().bands.count() == 3
