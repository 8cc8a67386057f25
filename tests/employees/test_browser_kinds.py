"""A death in service in a real browser (Playwright, Debian's chromium): the operator opens the record from
the date of death and the record page shows the widow's pension, its first payment, the uang duka, the
heirs and the KPP."""

import datetime as dt
import re

import pytest
from django.conf import settings

from employees.models import RetirementCase, Spouse
from employees.retirement import add_months
from purna import formatting, roles
from tests.employees.case_fixtures import (
    first_of_month,
    make_employee,
    today_fixture,  # noqa: F401 (a fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


@pytest.mark.browser
def test_operator_records_a_death_and_sees_what_the_family_receives(page, live_server, role_user, today):
    role_user(roles.OPERATOR, username="operator-kinds", password="rahasia-uji-123")
    employee = make_employee(tmt=first_of_month(today, 30), name="Bambang Sutrisno", gender="1")
    Spouse.objects.create(employee=employee, name="Sri Wahyuni", order=1)
    died_on = today - dt.timedelta(days=1)
    folder = settings.BASE_DIR / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    page.goto(f"/akun/masuk/?next=/pegawai/{employee.pk}/berkas/buka/")
    page.fill("#id_username", "operator-kinds")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/berkas/buka/$"))
    page.select_option("#id_kind", "janda_duda")
    page.fill("#id_died_on", died_on.isoformat())
    page.fill("#id_last_income", "4500000")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/pegawai/berkas/\d+/$"))

    case = RetirementCase.objects.get(employee=employee)
    panel = page.get_by_test_id("case-kind-rules")
    text = panel.inner_text()
    assert formatting.tanggal(add_months(died_on.replace(day=1), 1)) in text
    assert formatting.bulan_tahun(case.pension_first_paid) in text
    assert "Rp 13.500.000" in text
    assert "Sri Wahyuni" in page.get_by_test_id("case-heirs").inner_text()
    assert page.get_by_test_id("case-kpp").is_visible()
    page.screenshot(path=folder / "case_kind_death.png", full_page=True)

    # The last income corrected on the facts page: the uang duka follows.
    panel.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/jenis/$"))
    page.fill("#id_last_income", "5000000")
    page.fill("#id_note", "Gaji terakhir menurut SKPP")
    page.screenshot(path=folder / "case_kind_facts_form.png", full_page=True)
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/pegawai/berkas/\d+/$"))
    assert "Rp 15.000.000" in page.get_by_test_id("case-kind-rules").inner_text()
