"""The register's cached counts (employees/counts.py): the dashboard and the projection read them in a
fixed, small number of queries, and show every committed change at once (service, import, bulk write,
facts refresh), never a figure of the register as it was."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from employees import counts
from employees.choices import RetirementKind
from employees.models import Employee, RegisterRevision
from employees.retirement import add_months
from employees.scope import ALL_UNITS, Scope
from employees.selectors import CASE_NONE, dashboard_summary, retirement_projection
from employees.services.cases import retirement_case_open
from employees.services.imports import import_job_create, import_job_run
from employees.services.register import employee_update, retirement_facts_refresh
from purna import roles
from tests.employees.sheets import csv_bytes, row, upload
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory

# Real commits: the token is replaced after a commit, which a test's rolled-back transaction never has.
pytestmark = pytest.mark.django_db(transaction=True)


def month_ahead(months: int) -> dt.date:
    return add_months(timezone.localdate().replace(day=1), months)


@pytest.fixture
def register(seeded_rules):
    """Two units, three active employees retiring within a year and one retired."""
    counts.revision_bump()  # a flush by an earlier transactional test removes the row
    bkpsdm = UnitKerjaFactory(code="BKPSDM", name="Badan Kepegawaian")
    disdik = UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")
    # Born 58 years before a month ahead: the services' recomputed TMT pensiun stays in the window (BUP 58).
    born = add_months(timezone.localdate().replace(day=1), 4 - 58 * 12)
    people = [
        EmployeeFactory(unit=bkpsdm, birth_date=born, tmt_pensiun=month_ahead(5)),
        EmployeeFactory(unit=bkpsdm, tmt_pensiun=month_ahead(5)),
        EmployeeFactory(unit=disdik, tmt_pensiun=month_ahead(5)),
        EmployeeFactory(unit=disdik, tmt_pensiun=month_ahead(3), status="pensiun"),
    ]
    return {"BKPSDM": bkpsdm, "DISDIK": disdik, "people": people}


def active_count(scope: Scope = ALL_UNITS) -> int:
    return dashboard_summary(scope=scope).active


def test_cached_dashboard_counts_cost_one_query(register, django_assert_num_queries):
    with django_assert_num_queries(3):  # the token, then the two counts
        first = dashboard_summary(scope=ALL_UNITS)
    with django_assert_num_queries(1):  # the token only
        again = dashboard_summary(scope=ALL_UNITS)

    assert again == first
    assert (first.active, first.retiring_12_months) == (3, 3)


def test_cached_projection_costs_the_token_and_the_units(register, django_assert_num_queries):
    with django_assert_num_queries(3):  # the token, the count, the units
        first = retirement_projection(scope=ALL_UNITS)
    with django_assert_num_queries(2):
        again = retirement_projection(scope=ALL_UNITS)

    assert again == first
    assert first.monthly.total.count == 3


def test_status_change_through_the_service_shows_at_once(register, client):
    operator = UserFactory(username="operator", roles=[roles.OPERATOR])
    client.force_login(operator)
    url = reverse("dashboard")
    assert client.get(url).context["summary"].active == 3
    assert client.get(url).context["summary"].active == 3  # from the cache

    employee_update(employee=register["people"][0], actor=operator, status="pensiun")

    summary = client.get(url).context["summary"]
    assert (summary.active, summary.retiring_12_months) == (2, 2)
    projection = client.get(reverse("employees:projection")).context["projection"]
    assert projection.monthly.total.count == 2


def uncached(monkeypatch, compute):
    """compute()'s value with the cache out of the way (as if the revision row were missing)."""
    with monkeypatch.context() as patch:
        patch.setattr(counts, "revision_token", lambda **kwargs: None)
        return compute()


def test_unit_change_through_the_service_moves_the_count_between_scopes(register, monkeypatch):
    actor = UserFactory(username="central", roles=[roles.OPERATOR], units="all")
    bkpsdm, disdik = Scope(frozenset({register["BKPSDM"].pk})), Scope(frozenset({register["DISDIK"].pk}))
    assert (active_count(bkpsdm), active_count(disdik)) == (2, 1)
    before = retirement_projection(scope=disdik)  # now cached

    employee_update(employee=register["people"][0], actor=actor, unit=register["DISDIK"])

    assert (active_count(bkpsdm), active_count(disdik)) == (1, 2)
    # The service recomputed the TMT pensiun too: the projection agrees with a count made afresh.
    after = retirement_projection(scope=disdik)
    assert after == uncached(monkeypatch, lambda: retirement_projection(scope=disdik))
    assert after.yearly.total.count == before.yearly.total.count + 1


def test_import_changing_status_and_unit_shows_at_once(register, private_media):
    actor = UserFactory(username="importer", roles=[roles.OPERATOR], units="all")
    first = run_import(actor, [row(1), row(2)])
    assert first.status == "done"
    assert active_count() == 5
    assert active_count(Scope(frozenset({register["DISDIK"].pk}))) == 1

    changed = run_import(actor, [row(1, status="Pensiun"), row(2, **{"kode unit kerja": "DISDIK"})])

    assert changed.status == "done"
    assert active_count() == 4
    assert active_count(Scope(frozenset({register["DISDIK"].pk}))) == 2


def run_import(actor, rows):
    job = import_job_create(actor=actor, file=upload(csv_bytes(rows), "pegawai.csv"), schedule=False)
    return import_job_run(job_id=job.pk)


def test_bulk_update_and_facts_refresh_show_at_once(register):
    assert dashboard_summary(scope=ALL_UNITS).retiring_12_months == 3
    Employee.objects.filter(pk=register["people"][1].pk).update(status="pensiun")
    assert dashboard_summary(scope=ALL_UNITS).retiring_12_months == 2

    # The facts refresh writes the TMT pensiun in raw SQL: everyone's TMT moves to their real BUP date.
    retirement_facts_refresh()
    expected = Employee.objects.filter(
        status__in=["aktif", "mpp"], tmt_pensiun__gte=month_ahead(1), tmt_pensiun__lt=month_ahead(13)
    ).count()
    assert dashboard_summary(scope=ALL_UNITS).retiring_12_months == expected


def test_uncommitted_change_is_counted_inside_its_transaction_and_not_cached(register):
    assert active_count() == 3
    with transaction.atomic():
        EmployeeFactory(unit=register["BKPSDM"], tmt_pensiun=month_ahead(4))
        assert active_count() == 4  # this transaction's own view, computed, not stored
        transaction.set_rollback(True)
    assert active_count() == 3


def test_without_the_revision_row_counts_are_computed_every_time(register, django_assert_num_queries):
    RegisterRevision.objects.all().delete()
    with django_assert_num_queries(3):
        dashboard_summary(scope=ALL_UNITS)
    with django_assert_num_queries(3):
        dashboard_summary(scope=ALL_UNITS)
    EmployeeFactory(unit=register["BKPSDM"], tmt_pensiun=month_ahead(4))
    assert RegisterRevision.objects.filter(pk=counts.REVISION_PK).exists()  # the change made it anew
    assert active_count() == 4


def test_employee_list_total_is_cached_until_the_register_changes(register, client):
    client.force_login(UserFactory(username="operator", roles=[roles.OPERATOR]))
    url = f"{reverse('employees:list')}?status=aktif_mpp"
    assert client.get(url).context["paginator"].count == 3
    assert client.get(url).context["paginator"].count == 3
    EmployeeFactory(unit=register["DISDIK"], tmt_pensiun=month_ahead(7))
    assert client.get(url).context["paginator"].count == 4


def test_work_list_total_is_cached_until_a_record_is_opened(register, client):
    operator = UserFactory(username="operator", roles=[roles.OPERATOR])
    client.force_login(operator)
    url = f"{reverse('employees:retiring')}?bulan=12&status={CASE_NONE}"
    assert client.get(url).context["paginator"].count == 3
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).context["paginator"].count == 3
    # Counted afresh on every request, the total grew with the register (130 ms at 1,000,000 employees).
    assert not [query for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*)")]
    retirement_case_open(employee=register["people"][1], kind=RetirementKind.BUP, actor=operator)
    assert client.get(url).context["paginator"].count == 2


def test_counts_reading_other_tables_are_not_cached():
    sql = 'SELECT "a"."id" FROM "employees_employee" a INNER JOIN "employees_retirementcase" ON (1 = 1)'
    assert counts._tables(sql) == {"employees_employee", "employees_retirementcase"}
    sub = 'SELECT 1 FROM "employees_employee" WHERE "unit_id" IN (SELECT U0."id" FROM "employees_unitkerja" U0)'
    assert counts._tables(sub) <= counts.REGISTER_TABLES


def test_dashboard_tali_asih_count_follows_a_payout(register):
    from benefits.selectors import payout_summary
    from tests.factories import PayoutFactory

    today = timezone.localdate()
    month = today.replace(day=1)
    retiree = EmployeeFactory(unit=register["BKPSDM"], tmt_pensiun=month, tmt_effective=month, status="pensiun")

    def not_prepared() -> int:
        return payout_summary(scope=ALL_UNITS, year=today.year, today=today).tali_asih_not_prepared

    assert not_prepared() == not_prepared() == 1  # the second from the cache
    PayoutFactory(employee=retiree, tmt=month)
    assert not_prepared() == 0
