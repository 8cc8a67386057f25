"""The SIASN reconciliation in a real browser: an operator uploads SIASN's pension list, reads the
comparison and applies its updates."""

import pytest
from django.conf import settings

from employees.choices import CaseStatus
from tests.employees.siasn_fixtures import siasn_csv, sk_row, world_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db]


@pytest.mark.browser
def test_operator_uploads_a_siasn_list_and_applies_it(page, live_server, world, tmp_path):
    operator = world["operator"]
    operator.set_password("rahasia-uji-123")
    operator.save()
    case = world["proposed"]
    listing = tmp_path / "daftar-pensiun-siasn.csv"
    listing.write_bytes(
        siasn_csv(
            [
                sk_row(case.employee),
                sk_row(world["other_unit"].employee),
                {"NIP": world["no_record"].nip, "status usulan": "BTL", "TMT pensiun": "01-01-2027"},
                sk_row(case.employee, NIP="197001012000011999"),
            ]
        )
    )
    screenshots = settings.BASE_DIR / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)

    page.goto("/akun/masuk/?next=/pegawai/berkas/siasn/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pegawai/berkas/siasn/")
    page.screenshot(path=screenshots / "siasn_upload.png", full_page=True)
    page.locator("input[type=file]").set_input_files(str(listing))
    page.get_by_test_id("siasn-form").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/pegawai/berkas/siasn/*/")
    assert page.get_by_test_id("siasn-update").is_visible()
    assert page.get_by_test_id("siasn-unknown").inner_text().count("197") >= 1
    page.screenshot(path=screenshots / "siasn_compared.png", full_page=True)

    page.get_by_test_id("siasn-apply").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("siasn-applied").is_visible()
    page.screenshot(path=screenshots / "siasn_applied.png", full_page=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.SK_ISSUED


@pytest.mark.browser
def test_operator_applies_btl_with_its_reason_and_sees_a_tms_that_needs_one(page, live_server, world, tmp_path):
    from tests.employees.siasn_fixtures import TMT, D
    from tests.factories import EmployeeFactory, RetirementCaseFactory

    operator = world["operator"]
    operator.set_password("rahasia-uji-123")
    operator.save()
    btl = world["proposed"]
    tms = RetirementCaseFactory(
        employee=EmployeeFactory(unit=world["unit_a"]), tmt=TMT, status=CaseStatus.PROPOSED, proposed_on=D(2026, 3, 1)
    )
    listing = tmp_path / "usulan-btl-tms.csv"
    headers = ["nip_baru", "status_usulan", "keterangan"]
    listing.write_bytes(
        siasn_csv(
            [
                {"nip_baru": btl.employee.nip, "status_usulan": "BTL", "keterangan": "SKP 2025 belum dilampirkan"},
                {"nip_baru": tms.employee.nip, "status_usulan": "TMS", "keterangan": ""},
            ],
            headers,
        )
    )
    screenshots = settings.BASE_DIR / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)

    page.goto("/akun/masuk/?next=/pegawai/berkas/siasn/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pegawai/berkas/siasn/")
    page.locator("input[type=file]").set_input_files(str(listing))
    page.get_by_test_id("siasn-form").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/pegawai/berkas/siasn/*/")
    assert "SKP 2025 belum dilampirkan" in page.get_by_test_id("siasn-update").inner_text()
    assert "tanpa alasan dari BKN" in page.get_by_test_id("siasn-conflict").inner_text()
    page.screenshot(path=screenshots / "siasn_btl_tms.png", full_page=True)

    page.get_by_test_id("siasn-apply").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("siasn-applied").is_visible()
    btl.refresh_from_db()
    tms.refresh_from_db()
    assert (btl.status, tms.status) == (CaseStatus.INCOMPLETE, CaseStatus.PROPOSED)
