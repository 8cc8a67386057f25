"""The retirement records in a real browser (Playwright, Debian's chromium): an operator opens, fills
and moves a record from the work list."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from employees.choices import CaseStatus, RetirementKind
from employees.models import DocumentType, RetirementCase
from employees.retirement import add_months
from employees.selectors import CASE_NONE
from employees.services.register import retirement_facts_refresh
from purna import formatting, roles
from tests.employees.case_fixtures import (
    checklist_complete,
    month_ahead,
    png_bytes,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import EmployeeFactory, UnitKerjaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


# --- In a real browser --------------------------------------------------------------------------------


@pytest.mark.browser
def test_operator_opens_a_record_uploads_a_photo_and_proposes_it(page, live_server, role_user, private_media, today):
    role_user(roles.OPERATOR, username="operator-browser", password="rahasia-uji-123", first_name="Rina")
    tmt = month_ahead(today, 5)
    employee = EmployeeFactory(name="Siti Aminah", birth_date=add_months(tmt, -58 * 12 - 1).replace(day=10))
    retirement_facts_refresh(employee_ids=[employee.pk])
    photo = private_media.parent / "pas-foto.png"
    photo.write_bytes(png_bytes())
    screenshots = settings_screenshots()

    page.goto("/akun/masuk/?next=/pegawai/akan-purna-tugas/")
    page.fill("#id_username", "operator-browser")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pegawai/akan-purna-tugas/")
    row = page.get_by_test_id(f"row-{employee.pk}")
    assert row.get_by_test_id("overdue").is_visible()  # five months ahead and no record yet
    page.screenshot(path=screenshots / "case_worklist.png", full_page=True)

    row.get_by_test_id(f"open-{employee.pk}").click()
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/pegawai/berkas/\d+/$"))
    case = RetirementCase.objects.get(employee=employee)
    assert page.url.endswith(reverse("employees:case_detail", args=[case.pk]))
    with translation.override("id"):
        assert page.get_by_test_id("case-status").inner_text() == str(CaseStatus.PREPARING.label)

    page.get_by_test_id("upload-pas-foto").click()
    form = page.locator(f"#upload-{case.pk}-{DocumentType.objects.get(code='pas-foto').pk}")
    form.locator("input[type=file]").set_input_files(str(photo))
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("doc-pas-foto").get_attribute("data-state") == "done"
    assert page.locator(".alert-success").is_visible()

    # The other required documents are still missing: the dialog lists them and the proposal is refused.
    page.get_by_test_id("step-diusulkan").click()
    page.get_by_test_id("confirm-diusulkan").wait_for(state="visible")
    assert "KARPEG" in page.locator(f"#step-{case.pk}-diusulkan").get_by_test_id("checklist-missing").inner_text()
    page.screenshot(path=screenshots / "case_confirm_missing.png")
    page.get_by_test_id("confirm-diusulkan").click()
    page.wait_for_load_state()
    assert "KARPEG" in page.locator(".invalid-feedback, .alert-danger, .alert-block").first.inner_text()
    case.refresh_from_db()
    assert case.status == CaseStatus.PREPARING

    checklist_complete(case)
    page.goto(reverse("employees:case_detail", args=[case.pk]))
    page.get_by_test_id("step-diusulkan").click()
    page.get_by_test_id("confirm-diusulkan").wait_for(state="visible")
    page.screenshot(path=screenshots / "case_confirm.png")
    page.get_by_test_id("confirm-diusulkan").click()
    page.wait_for_load_state()

    steps = page.get_by_test_id("case-steps").locator("li")
    assert [steps.nth(i).get_attribute("data-state") for i in range(4)] == ["done", "current", "todo", "todo"]
    history = page.get_by_test_id("case-history").locator("li")
    assert history.count() == 2
    assert "Rina" in history.nth(1).inner_text()
    case.refresh_from_db()
    assert (case.status, case.proposed_on) == (CaseStatus.PROPOSED, today)
    assert page.get_by_test_id("overdue").count() == 0  # proposed in time is no longer late
    page.screenshot(path=screenshots / "case_detail.png", full_page=True)


@pytest.mark.browser
def test_an_aps_opened_from_the_work_list_moves_to_its_own_tmt(page, live_server, role_user, today):
    """The list reads its copy of the record: opening one changes the row's status, place and filters."""
    role_user(roles.OPERATOR, username="operator-aps", password="rahasia-uji-123", first_name="Dewi")
    unit = UnitKerjaFactory(name="Dinas Lingkungan Hidup")
    people = {}
    for name, months in [("Bambang Sutrisno", 5), ("Sri Wahyuni", 8)]:
        tmt = month_ahead(today, months)
        people[name] = EmployeeFactory(name=name, unit=unit, birth_date=add_months(tmt, -58 * 12 - 1).replace(day=10))
    retirement_facts_refresh()
    sri = people["Sri Wahyuni"]
    aps_tmt = month_ahead(today, 2)
    screenshots = settings_screenshots()

    page.goto(f"/akun/masuk/?next=/pegawai/akan-purna-tugas/%3Fstatus%3D{CASE_NONE}")
    page.fill("#id_username", "operator-aps")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/pegawai/akan-purna-tugas/"))
    table = page.get_by_test_id("worklist")
    assert table.locator("tbody tr").count() == 2

    table.get_by_test_id(f"open-{sri.pk}").click()
    page.select_option("#id_kind", RetirementKind.APS)
    page.fill("#id_tmt", aps_tmt.isoformat())
    page.fill("#id_note", "Permohonan APS tanggal 3")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/pegawai/berkas/\d+/$"))

    # Without filters Sri now comes first, on the APS's TMT, with the record's status.
    page.goto("/pegawai/akan-purna-tugas/")
    rows = page.get_by_test_id("worklist").locator("tbody tr")
    assert rows.first.get_attribute("data-testid") == f"row-{sri.pk}"
    with translation.override("id"):
        assert str(CaseStatus.PREPARING.label) in rows.first.inner_text()
        assert formatting.tanggal(aps_tmt) in rows.first.inner_text()
        assert str(RetirementKind.APS.label) in rows.first.inner_text()
    page.screenshot(path=screenshots / "case_worklist_aps.png", full_page=True)

    page.select_option("#id_status", CASE_NONE)
    page.get_by_role("button", name=re.compile("Tampilkan|Show")).click()
    page.wait_for_load_state()
    rows = page.get_by_test_id("worklist").locator("tbody tr")
    assert [rows.nth(i).get_attribute("data-testid") for i in range(rows.count())] == [
        f"row-{people['Bambang Sutrisno'].pk}"
    ]


def settings_screenshots():
    from django.conf import settings

    folder = settings.BASE_DIR / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
