"""BKN's answers in a real browser (Playwright, Debian's chromium): an operator records a BTL with BKN's
reason, proposes again, and reads the BTL/TMS report."""

import pytest
from django.urls import reverse

from employees.choices import CaseStatus, RetirementKind
from employees.services.cases import retirement_case_open, retirement_case_transition
from purna import roles
from tests.employees.case_fixtures import (
    checklist_complete,
    make_employee,
    month_ahead,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.employees.test_browser import settings_screenshots

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


def test_operator_records_a_btl_proposes_again_and_reads_the_report(page, live_server, role_user, today):
    operator = role_user(roles.OPERATOR, username="operator-btl", password="rahasia-uji-123", first_name="Rina")
    employee = make_employee(tmt=month_ahead(today, 8))
    case = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=operator)
    checklist_complete(case)
    retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=operator)
    screenshots = settings_screenshots()

    page.goto(f"/akun/masuk/?next={reverse('employees:case_detail', args=[case.pk])}")
    page.fill("#id_username", "operator-btl")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{reverse('employees:case_detail', args=[case.pk])}")

    page.get_by_test_id("step-btl").click()
    dialog = page.locator(f"#step-{case.pk}-btl")
    dialog.locator("textarea[name=note]").wait_for(state="visible")
    dialog.locator("textarea[name=note]").fill("SKP tahun 2025 belum ditandatangani pejabat penilai")
    page.screenshot(path=screenshots / "case_btl_confirm.png")
    page.get_by_test_id("confirm-btl").click()
    page.wait_for_load_state()

    answer = page.get_by_test_id("bkn-answer")
    assert "SKP tahun 2025 belum ditandatangani" in answer.inner_text()
    page.screenshot(path=screenshots / "case_btl.png", full_page=True)

    page.get_by_test_id("step-diusulkan").click()
    page.get_by_test_id("confirm-diusulkan").wait_for(state="visible")
    page.get_by_test_id("confirm-diusulkan").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("proposal-count").is_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED

    page.goto(reverse("employees:bkn_answers"))
    table = page.get_by_test_id("bkn-answer-reasons")
    assert "SKP tahun 2025 belum ditandatangani" in table.inner_text()
    assert page.locator("#chart-btl-title").count() == 1
    page.screenshot(path=screenshots / "bkn_answer_report.png", full_page=True)
