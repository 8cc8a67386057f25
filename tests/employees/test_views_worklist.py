"""The "akan purna tugas" work list page (employees/views/cases.py, employees/selectors/cases.py): its
order, window, filters and missing documents, its index on PostgreSQL and its fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Q
from django.urls import reverse

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.models import CaseDocument, CaseStatusChange, DocumentType, Employee, KindRule, RetirementCase
from employees.retirement import add_months
from employees.scope import ALL_UNITS
from employees.selectors import (
    CASE_NONE,
    KeysFirstPaginator,
    retirement_case_card,
    retirement_worklist,
    retirement_worklist_rows,
    worklist_candidates,
)
from employees.services.cases import retirement_worklist_sync
from employees.services.register import retirement_facts_refresh
from portal import demo
from tests.employees.case_fixtures import (
    month_ahead,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import CaseDocumentFactory, EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


# --- The work list ------------------------------------------------------------------------------------


def worklist(client, **params):
    response = client.get(reverse("employees:retiring"), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def spread(today):
    """A unit and its sub-unit, people retiring at different times, records at different steps."""
    dinas = UnitKerjaFactory(name="Dinas Pendidikan")
    bidang = UnitKerjaFactory(name="Bidang SD", parent=dinas)
    other = UnitKerjaFactory(name="Dinas Kesehatan")
    people = {}
    for key, months, unit in [
        ("soon_no_case", 2, dinas),
        ("soon_preparing", 3, bidang),
        ("soon_proposed", 3, other),
        ("later_no_case", 20, other),
        ("later_preparing", 20, dinas),
        ("far", 40, other),
    ]:
        people[key] = EmployeeFactory(unit=unit, tmt_pensiun=month_ahead(today, months), name=key)
    RetirementCaseFactory(employee=people["soon_preparing"])
    RetirementCaseFactory(employee=people["soon_proposed"], status=CaseStatus.PROPOSED, proposed_on=today)
    RetirementCaseFactory(employee=people["later_preparing"])
    # Someone already retired, and an APS record whose own TMT is sooner than the BUP's.
    people["retired"] = EmployeeFactory(
        unit=other, tmt_pensiun=month_ahead(today, 1), status=EmployeeStatus.PENSIUN, name="retired"
    )
    people["aps"] = EmployeeFactory(unit=other, tmt_pensiun=month_ahead(today, 60), name="aps")
    RetirementCaseFactory(employee=people["aps"], kind=RetirementKind.APS, tmt=month_ahead(today, 4))
    # A death whose TMT has passed but whose record is still open: unfinished work.
    people["death"] = EmployeeFactory(
        unit=other, tmt_pensiun=month_ahead(today, 90), status=EmployeeStatus.MENINGGAL, name="death"
    )
    RetirementCaseFactory(
        employee=people["death"],
        kind=RetirementKind.DEATH,
        tmt=today.replace(day=1),
        proposal_due=today - dt.timedelta(days=1),
    )
    return people


def names(response) -> list[str]:
    return [row.employee.name for row in response.context["rows"]]


def test_the_work_list_is_sorted_by_tmt_and_follows_the_window(operator_client, spread):
    assert names(worklist(operator_client)) == [
        "death",
        "soon_no_case",
        "soon_preparing",
        "soon_proposed",
        "aps",
    ]
    assert names(worklist(operator_client, bulan=24)) == [
        "death",
        "soon_no_case",
        "soon_preparing",
        "soon_proposed",
        "aps",
        "later_no_case",
        "later_preparing",
    ]
    assert names(worklist(operator_client, bulan=3)) == ["death", "soon_no_case", "soon_preparing", "soon_proposed"]


def test_the_work_list_filters(operator_client, spread):
    dinas = spread["soon_no_case"].unit
    assert names(worklist(operator_client, bulan=24, unit=dinas.pk)) == [
        "soon_no_case",
        "soon_preparing",
        "later_preparing",
    ]
    assert names(worklist(operator_client, bulan=24, status=CASE_NONE)) == ["soon_no_case", "later_no_case"]
    assert names(worklist(operator_client, bulan=24, status=CaseStatus.PROPOSED)) == ["soon_proposed"]
    # Soon without a proposal is late; later ones are not yet; a proposed record is never late.
    assert names(worklist(operator_client, bulan=24, terlambat="on")) == [
        "death",
        "soon_no_case",
        "soon_preparing",
        "aps",
    ]
    # Bad values are ignored rather than failing.
    assert names(worklist(operator_client, bulan="x", unit="abc", status="nope")) == names(worklist(operator_client))


def test_the_work_list_shows_missing_documents(operator_client, spread, private_media):
    case = spread["soon_preparing"].retirement_case
    for code in ["sk-cpns", "ktp", "npwp"]:  # NPWP is optional
        CaseDocumentFactory(case=case, document_type=DocumentType.objects.get(code=code))
    # What a BUP record asks of a person with no family and no prior service (employees/checklist.py).
    required = sum(
        1
        for document_type in DocumentType.objects.filter(is_required=True, is_active=True, condition="always")
        if not document_type.kinds or RetirementKind.BUP in document_type.kinds
    )
    assert required == 15

    response = worklist(operator_client)

    rows = {row.employee.name: row for row in response.context["rows"]}
    assert rows["soon_preparing"].missing_count == required - 2
    assert len(rows["soon_preparing"].missing) == required - 2
    assert "KTP" not in [spec.name for spec in rows["soon_preparing"].missing]
    assert rows["soon_no_case"].missing_count == required
    assert rows["soon_no_case"].deadline.has_case is False


def test_a_filter_refused_is_said_and_the_list_stays_in_scope(client, spread):
    """An operator of one unit who asks for another unit (or types nonsense) sees why the filter was
    dropped, above the list of their own unit only."""
    from purna import roles
    from tests.factories import UserFactory

    own, other = spread["soon_no_case"].unit, spread["soon_no_case"].unit.__class__.objects.get(name="Dinas Kesehatan")
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[own]))
    response = worklist(client, bulan=24, unit=other.pk)
    page = response.content.decode()
    assert 'data-testid="filter-errors"' in page
    form = response.context["filter_form"]
    assert f"{form['unit'].label}: {form.errors['unit'][0]}" in page  # "Unit kerja: Pilih pilihan yang valid. ..."
    assert names(response) == names(worklist(client, bulan=24))
    assert all(
        row.employee.unit_id in (own.pk, *own.children.values_list("pk", flat=True)) for row in response.context["rows"]
    )
    assert 'data-testid="filter-errors"' not in worklist(client, bulan=24, unit=own.pk).content.decode()
    junk = worklist(client, bulan="abc")
    assert f"{junk.context['filter_form']['bulan'].label}: " in junk.content.decode()


def test_sql_and_python_agree_on_overdue(spread, today):
    for day in [today, today + dt.timedelta(days=45), today + dt.timedelta(days=400)]:
        employees = list(retirement_worklist(scope=ALL_UNITS, months=24, today=day))
        rows = retirement_worklist_rows(employees, today=day)
        assert [row.employee.overdue for row in rows] == [bool(row.deadline and row.deadline.overdue) for row in rows]


def test_the_work_list_pages_are_slices_of_its_order(spread):
    queryset = retirement_worklist(scope=ALL_UNITS, months=24)
    everyone = [employee.pk for employee in queryset]
    assert len(everyone) == 7

    paginator = KeysFirstPaginator(queryset, 2, orphans=1)

    pages = [[employee.pk for employee in paginator.page(n).object_list] for n in paginator.page_range]
    assert pages == [everyone[0:2], everyone[2:4], everyone[4:7]]


def test_the_work_list_states_the_condition_of_its_index():
    # PostgreSQL uses a partial index only for a query that states its condition: they must stay the same.
    [index] = [index for index in Employee._meta.indexes if index.name == "employee_worklist"]
    assert index.condition == worklist_candidates()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the partial index with INCLUDE is PostgreSQL's")
@pytest.mark.parametrize(
    "filters",
    # "No record yet" has an index of its own, and the TMT index serves it too: which one a test table's
    # planner picks is its choice (test_postgresql_starts_no_record_yet_at_today checks its bounds).
    [{}, {"months": 3}, {"only_overdue": True}, {"case_status": CaseStatus.PROPOSED}],
)
def test_postgresql_answers_the_work_list_from_its_index(spread, filters):
    """Count and page go through employee_worklist (a test table is too small for the planner to prefer
    an index by itself, so other plans are priced out; the timing is bench/pages.py's)."""
    queryset = retirement_worklist(scope=ALL_UNITS, **{"months": 24, **filters})
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    # The count's rows (the paginator counts them) and the first page.
    for plan in [queryset.order_by().values("pk").explain(), queryset[:50].explain()]:
        assert "employee_worklist" in plan, plan


def test_no_record_yet_states_the_condition_of_its_index():
    [index] = [index for index in Employee._meta.indexes if index.name == "employee_worklist_uncased"]
    assert index.condition == Q(case_status="")
    assert list(index.fields) == ["tmt_effective", "name", "id"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the partial index with INCLUDE is PostgreSQL's")
def test_postgresql_starts_no_record_yet_at_today(spread):
    """ "No record yet" reads its index from today on: from the first TMT, it walked past every row with a
    record before the page (213,000 at 1,000,000 employees, 50 ms, against 0.4 ms through
    employee_worklist_uncased from today; bench/pages.py). Which of the two indexes a test table's planner
    picks is its own choice; the bound is the selector's."""
    queryset = retirement_worklist(scope=ALL_UNITS, months=24, case_status=CASE_NONE)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    for plan in [queryset.order_by().values("pk").explain(), queryset[:50].explain()]:
        index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert "tmt_effective >" in index_condition and "tmt_effective <" in index_condition, plan


def test_a_one_month_window_still_reads_well(operator_client, spread):
    assert "Akan purna tugas dalam 1 bulan" in worklist(operator_client, bulan=1).content.decode()


def bulk_register(count: int, today: dt.date) -> None:
    """`count` believable employees, a third with records at various steps and some documents."""
    units = demo.units_ensure()
    Employee.objects.bulk_create(demo.employees_build(count, today=today, units=units))
    retirement_facts_refresh()
    soon = list(
        Employee.objects.filter(tmt_pensiun__gt=today, tmt_pensiun__lt=add_months(today, 24)).order_by("pk")[
            : max(count // 3, 1)
        ]
    )
    statuses = [CaseStatus.PREPARING, CaseStatus.PROPOSED, CaseStatus.SK_ISSUED, CaseStatus.CANCELLED]
    cases = RetirementCase.objects.bulk_create(
        RetirementCase(
            employee=employee,
            tmt=employee.tmt_pensiun,
            proposal_due=add_months(employee.tmt_pensiun, -12),
            status=statuses[index % 4],
            sk_number="1" if statuses[index % 4] == CaseStatus.SK_ISSUED else "",
            sk_date=today if statuses[index % 4] == CaseStatus.SK_ISSUED else None,
        )
        for index, employee in enumerate(soon)
    )
    CaseStatusChange.objects.bulk_create(CaseStatusChange(case=case, to_status=case.status) for case in cases)
    types = list(DocumentType.objects.all()[:5])
    CaseDocument.objects.bulk_create(
        CaseDocument(
            case=case,
            document_type=kind,
            file=f"cases/{case.pk}/{kind.code}.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=1,
        )
        for case in cases
        for kind in types
    )
    retirement_worklist_sync()  # records written around the services


# session, user, permissions (one query), the staff scope, unit choices, count, the page's rows, the checklist, the
# page's records, their spouses, children and uploads (the person's checklist), the BUP rules (the lead time);
# the agency of base.html comes from the cache
WORKLIST_QUERIES = 13


@pytest.mark.parametrize("count", [5, 500])
def test_the_work_list_runs_a_fixed_number_of_queries(
    operator_client, today, count, django_assert_max_num_queries, private_media
):
    bulk_register(count, today)
    operator_client.get(reverse("employees:retiring"))  # warm the first request's caches

    for params in [{}, {"bulan": 24, "terlambat": "on"}, {"status": CaseStatus.PREPARING, "page": 1}]:
        with django_assert_max_num_queries(WORKLIST_QUERIES):
            response = worklist(operator_client, **params)
    assert len(response.context["rows"]) == min(50, response.context["paginator"].count)
    if count == 500:
        assert response.context["paginator"].count > 5


def test_the_lead_time_of_an_employee_without_a_record_comes_from_the_bup_rule_in_force_on_the_tmt(
    operator_client, today, settings
):
    """The BUP rule's lead time (employees.KindRule, dated), not the setting, decides the deadline of someone
    with no record yet: on the work list, its "only overdue" filter and the employee's card."""
    settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT = 12
    change = month_ahead(today, 16)
    KindRule.objects.filter(kind=RetirementKind.BUP).update(valid_until=change - dt.timedelta(days=1))
    newer = KindRule.objects.get(kind=RetirementKind.BUP)
    newer.pk, newer.valid_from, newer.valid_until, newer.proposal_months_before = None, change, None, 18
    newer.save()
    unit = UnitKerjaFactory()
    under_old = EmployeeFactory(unit=unit, tmt_pensiun=month_ahead(today, 14), name="under_old")  # 12 months
    under_new = EmployeeFactory(unit=unit, tmt_pensiun=month_ahead(today, 17), name="under_new")  # 18 months

    response = worklist(operator_client, bulan=24)
    deadlines = {row.employee.name: row.deadline for row in response.context["rows"]}
    assert deadlines["under_old"].due == add_months(under_old.tmt_pensiun, -12) and not deadlines["under_old"].overdue
    assert deadlines["under_new"].due == add_months(under_new.tmt_pensiun, -18) and deadlines["under_new"].overdue
    assert names(worklist(operator_client, bulan=24, terlambat="on")) == ["under_new"]
    card = retirement_case_card(employee=under_new, today=today)
    assert card.deadline.due == add_months(under_new.tmt_pensiun, -18) and card.deadline.overdue


def test_without_a_bup_rule_the_lead_time_comes_from_the_setting(operator_client, today, settings):
    KindRule.objects.filter(kind=RetirementKind.BUP).delete()
    settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT = 15
    employee = EmployeeFactory(tmt_pensiun=month_ahead(today, 14), name="no_rule")

    [row] = worklist(operator_client, bulan=24).context["rows"]
    assert row.deadline.due == add_months(employee.tmt_pensiun, -15) and row.deadline.overdue
    assert names(worklist(operator_client, bulan=24, terlambat="on")) == ["no_rule"]
