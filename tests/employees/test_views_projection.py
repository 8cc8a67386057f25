"""Proyeksi purna tugas pages (employees/views/projection.py): page, print version, spreadsheet."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from employees.models import Employee
from employees.retirement import add_months
from employees.services.register import retirement_facts_refresh
from portal import demo
from tests.factories import EmployeeFactory, UnitKerjaFactory
from tests.generated_documents import fetch_document

pytestmark = pytest.mark.django_db

PAGES = ["employees:projection", "employees:projection_print", "employees:projection_xlsx"]


def month_ahead(months: int) -> dt.date:
    return add_months(timezone.localdate().replace(day=1), months)


@pytest.fixture
def retiring(db):
    dinas = UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")
    rsud = UnitKerjaFactory(code="RSUD", name="RSUD Kabupaten Contoh", parent=dinas)
    EmployeeFactory(unit=dinas, jenis_jabatan="pelaksana", tmt_pensiun=month_ahead(1))
    EmployeeFactory(unit=rsud, jenis_jabatan="fungsional", jenjang="ahli_muda", tmt_pensiun=month_ahead(1))
    EmployeeFactory(unit=rsud, jenis_jabatan="fungsional", jenjang="ahli_muda", tmt_pensiun=month_ahead(3))
    return {"dinas": dinas, "rsud": rsud}


@pytest.mark.parametrize("name", PAGES)
def test_operator_and_pimpinan_open_the_projection(client, operator, pimpinan, retiring, name):
    for user in (operator, pimpinan):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_user_without_role_is_refused(client, no_role_user, name):
    client.force_login(no_role_user)
    assert client.get(reverse(name)).status_code == 403


def test_page_has_charts_and_tables_with_drill_down_links(operator_client, retiring):
    response = operator_client.get(reverse("employees:projection"))
    page = response.content.decode()
    projection = response.context["projection"]

    assert projection.monthly.total.count == 3
    [row] = [r for r in projection.monthly_by_unit.rows if r.label == "Dinas Kesehatan"]
    assert [c.count for c in row.cells[:3]] == [2, 0, 1]  # the RSUD counted in its dinas
    assert page.count("<svg") == 2
    first = month_ahead(1)
    link = f"/pegawai/?status=aktif_mpp&amp;unit={retiring['dinas'].pk}&amp;tmt_from={first:%Y-%m}&amp;tmt_until={first:%Y-%m}"
    assert f'href="{link}"' in page


def test_bar_drill_down_lists_the_people_of_that_month(operator_client, retiring):
    chart = operator_client.get(reverse("employees:projection")).context["monthly_chart"]
    href = chart.bars[0].href

    listed = operator_client.get(href).context["object_list"]

    assert chart.bars[0].value == 2
    assert len(listed) == 2


def test_narrowing_to_a_unit_and_category_is_kept_in_the_links(operator_client, retiring):
    rsud = retiring["rsud"]
    response = operator_client.get(reverse("employees:projection"), {"unit": rsud.pk, "jenis_jabatan": "fungsional"})
    projection = response.context["projection"]

    assert [r.label for r in projection.monthly_by_unit.rows] == ["RSUD Kabupaten Contoh"]
    assert projection.monthly.total.count == 2
    assert f"unit={rsud.pk}" in projection.monthly.total.query
    assert "jenis_jabatan=fungsional" in projection.monthly.total.query
    assert f"?unit={rsud.pk}&amp;jenis_jabatan=fungsional" in response.content.decode()  # print and XLSX


def test_a_unit_outside_the_scope_is_refused_with_a_message(client, retiring):
    from purna import roles
    from tests.factories import UserFactory

    elsewhere = UnitKerjaFactory(code="DLH", name="Dinas Lingkungan Hidup")
    EmployeeFactory(unit=elsewhere, jenis_jabatan="pelaksana", tmt_pensiun=month_ahead(2))
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[retiring["dinas"]]))
    response = client.get(reverse("employees:projection"), {"unit": elsewhere.pk})
    page = response.content.decode()
    form = response.context["form"]
    assert 'data-testid="filter-errors"' in page and f"{form['unit'].label}: {form.errors['unit'][0]}" in page
    assert response.context["projection"].monthly.total.count == 3  # their own units' people, not the other's
    assert "Dinas Lingkungan Hidup" not in page


def test_print_version_is_a4_landscape_with_agency_and_date(operator_client, retiring):
    page = operator_client.get(reverse("employees:projection_print")).content.decode()

    # The page layout is in its own stylesheet (the Content-Security-Policy blocks inline <style>).
    assert "css/projection_print.css" in page
    assert "size: A4 landscape" in Path(finders.find("css/projection_print.css")).read_text()
    assert "BKPSDM Kabupaten Contoh" in page
    assert f"{timezone.localdate().year}" in page
    assert "<nav" not in page  # no menu on paper


def test_xlsx_holds_both_tables_per_month_and_per_year(operator_client, retiring, private_media):
    # Made in the background (run here at once: tests/generated_documents.py).
    response = fetch_document(operator_client, reverse("employees:projection_xlsx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert len(workbook.sheet_names) == 2
    monthly = workbook.get_sheet_by_index(0).to_python()
    labels = [row[0] for row in monthly]
    assert "Dinas Kesehatan" in labels and "Fungsional" in labels
    dinas = monthly[labels.index("Dinas Kesehatan")]
    assert dinas[1:4] == [2, 0, 1] and dinas[13] == 3  # 12 months, then the row's total
    totals = [row for row in monthly if row[0] in ("Total", "Jumlah")]
    assert len(totals) == 2 and all(row[13] == 3 for row in totals)


def test_projection_runs_the_same_queries_for_5_and_500_employees(client, operator, instansi_cache_warm):
    client.force_login(operator)
    units = demo.units_ensure()
    today = timezone.localdate()

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [reverse(name) for name in PAGES] + [f"{reverse('employees:projection')}?unit={units['DINKES'].pk}"]
    Employee.objects.bulk_create(demo.employees_build(5, today=today, units=units, seed=5))
    retirement_facts_refresh()
    small = [queries(url) for url in urls]
    Employee.objects.bulk_create(demo.employees_build(495, today=today, units=units, seed=495), ignore_conflicts=True)
    retirement_facts_refresh()
    large = [queries(url) for url in urls]

    assert large == small
    # The workbook's URL (the third) queues it and answers its progress page: the register's fingerprint
    # (five queries, none reading every employee: employees/document_kinds.py) and the document's row
    # (one, and three to create it) instead of the tables.
    assert large[2] <= 15 and "data-document-status" in client.get(urls[2]).content.decode()
    assert max(large[:2] + large[3:]) <= 10


def test_counts_are_written_with_thousands_separators(client, operator):
    client.force_login(operator)
    unit = UnitKerjaFactory()
    # 1,200 pelaksana (BUP 58) who all reach 58 in six months' time: 200 per birth date, so NIPs differ.
    first = add_months(timezone.localdate().replace(day=1), 6)
    births = [first.replace(year=first.year - 58, day=day) for day in range(1, 7)]
    Employee.objects.bulk_create(
        [EmployeeFactory.build(unit=unit, birth_date=birth) for birth in births for _ in range(200)]
    )
    assert retirement_facts_refresh() == 1200
    # Indonesian by default: "." groups thousands.
    indonesian = client.get(reverse("employees:projection")).content.decode()
    worklist = client.get(reverse("employees:retiring")).content.decode()
    assert "1.200 orang" in indonesian and ">1.200</a>" in indonesian
    assert "1.200 orang" in worklist
    client.cookies["django_language"] = "en"
    english_page = client.get(reverse("employees:projection")).content.decode()
    assert "1,200 people" in english_page
