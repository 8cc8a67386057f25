"""The home page (portal/dashboard.py): head counts and the SVG chart whose bars open the list."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employees.models import Employee
from employees.retirement import add_months
from employees.services.register import retirement_facts_refresh
from portal import demo
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def month_ahead(months: int):
    return add_months(timezone.localdate().replace(day=1), months)


def test_chart_bars_link_to_the_people_retiring_that_month(operator_client):
    EmployeeFactory(name="Siti Aminah", tmt_pensiun=month_ahead(2))
    EmployeeFactory(name="Budi Santoso", tmt_pensiun=month_ahead(2), status="pensiun")
    EmployeeFactory(name="Rina Wati", tmt_pensiun=month_ahead(5))

    response = operator_client.get(reverse("dashboard"))
    chart = response.context["chart"]
    page = response.content.decode()

    assert [bar.value for bar in chart.bars][:6] == [0, 1, 0, 0, 1, 0]
    month = month_ahead(2)
    assert chart.bars[1].href == f"/pegawai/?status=aktif_mpp&tmt_from={month:%Y-%m}&tmt_until={month:%Y-%m}"
    assert 'class="bar-chart-svg' in page and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    listed = operator_client.get(chart.bars[1].href).context["object_list"]
    assert [employee.name for employee in listed] == ["Siti Aminah"]


def test_empty_year_says_so(operator_client):
    EmployeeFactory(tmt_pensiun=month_ahead(30))

    response = operator_client.get(reverse("dashboard"))

    assert response.context["summary"].retiring_12_months == 0
    assert "<svg" not in response.content.decode()


def test_pimpinan_sees_the_dashboard_and_no_role_does_not(client, pimpinan, no_role_user):
    client.force_login(pimpinan)
    assert client.get(reverse("dashboard")).status_code == 200
    client.force_login(no_role_user)
    assert client.get(reverse("dashboard")).status_code == 403


def test_dashboard_runs_the_same_queries_for_5_and_500_employees(client, operator, django_assert_max_num_queries):
    client.force_login(operator)
    units = demo.units_ensure()
    today = timezone.localdate()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard")).status_code == 200
        return len(captured)

    Employee.objects.bulk_create(demo.employees_build(5, today=today, units=units, seed=5))
    retirement_facts_refresh()
    queries()  # the first request fills the caches (the header's agency)
    small = queries()
    Employee.objects.bulk_create(demo.employees_build(495, today=today, units=units, seed=495), ignore_conflicts=True)
    retirement_facts_refresh()

    # The payouts card (benefits.view_payout, which every dashboard role holds) costs payout_summary's two.
    with django_assert_max_num_queries(7 + PAYOUTS_CARD_QUERIES):
        assert queries() == small


PAYOUTS_CARD_QUERIES = 2


def test_the_payouts_card_costs_two_queries_and_only_its_readers(client, operator, django_assert_max_num_queries):
    client.force_login(operator)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as with_card:
        assert 'data-testid="payouts-card"' in client.get(reverse("dashboard")).content.decode()
    operator.groups.clear()
    operator.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    with CaptureQueriesContext(connection) as without_card:
        assert 'data-testid="payouts-card"' not in client.get(reverse("dashboard")).content.decode()

    assert len(with_card) - len(without_card) == PAYOUTS_CARD_QUERIES
