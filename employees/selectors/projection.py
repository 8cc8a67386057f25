"""Head counts of the retirements ahead: the dashboard's summary and the projection per month and year,
by unit and by position category.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from employees.choices import JenisJabatan
from employees.counts import counts_cached, scope_key
from employees.models import Employee, UnitKerja
from employees.retirement import add_months
from employees.scope import Scope
from employees.selectors.register import ACTIVE_STATUSES, unit_and_subunit_ids
from purna import formatting

# The employee list's status filter value for "aktif or MPP" (employees.filters): the people the
# projections and the dashboard count, so that their drill-down links list exactly those people.
STATUS_ACTIVE = "aktif_mpp"
PROJECTION_MONTHS = 12
PROJECTION_YEARS = 5
_MONTH_ABBREVIATIONS = [name[:3] for name in formatting.MONTHS]


def _who_query(unit_id: int | None = None, jenis_jabatan: str = "") -> str:
    params: dict[str, object] = {"status": STATUS_ACTIVE}
    if unit_id:
        params["unit"] = unit_id
    if jenis_jabatan:
        params["jenis_jabatan"] = jenis_jabatan
    return urlencode(params)


def _when_query(start: dt.date, until: dt.date) -> str:
    return f"tmt_from={start:%Y-%m}&tmt_until={until:%Y-%m}"


def retiring_query(*, start: dt.date, until: dt.date, unit_id: int | None = None, jenis_jabatan: str = "") -> str:
    """The employee list's query string for active employees with a TMT pensiun from the month of
    `start` to the month of `until` (both included), optionally in a unit (with its sub-units) or a
    position category: the drill-down behind a projection's number."""
    return f"{_who_query(unit_id, jenis_jabatan)}&{_when_query(start, until)}"


@dataclass(frozen=True)
class Period:
    """A month or a year of a projection: TMT pensiun from `start` (a 1st) until the month of `until`."""

    start: dt.date
    until: dt.date
    label: str  # "Jan 2026" or "2026"
    short_label: str  # "Jan 26" or "2026", for chart axes

    @property
    def lines(self) -> list[str]:
        """The label on one line per word, for narrow table headers: ["Jan", "2026"]."""
        return self.label.split()


@dataclass(frozen=True)
class ProjectionCell:
    count: int
    query: str  # the employee list's query string for the people counted here (see retiring_query)


@dataclass(frozen=True)
class ProjectionRow:
    key: str  # the unit's id or the position category's code
    label: str
    cells: list[ProjectionCell]
    total: ProjectionCell


@dataclass(frozen=True)
class ProjectionTable:
    periods: list[Period]
    rows: list[ProjectionRow]
    totals: list[ProjectionCell]  # one per period
    total: ProjectionCell


@dataclass(frozen=True)
class RetirementProjection:
    """Retirements ahead, per month (12) and per year (5), by unit and by position category."""

    today: dt.date
    unit: UnitKerja | None
    jenis_jabatan: str
    monthly_by_unit: ProjectionTable
    monthly_by_jenis: ProjectionTable
    yearly_by_unit: ProjectionTable
    yearly_by_jenis: ProjectionTable

    @property
    def jenis_jabatan_label(self) -> str:
        return str(JenisJabatan(self.jenis_jabatan).label) if self.jenis_jabatan else ""

    @property
    def monthly(self) -> ProjectionTable:
        return self.monthly_by_jenis

    @property
    def yearly(self) -> ProjectionTable:
        return self.yearly_by_jenis


def _months(start: dt.date, count: int) -> list[Period]:
    periods = []
    for index in range(count):
        month = add_months(start, index)
        abbreviation = _MONTH_ABBREVIATIONS[month.month - 1]
        periods.append(Period(month, month, f"{abbreviation} {month.year}", f"{abbreviation} {month:%y}"))
    return periods


def _years(start: dt.date, count: int) -> list[Period]:
    # The first year starts with the projection (the rest of this year), the others in January.
    periods = []
    for index in range(count):
        year = start.year + index
        first = start if index == 0 else dt.date(year, 1, 1)
        periods.append(Period(first, dt.date(year, 12, 1), str(year), str(year)))
    return periods


def _table(
    periods: list[Period],
    rows: list[tuple[str, str]],
    counts: dict[tuple[str, dt.date], int],
    query_args: Callable[[str], dict],
    base_args: dict,
) -> ProjectionTable:
    """Lay out counts keyed by (row key, period start) as rows x periods, with totals and drill-downs.

    The drill-down query strings are assembled from a part per row and a part per period (hundreds of
    cells; encoding each one whole took a sixth of the page's time).
    """
    when = [_when_query(p.start, p.until) for p in periods]
    when_all = _when_query(periods[0].start, periods[-1].until)
    table_rows = []
    for key, label in rows:
        who = _who_query(**{**base_args, **query_args(key)})
        cells = [
            ProjectionCell(counts.get((key, p.start), 0), f"{who}&{w}") for p, w in zip(periods, when, strict=True)
        ]
        total = ProjectionCell(sum(c.count for c in cells), f"{who}&{when_all}")
        table_rows.append(ProjectionRow(key, label, cells, total))
    who = _who_query(**base_args)
    totals = [
        ProjectionCell(sum(row.cells[index].count for row in table_rows), f"{who}&{w}") for index, w in enumerate(when)
    ]
    total = ProjectionCell(sum(c.count for c in totals), f"{who}&{when_all}")
    return ProjectionTable(periods, table_rows, totals, total)


def _unit_tops(units: list[tuple[int, str, int | None]], scope: Scope) -> dict[int, int]:
    """Each unit's top-level unit: itself, its parent or its grandparent (the depth the list's unit
    filter covers, see unit_and_subunit_ids), never a unit outside `scope`: an operator of a bidang sees
    the bidang as the top of its own sub-units."""
    parents = {pk: parent for pk, _name, parent in units}
    tops = {}
    for pk in parents:
        top = pk
        for _level in range(2):
            parent = parents.get(top)
            if parent is None or not scope.covers(parent):
                break
            top = parent
        tops[pk] = top
    return tops


def retirement_projection(
    *, scope: Scope, today: dt.date | None = None, unit: UnitKerja | None = None, jenis_jabatan: str = ""
) -> RetirementProjection:
    """How many active employees in `scope` reach their TMT pensiun in each of the next 12 months and
    5 years.

    Broken down by top-level unit (a sub-unit's people counted in its dinas, up to two levels down, as
    the list's unit filter does) and by position category; optionally only in `unit` (with its
    sub-units, then shown as one row) or in one position category.

    Two queries whatever the register's size: the units, and one count grouped by unit, category and
    TMT pensiun over the five years, which PostgreSQL answers from the covering index on (status,
    tmt_pensiun) without reading the table. The months and years are then summed here from those few
    hundred groups: a TMT pensiun is the 1st of a month (a PPPK contract may end on another day), so
    grouping on the date is grouping by month, without DATE_TRUNC, which measured 40% slower (it
    converts every date to a timestamp) and would need the table's rows.
    """
    today = today or timezone.localdate()
    # A TMT pensiun is a 1st; the next one after today opens the window, as on the dashboard.
    start = add_months(today.replace(day=1), 1)
    months = _months(start, PROJECTION_MONTHS)
    years = _years(start, PROJECTION_YEARS)
    months_end = add_months(start, PROJECTION_MONTHS)
    years_end = dt.date(start.year + PROJECTION_YEARS, 1, 1)

    active = Employee.objects.filter(status__in=ACTIVE_STATUSES, tmt_pensiun__gte=start, tmt_pensiun__lt=years_end)
    active = scope.filter(active)
    if unit is not None:
        active = active.filter(unit_id__in=unit_and_subunit_ids(unit.pk))
    if jenis_jabatan:
        active = active.filter(jenis_jabatan=jenis_jabatan)
    # COUNT(*), not COUNT(id): the id is not in the covering index.
    query = active.values_list("unit_id", "jenis_jabatan", "tmt_pensiun").annotate(n=Count("*")).order_by()
    # Cached until the register changes (employees/counts.py): one query instead of a count of the 5 years.
    filters = (scope_key(scope), start, unit.pk if unit else None, jenis_jabatan)
    groups = counts_cached("projection", filters, lambda: list(query))

    all_units = list(UnitKerja.objects.order_by("name").values_list("pk", "name", "parent_id"))
    tops = _unit_tops(all_units, scope)
    # Counts keyed by (row key, period start): the row key is a unit's id or a category's code.
    by_unit_month: dict[tuple[str, dt.date], int] = defaultdict(int)
    by_jenis_month: dict[tuple[str, dt.date], int] = defaultdict(int)
    by_unit_year: dict[tuple[str, dt.date], int] = defaultdict(int)
    by_jenis_year: dict[tuple[str, dt.date], int] = defaultdict(int)
    found_tops = set()
    for unit_id, jenis, tmt, count in groups:
        top = str(unit.pk) if unit is not None else str(tops.get(unit_id, unit_id))
        found_tops.add(top)
        year = start if tmt.year == start.year else dt.date(tmt.year, 1, 1)
        by_unit_year[(top, year)] += count
        by_jenis_year[(jenis, year)] += count
        if tmt < months_end:
            month = tmt.replace(day=1)
            by_unit_month[(top, month)] += count
            by_jenis_month[(jenis, month)] += count

    if unit is not None:
        units = [(str(unit.pk), unit.name)]
    else:
        # Every top-level unit of the scope (an empty row says "nobody"), and any other unit that has people.
        units = [
            (str(pk), name)
            for pk, name, parent in all_units
            if (scope.covers(pk) and tops[pk] == pk) or str(pk) in found_tops
        ]
    categories = [(code, str(label)) for code, label in JenisJabatan.choices]
    if jenis_jabatan:
        categories = [(code, label) for code, label in categories if code == jenis_jabatan]

    base_args = {"unit_id": unit.pk if unit else None, "jenis_jabatan": jenis_jabatan}

    def unit_args(key: str) -> dict:
        return {"unit_id": int(key)}

    def jenis_args(key: str) -> dict:
        return {"jenis_jabatan": key}

    return RetirementProjection(
        today=today,
        unit=unit,
        jenis_jabatan=jenis_jabatan,
        monthly_by_unit=_table(months, units, by_unit_month, unit_args, base_args),
        monthly_by_jenis=_table(months, categories, by_jenis_month, jenis_args, base_args),
        yearly_by_unit=_table(years, units, by_unit_year, unit_args, base_args),
        yearly_by_jenis=_table(years, categories, by_jenis_year, jenis_args, base_args),
    )


@dataclass(frozen=True)
class DashboardSummary:
    active: int
    retiring_12_months: int
    retiring_this_year: int
    per_month: list[tuple[dt.date, int]]  # first day of each of the next 12 months, with its retirements


def dashboard_summary(*, scope: Scope, today: dt.date | None = None) -> DashboardSummary:
    """Head counts of the employees in `scope` for the home page, in two queries whatever the
    register's size.

    Both are answered from the covering index on (status, tmt_pensiun) on PostgreSQL: COUNT(*) rather
    than COUNT(id), and the months summed here from counts per TMT pensiun (see retirement_projection).
    """
    today = today or timezone.localdate()
    # A TMT pensiun is always the 1st of a month; the next one after today opens the window.
    start = add_months(today.replace(day=1), 1)
    end = add_months(start, 12)
    active = scope.filter(Employee.objects.filter(status__in=ACTIVE_STATUSES))
    # Cached until the register changes (employees/counts.py): then one query, whatever the size.
    totals, rows = counts_cached("dashboard", (scope_key(scope), today), lambda: _dashboard_counts(active, today, end))
    counts: dict[dt.date, int] = defaultdict(int)
    for tmt, n in rows:
        counts[tmt.replace(day=1)] += n
    per_month = [(month, counts.get(month, 0)) for month in (add_months(start, i) for i in range(12))]
    return DashboardSummary(
        active=totals["active"],
        retiring_12_months=sum(n for _, n in per_month),
        retiring_this_year=totals["retiring_this_year"],
        per_month=per_month,
    )


def _dashboard_counts(active: QuerySet[Employee], today: dt.date, end: dt.date) -> tuple[dict, list]:
    start = add_months(today.replace(day=1), 1)
    totals = active.aggregate(
        active=Count("*"),
        # Counting a column of the index (Count("*") takes no filter).
        retiring_this_year=Count(
            "tmt_pensiun", filter=Q(tmt_pensiun__gt=today, tmt_pensiun__lt=dt.date(today.year + 1, 1, 1))
        ),
    )
    rows = (
        active.filter(tmt_pensiun__gte=start, tmt_pensiun__lt=end)
        .values_list("tmt_pensiun")
        .annotate(n=Count("*"))
        .order_by()
    )
    return totals, list(rows)
