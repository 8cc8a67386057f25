"""A pensioner's death and BKN's pertek in a real browser (Playwright, Debian's chromium): the operator
records the death from the pensioner's page, sees the pensiun terusan months, the widow's pension and the
masa kerja of the deceased; then records BKN's pertek on a proposed record from its card."""

import datetime as dt
import re

import pytest
from django.conf import settings

from employees.choices import CaseStatus, RetirementKind
from employees.models import RetirementCase
from employees.retirement import add_months
from employees.services.cases import retirement_case_open, retirement_case_transition
from purna import formatting, roles
from tests.employees.case_fixtures import (
    checklist_complete,
    first_of_month,
    make_employee,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.employees.test_pensiun_terusan import pensioner  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


@pytest.mark.browser
def test_operator_records_a_pensioners_death_then_a_pertek(page, live_server, role_user, actor, today, pensioner):  # noqa: F811
    role_user(roles.OPERATOR, username="operator-terusan", password="rahasia-uji-123")
    folder = settings.BASE_DIR / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    died_on = today - dt.timedelta(days=2)

    page.goto(f"/akun/masuk/?next=/pegawai/{pensioner.pk}/")
    page.fill("#id_username", "operator-terusan")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(rf"/pegawai/{pensioner.pk}/$"))
    page.get_by_test_id("case-open-terusan").click()
    page.wait_for_url(re.compile(r"/berkas/buka/"))
    assert page.input_value("#id_kind") == RetirementKind.PENSIONER_DEATH
    page.fill("#id_died_on", died_on.isoformat())
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(rf"/pegawai/{pensioner.pk}/"))

    case = RetirementCase.objects.get(employee=pensioner)
    assert case.kind == RetirementKind.PENSIONER_DEATH
    service = page.get_by_test_id("service-length").inner_text()
    assert "TMT pensiun" in service
    page.goto(f"/pegawai/berkas/{case.pk}/")
    panel = page.get_by_test_id("case-kind-rules").inner_text()
    month = died_on.replace(day=1)
    # The four months of pensiun terusan are named as months.
    assert formatting.rentang_bulan(add_months(month, 1), add_months(month, 4)) in panel
    assert formatting.tanggal(case.pension_from) in panel and "Ahmad Fauzi" in panel
    page.screenshot(path=folder / "case_pensiun_terusan.png", full_page=True)

    # BKN's pertek on a proposed record, from the card's step.
    employee = make_employee(tmt=first_of_month(today, 10), name="Bambang Sutrisno", gender="1")
    proposed = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    checklist_complete(proposed)
    retirement_case_transition(case=proposed, to_status=CaseStatus.PROPOSED, actor=actor, proposed_on=today)
    page.goto(f"/pegawai/berkas/{proposed.pk}/")
    page.get_by_test_id(f"step-{CaseStatus.PERTEK}").click()
    page.fill(f"#pertek-number-{proposed.pk}-step", "AR-03.01/777/KR.VIII/2026")
    page.fill(f"#pertek-date-{proposed.pk}-step", today.isoformat())
    page.screenshot(path=folder / "case_pertek_modal.png", full_page=True)
    page.get_by_test_id(f"confirm-{CaseStatus.PERTEK}").click()
    page.wait_for_load_state()
    page.get_by_test_id("case-status").wait_for()
    assert "Pertek BKN terbit" in page.get_by_test_id("case-status").inner_text()
    page.screenshot(path=folder / "case_pertek_done.png", full_page=True)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.pertek_number) == (CaseStatus.PERTEK, "AR-03.01/777/KR.VIII/2026")
