"""The report of BKN's BTL and TMS answers by month and unit (employees/selectors/bkn_answers.py, its page
and its workbook): months in the agency's time zone, reasons grouped, the staff scope, fixed queries."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from employees.choices import CaseStatus as S
from employees.models import CaseStatusChange
from employees.retirement import add_months
from employees.scope import Scope
from employees.selectors.bkn_answers import bkn_answer_report
from purna import roles
from tests.employees.case_fixtures import in_english
from tests.factories import RetirementCaseFactory, UnitKerjaFactory, UserFactory
from tests.generated_documents import fetch_document

D = dt.date
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
TODAY = D(2026, 5, 20)


def answer(case, status: str, note: str, at: dt.datetime) -> CaseStatusChange:
    change = CaseStatusChange.objects.create(case=case, from_status=S.PROPOSED, to_status=status, note=note)
    CaseStatusChange.objects.filter(pk=change.pk).update(at=at)
    return change


@pytest.fixture
def units(db):
    return {"a": UnitKerjaFactory(name="Dinas Pendidikan"), "b": UnitKerjaFactory(name="Dinas Kesehatan")}


@pytest.fixture
def answers(units):
    case_a = RetirementCaseFactory(employee__unit=units["a"], status=S.INCOMPLETE)
    case_a2 = RetirementCaseFactory(employee__unit=units["a"], status=S.NOT_ELIGIBLE)
    case_b = RetirementCaseFactory(employee__unit=units["b"], status=S.INCOMPLETE)
    at = lambda *args: dt.datetime(*args, tzinfo=WIB)  # noqa: E731
    answer(case_a, S.INCOMPLETE, "SKP tidak dilampirkan", at(2026, 5, 1, 0, 30))  # 30 April in UTC
    answer(case_a2, S.INCOMPLETE, " skp tidak dilampirkan ", at(2026, 5, 19, 10))
    answer(case_a2, S.NOT_ELIGIBLE, "Masa kerja kurang", at(2026, 5, 19, 11))
    answer(case_a, S.INCOMPLETE, "DPCP belum ditandatangani", at(2026, 4, 30, 23, 59))
    answer(case_b, S.INCOMPLETE, "Akta nikah tidak ada", at(2025, 6, 1, 0, 0))  # the first month shown
    answer(case_b, S.INCOMPLETE, "Terlalu lama", at(2025, 5, 31, 23, 59))  # 12 months ago: out
    # Other moves are not answers.
    CaseStatusChange.objects.create(case=case_b, from_status=S.PREPARING, to_status=S.PROPOSED, note="x")
    return {"a": case_a, "b": case_b}


def test_answers_are_counted_by_month_in_the_agencys_time_zone(answers):
    report = bkn_answer_report(scope=Scope(None), today=TODAY)

    assert (report.start, report.until) == (D(2025, 6, 1), D(2026, 6, 1))
    assert len(report.months) == 12
    totals = {month.month: (month.btl, month.tms) for month in report.months}
    assert totals[D(2026, 5, 1)] == (2, 1)
    assert totals[D(2026, 4, 1)] == (1, 0)
    assert totals[D(2025, 6, 1)] == (1, 0)
    assert (report.total_btl, report.total_tms) == (4, 1)


def test_reasons_are_grouped_by_month_unit_and_answer(answers):
    rows = bkn_answer_report(scope=Scope(None), today=TODAY).rows
    may = [(r.unit, r.status_label, r.reason.lower(), r.count) for r in rows if r.month == D(2026, 5, 1)]
    assert may == [
        ("Dinas Pendidikan", "BTL", "skp tidak dilampirkan", 2),
        ("Dinas Pendidikan", "TMS", "masa kerja kurang", 1),
    ]
    assert rows[0].month == D(2025, 6, 1) and rows[0].unit == "Dinas Kesehatan"
    assert rows[0].month_label == "Juni 2025"


def test_the_report_holds_only_the_staff_members_units(client, units, answers, private_media):
    client.force_login(UserFactory(username="op-a", roles=[roles.OPERATOR], units=[units["a"]]))
    in_english(client)

    page = client.get(reverse("employees:bkn_answers"))

    assert page.status_code == 200
    report = page.context["report"]
    assert {row.unit for row in report.rows} == {"Dinas Pendidikan"}
    assert "Dinas Kesehatan" not in page.content.decode()
    assert 'id="chart-btl-title"' in page.content.decode()

    workbook = fetch_document(client, reverse("employees:bkn_answers_xlsx")).content
    book = CalamineWorkbook.from_filelike(io.BytesIO(workbook))
    cells = [cell for name in book.sheet_names for line in book.get_sheet_by_name(name).to_python() for cell in line]
    assert "Dinas Pendidikan" in cells and "Dinas Kesehatan" not in cells


def test_the_workbook_holds_the_months_and_the_reasons(client, units, answers, private_media):
    client.force_login(UserFactory(username="admin", roles=[roles.ADMIN], units="all"))
    in_english(client)

    response = fetch_document(client, reverse("employees:bkn_answers_xlsx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["Per month", "Reasons"]
    months = book.get_sheet_by_name("Per month").to_python()
    assert months[0] == ["Month", "BTL", "TMS"]
    this_month = timezone.localdate().replace(day=1)
    assert len(months) == 14  # header, 12 months, total
    assert months[-1][0] == "Total"
    assert months[12][0].endswith(str(this_month.year))
    reasons = book.get_sheet_by_name("Reasons").to_python()
    assert reasons[0] == ["Month", "Work unit", "BKN's answer", "Reason", "Count"]
    # The fixture's dates are fixed; what lies inside this run's window is what the page shows.
    expected = bkn_answer_report(scope=Scope(None)).rows
    assert [(r[1], r[2], r[3], r[4]) for r in reasons[1:]] == [
        (row.unit, row.status_label, row.reason, row.count) for row in expected
    ]


def test_the_page_runs_the_same_queries_for_few_and_many_answers(client, units):
    client.force_login(UserFactory(username="op-a", roles=[roles.OPERATOR], units=[units["a"]]))
    url = reverse("employees:bkn_answers")
    now = timezone.now()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get(url)  # warm the session and permission caches
    case = RetirementCaseFactory(employee__unit=units["a"])
    answer(case, S.INCOMPLETE, "Satu", now)
    few = queries()
    for index in range(30):
        other = RetirementCaseFactory(employee__unit=units["a"] if index % 2 else units["b"])
        answer(other, S.INCOMPLETE if index % 3 else S.NOT_ELIGIBLE, f"Alasan {index % 7}", now)
    assert queries() == few
    assert bkn_answer_report(scope=Scope(frozenset({units["a"].pk}))).total_btl >= 2


def test_the_report_needs_its_permission(client, no_role_user, units):
    url = reverse("employees:bkn_answers")
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403
    assert client.get(reverse("employees:bkn_answers_xlsx")).status_code == 403


def test_a_month_end_and_december_fall_in_their_month(units):
    case = RetirementCaseFactory(employee__unit=units["a"])
    answer(case, S.INCOMPLETE, "Akhir tahun", dt.datetime(2025, 12, 31, 23, 59, tzinfo=WIB))
    answer(case, S.INCOMPLETE, "Awal tahun", dt.datetime(2026, 1, 1, 0, 0, tzinfo=WIB))
    report = bkn_answer_report(scope=Scope(None), today=D(2026, 1, 15))
    assert add_months(report.start, 12) == report.until == D(2026, 2, 1)
    totals = {month.month: month.btl for month in report.months}
    assert (totals[D(2025, 12, 1)], totals[D(2026, 1, 1)]) == (1, 1)
