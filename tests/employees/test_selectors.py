"""Reads of the register (employees/selectors/): search, detail history, projection and dashboard numbers."""

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from employees.filters import EmployeeFilter
from employees.models import Employee
from employees.nip import build_nip
from employees.scope import ALL_UNITS
from employees.selectors import (
    dashboard_summary,
    employee_get,
    employee_history,
    employee_list,
    employee_similar_list,
    retirement_projection,
)
from employees.services.register import employee_update
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory

D = dt.date
TODAY = D(2026, 11, 15)  # the projection opens with December 2026

pytestmark = pytest.mark.django_db


def names(queryset) -> list[str]:
    return sorted(queryset.values_list("name", flat=True))


# --- Search -------------------------------------------------------------------------------------------


@pytest.fixture
def people(db):
    unit = UnitKerjaFactory()
    return {
        "siti": EmployeeFactory(
            name="Siti Aminah", nip=build_nip(D(1986, 9, 26), D(2015, 5, 1), "2", 1), nip_lama="123456789", unit=unit
        ),
        "rahma": EmployeeFactory(name="Siti Rahma", nip=build_nip(D(1986, 9, 26), D(2016, 1, 1), "2", 2), unit=unit),
        "budi": EmployeeFactory(name="Budi Santoso", nip=build_nip(D(1975, 3, 2), D(2001, 3, 1), "1", 1), unit=unit),
    }


@pytest.mark.parametrize("search", ["19860926 201505", "1986 0926 2015 05", "198609262015052001", " 19860926201505 "])
def test_nip_prefix_search_ignores_spaces(people, search):
    assert names(employee_list(scope=ALL_UNITS, search=search)) == ["Siti Aminah"]


def test_short_nip_prefix_finds_everyone_born_that_day(people):
    assert names(employee_list(scope=ALL_UNITS, search="19860926")) == ["Siti Aminah", "Siti Rahma"]


def test_nine_digits_also_find_the_old_nip(people):
    assert names(employee_list(scope=ALL_UNITS, search="123 456 789")) == ["Siti Aminah"]


@pytest.mark.parametrize("search", ["siti aminah", "AMINAH siti", "  ami   sit "])
def test_name_search_needs_every_word_in_any_order_and_case(people, search):
    assert names(employee_list(scope=ALL_UNITS, search=search)) == ["Siti Aminah"]


def test_one_name_word_finds_all_who_have_it(people):
    assert names(employee_list(scope=ALL_UNITS, search="siti")) == ["Siti Aminah", "Siti Rahma"]


@pytest.mark.parametrize("search", ["an", "A", "ti ra", "AN"])
def test_words_of_one_or_two_letters_find_every_name_holding_them_in_name_order(people, search):
    """The first keys typed: every name holding each piece, in the order of the names."""
    found = list(employee_list(scope=ALL_UNITS, search=search).values_list("name", flat=True))
    expected = sorted(
        person.name for person in people.values() if all(w.lower() in person.name.lower() for w in search.split())
    )
    assert found == expected and found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's choice is PostgreSQL's")
def test_short_words_are_paged_through_the_name_index_and_longer_ones_through_trigrams(people):
    """ "an" matches most names and no trigram index can look it up: a page of them is found by walking the
    names in order (0.4 ms at 100,000 employees, against 55 ms reading and sorting all the matches)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    assert "employee_name" in employee_list(scope=ALL_UNITS, search="an")[:50].explain()
    assert "upper" in str(employee_list(scope=ALL_UNITS, search="ami").query).lower().split("order by")[1]


def test_list_is_sorted_by_name_then_id(people):
    assert list(employee_list(scope=ALL_UNITS).values_list("name", flat=True)) == [
        "Budi Santoso",
        "Siti Aminah",
        "Siti Rahma",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_similar_names_forgive_a_typo_on_postgresql(people):
    assert employee_list(scope=ALL_UNITS, search="Aminha").count() == 0

    similar = employee_similar_list(scope=ALL_UNITS, search="Sitti Aminha")

    assert [employee.name for employee in similar][:1] == ["Siti Aminah"]
    assert "Budi Santoso" not in [employee.name for employee in similar]


def test_similar_names_are_never_offered_for_a_nip(people):
    assert employee_similar_list(scope=ALL_UNITS, search="1986 0926") == []


def test_trigram_index_exists_only_on_postgresql():
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Employee._meta.db_table)
    assert ("employee_name_trgm" in indexes) is (connection.vendor == "postgresql")


# --- Filters (EmployeeFilter) ----------------------------------------------------------------------------


@pytest.fixture
def tree(db):
    """Dinas A > Bidang A1 > UPT A1x, and Dinas B."""
    a = UnitKerjaFactory(code="A", name="Dinas A")
    a1 = UnitKerjaFactory(code="A1", name="Bidang A1", parent=a)
    a1x = UnitKerjaFactory(code="A1X", name="UPT A1x", parent=a1)
    b = UnitKerjaFactory(code="B", name="Dinas B")
    return {"a": a, "a1": a1, "a1x": a1x, "b": b}


def filtered(params: str) -> list[str]:
    return names(EmployeeFilter(QueryDict(params), scope=ALL_UNITS, queryset=employee_list(scope=ALL_UNITS)).qs)


def test_unit_filter_includes_sub_units_two_levels_down(tree):
    EmployeeFactory(name="Ana", unit=tree["a"])
    EmployeeFactory(name="Ani", unit=tree["a1"])
    EmployeeFactory(name="Anu", unit=tree["a1x"])
    EmployeeFactory(name="Bob", unit=tree["b"])

    assert filtered(f"unit={tree['a'].pk}") == ["Ana", "Ani", "Anu"]
    assert filtered(f"unit={tree['a1'].pk}") == ["Ani", "Anu"]
    assert filtered(f"unit={tree['b'].pk}") == ["Bob"]


def test_tmt_month_range_includes_both_months_whole(tree):
    EmployeeFactory(name="Before", tmt_pensiun=D(2027, 1, 1))
    EmployeeFactory(name="First", tmt_pensiun=D(2027, 2, 1))
    EmployeeFactory(name="Contract", tmt_pensiun=D(2027, 3, 16))  # a PPPK contract may end mid-month
    EmployeeFactory(name="After", tmt_pensiun=D(2027, 4, 1))

    assert filtered("tmt_from=2027-02&tmt_until=2027-03") == ["Contract", "First"]


def test_active_status_choice_keeps_aktif_and_mpp(tree):
    EmployeeFactory(name="Aktif", status="aktif")
    EmployeeFactory(name="Cuti", status="mpp")
    EmployeeFactory(name="Purna", status="pensiun")

    assert filtered("status=aktif_mpp") == ["Aktif", "Cuti"]
    assert filtered("status=pensiun") == ["Purna"]


def test_sort_by_column_keeps_a_stable_order(tree):
    EmployeeFactory(name="B", tmt_pensiun=D(2030, 1, 1))
    EmployeeFactory(name="A", tmt_pensiun=D(2030, 1, 1))
    EmployeeFactory(name="C", tmt_pensiun=D(2029, 1, 1))

    qs = EmployeeFilter(QueryDict("sort=-tmt_pensiun"), scope=ALL_UNITS, queryset=employee_list(scope=ALL_UNITS)).qs

    assert list(qs.values_list("name", flat=True)) == ["A", "B", "C"]


# --- Projection -----------------------------------------------------------------------------------------


@pytest.fixture
def projected(tree):
    """Hand-counted retirements around the window December 2026 - November 2027 (5 years: 2026-2030)."""
    make = EmployeeFactory
    return [
        make(name="a-dec", unit=tree["a"], jenis_jabatan="pelaksana", tmt_pensiun=D(2026, 12, 1)),
        make(
            name="a1-jan", unit=tree["a1"], jenis_jabatan="fungsional", jenjang="ahli_muda", tmt_pensiun=D(2027, 1, 1)
        ),
        make(
            name="a1x-nov",
            unit=tree["a1x"],
            jenis_jabatan="fungsional",
            jenjang="ahli_muda",
            tmt_pensiun=D(2027, 11, 1),
        ),
        make(name="b-dec27", unit=tree["b"], jenis_jabatan="pelaksana", tmt_pensiun=D(2027, 12, 1)),  # 13th month
        make(name="b-past", unit=tree["b"], jenis_jabatan="pengawas", tmt_pensiun=D(2026, 11, 1)),  # before
        make(name="b-gone", unit=tree["b"], jenis_jabatan="pelaksana", tmt_pensiun=D(2027, 3, 1), status="pensiun"),
        make(name="b-mpp", unit=tree["b"], jenis_jabatan="pelaksana", tmt_pensiun=D(2027, 3, 1), status="mpp"),
        make(name="a-2031", unit=tree["a"], jenis_jabatan="jpt_pratama", tmt_pensiun=D(2031, 1, 1)),  # after
        make(name="a-2030", unit=tree["a"], jenis_jabatan="administrator", tmt_pensiun=D(2030, 12, 1)),
        make(name="b-pppk", unit=tree["b"], jenis_jabatan="fungsional", jenjang="terampil", tmt_pensiun=D(2027, 2, 16)),
        make(name="no-tmt", unit=tree["b"], tmt_pensiun=None),
    ]


def row(table, label) -> tuple[list[int], int]:
    found = next(r for r in table.rows if r.label == label)
    return [cell.count for cell in found.cells], found.total.count


def test_projection_counts_per_month_by_unit_with_sub_units_rolled_up(projected):
    projection = retirement_projection(scope=ALL_UNITS, today=TODAY)
    table = projection.monthly_by_unit

    assert [p.start for p in table.periods][:3] == [D(2026, 12, 1), D(2027, 1, 1), D(2027, 2, 1)]
    assert table.periods[-1].start == D(2027, 11, 1)
    assert [r.label for r in table.rows] == ["Dinas A", "Dinas B"]  # top-level units only
    assert row(table, "Dinas A") == ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 3)
    assert row(table, "Dinas B") == ([0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], 2)
    assert [c.count for c in table.totals] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert table.total.count == 5


def test_projection_counts_per_month_by_position_category(projected):
    table = retirement_projection(scope=ALL_UNITS, today=TODAY).monthly_by_jenis

    assert row(table, "Pelaksana") == ([1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], 2)
    assert row(table, "Fungsional")[1] == 3
    assert row(table, "JPT Utama") == ([0] * 12, 0)
    assert table.total.count == 5


def test_projection_counts_per_year(projected):
    projection = retirement_projection(scope=ALL_UNITS, today=TODAY)

    assert [p.label for p in projection.yearly.periods] == ["2026", "2027", "2028", "2029", "2030"]
    assert row(projection.yearly_by_unit, "Dinas A") == ([1, 2, 0, 0, 1], 4)
    assert row(projection.yearly_by_unit, "Dinas B") == ([0, 3, 0, 0, 0], 3)
    assert row(projection.yearly_by_jenis, "Pelaksana") == ([1, 2, 0, 0, 0], 3)
    assert row(projection.yearly_by_jenis, "Administrator") == ([0, 0, 0, 0, 1], 1)
    assert projection.yearly.total.count == 7


def test_projection_for_one_sub_unit_shows_it_as_its_only_row(projected, tree):
    projection = retirement_projection(scope=ALL_UNITS, today=TODAY, unit=tree["a1"])

    assert [r.label for r in projection.monthly_by_unit.rows] == ["Bidang A1"]
    assert projection.monthly_by_unit.total.count == 2
    assert projection.yearly_by_jenis.total.count == 2


def test_projection_for_one_position_category(projected):
    projection = retirement_projection(scope=ALL_UNITS, today=TODAY, jenis_jabatan="fungsional")

    assert [r.label for r in projection.monthly_by_jenis.rows] == ["Fungsional"]
    assert projection.monthly_by_unit.total.count == 3
    assert row(projection.monthly_by_unit, "Dinas B")[1] == 1


@pytest.mark.parametrize("unit_key", [None, "a1"])
def test_every_projection_number_links_to_a_list_of_exactly_those_people(projected, tree, unit_key):
    unit = tree[unit_key] if unit_key else None
    projection = retirement_projection(scope=ALL_UNITS, today=TODAY, unit=unit)
    tables = [
        projection.monthly_by_unit,
        projection.monthly_by_jenis,
        projection.yearly_by_unit,
        projection.yearly_by_jenis,
    ]
    cells = [
        cell
        for table in tables
        for cell in [*table.totals, table.total, *(c for r in table.rows for c in [*r.cells, r.total])]
    ]

    for cell in cells:
        listed = EmployeeFilter(
            QueryDict(cell.query), scope=ALL_UNITS, queryset=employee_list(scope=ALL_UNITS)
        ).qs.count()
        assert listed == cell.count, cell.query


def test_projection_drill_down_names_the_month(projected, tree):
    table = retirement_projection(scope=ALL_UNITS, today=TODAY).monthly_by_unit
    cell = next(r for r in table.rows if r.label == "Dinas A").cells[1]

    assert parse_qs(cell.query) == {
        "status": ["aktif_mpp"],
        "unit": [str(tree["a"].pk)],
        "tmt_from": ["2027-01"],
        "tmt_until": ["2027-01"],
    }


def test_projection_runs_two_queries(projected):
    with CaptureQueriesContext(connection) as queries:
        retirement_projection(scope=ALL_UNITS, today=TODAY)
    assert len(queries) == 2


# --- Dashboard ------------------------------------------------------------------------------------------


def test_dashboard_counts_the_next_twelve_months_and_the_rest_of_the_year(projected):
    summary = dashboard_summary(scope=ALL_UNITS, today=TODAY)

    assert summary.per_month[0] == (D(2026, 12, 1), 1)
    assert [n for _, n in summary.per_month] == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert summary.retiring_12_months == 5
    assert summary.retiring_this_year == 1  # 1 December 2026; 1 November is past
    assert summary.active == 10  # everyone but the one retired


# --- Detail and history ---------------------------------------------------------------------------------


def test_employee_get_joins_unit_rule_and_missing_case_in_one_query(tree):
    employee = EmployeeFactory(unit=tree["a1"])

    with CaptureQueriesContext(connection) as queries:
        loaded = employee_get(pk=employee.pk, scope=ALL_UNITS)
        parent = loaded.unit.parent.name
        has_case = hasattr(loaded, "retirement_case")

    assert (parent, has_case) == ("Dinas A", False)
    assert len(queries) == 1


def test_the_history_of_an_employee_never_moved_reads_no_unit_names(tree):
    actor = UserFactory(password=None, units="all")
    employee = EmployeeFactory(unit=tree["a1"], jabatan="Pengelola Data")
    employee_update(employee=employee, actor=actor, jabatan="Analis Data")
    moved = EmployeeFactory(unit=tree["a"])
    employee_update(employee=moved, actor=actor, unit=tree["b"])

    loaded = employee_get(pk=employee.pk, scope=ALL_UNITS)  # its unit and the unit's parent joined
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        history = employee_history(employee=loaded)
    assert len(queries) == 2 and not [q for q in queries.captured_queries if "employees_unitkerja" in q["sql"]]
    assert {c.label: c.new for c in history[0].changes}["position title"] == "Analis Data"

    # Moved: the unit it left is read by name.
    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        history = employee_history(employee=employee_get(pk=moved.pk, scope=ALL_UNITS))
    assert {c.label: (c.old, c.new) for c in history[0].changes}["work unit"] == ("Dinas A", "Dinas B")


def test_history_lists_changed_fields_with_who_and_old_new_values(tree):
    actor = UserFactory(username="rina", first_name="Rina", last_name="Operator", password=None, units="all")
    employee = EmployeeFactory(unit=tree["a"], jabatan="Pengelola Data")
    employee = employee_update(employee=employee, actor=actor, jabatan="Analis Data", unit=tree["b"])
    employee_update(employee=employee, actor=actor, golongan="III/d")

    with CaptureQueriesContext(connection) as queries, translation.override("en"):
        history = employee_history(employee=employee, limit=2)

    # The records with their users, the units' names, and the family's records (their changes show too).
    assert len(queries) == 3
    latest, previous = history
    assert latest.user == "Rina Operator"
    assert [(c.label, c.old, c.new) for c in latest.changes] == [("golongan", "III/c Penata", "III/d Penata Tingkat I")]
    changes = {c.label: (c.old, c.new) for c in previous.changes}
    assert changes["position title"] == ("Pengelola Data", "Analis Data")
    assert changes["work unit"] == ("Dinas A", "Dinas B")
