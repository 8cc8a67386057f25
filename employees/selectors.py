"""Reads of the register. Query shapes (joins, annotations) are decided here, not in views."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncMonth, TruncYear, Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.choices import EmployeeStatus, JenisJabatan
from employees.models import Employee, RetirementCase, UnitKerja
from employees.nip import NIP_LAMA_LENGTH
from purna import formatting

ACTIVE_STATUSES = [EmployeeStatus.AKTIF, EmployeeStatus.MPP]


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    return dt.date(day.year + month_index // 12, month_index % 12 + 1, 1)


def unit_and_subunit_ids(unit_id: int) -> QuerySet[UnitKerja]:
    """The ids of a unit and of its sub-units two levels down, as a sub-select (no join on employees).

    Units nest at most three deep in practice (dinas > bidang > UPT); the projection rolls sub-units up
    to the same depth (see _top_unit).
    """
    return UnitKerja.objects.filter(Q(pk=unit_id) | Q(parent_id=unit_id) | Q(parent__parent_id=unit_id)).values("pk")


def employee_search(queryset: QuerySet[Employee], text: str) -> QuerySet[Employee]:
    """Narrow `queryset` to a search typed by a person: a NIP prefix or words of the name.

    Digits (spaces ignored, as NIPs are written "19860926 201505 1 001") search the NIP by prefix,
    which the NIP's unique index answers (Django adds a pattern index for LIKE on PostgreSQL); nine
    digits also find an old NIP. Anything else is a list of words that must all appear in the name, in
    any order and case ("aminah siti"), which the trigram index of migration 0006 answers on PostgreSQL.
    """
    text = " ".join(text.split())
    digits = text.replace(" ", "")
    if not text:
        return queryset
    if digits.isdigit():
        query = Q(nip__startswith=digits)
        if len(digits) == NIP_LAMA_LENGTH:
            query |= Q(nip_lama=digits)
        return queryset.filter(query)
    for word in text.split():
        queryset = queryset.filter(name__icontains=word)
    return queryset


def employee_list(*, search: str = "") -> QuerySet[Employee]:
    """Employees with their unit, by name (then id, so pages are stable), optionally searched."""
    return employee_search(Employee.objects.select_related("unit").order_by("name", "pk"), search)


def employee_similar_list(*, search: str, limit: int = 10) -> list[Employee]:
    """Employees whose names look like `search` despite typos ("Aminha" for "Aminah"), most alike first.

    The fallback when the plain search finds nothing. PostgreSQL only (pg_trgm's word similarity,
    answered by the trigram index of migration 0006); elsewhere, and for NIP searches, an empty list.
    One query.
    """
    text = " ".join(search.split())
    if connection.vendor != "postgresql" or not text or text.replace(" ", "").isdigit():
        return []
    # Imported here: django.contrib.postgres is only importable with a PostgreSQL driver.
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.contrib.postgres.search import TrigramWordSimilarity

    # Upper() on both sides matches the index's expression; trigrams ignore case anyway. The operator
    # keeps pg_trgm's default threshold (0.6), which the index can answer without a full scan.
    name = Upper("name")
    return list(
        Employee.objects.select_related("unit")
        .filter(TrigramWordSimilar(name, Upper(Value(text))))
        .annotate(similarity=TrigramWordSimilarity(Upper(Value(text)), name))
        .order_by("-similarity", "name", "pk")[:limit]
    )


def employee_get(*, pk: int) -> Employee:
    """One employee with everything the detail page shows, in one query.

    The unit and its parent, the BUP rule and the retirement record (a LEFT join: most employees have
    none yet) are joined. Raises Employee.DoesNotExist.
    """
    return Employee.objects.select_related("unit__parent", "retirement_rule", "retirement_case").get(pk=pk)


def employee_case(employee: Employee) -> "RetirementCase | None":
    """The employee's retirement record, or None; no query when loaded by employee_get."""
    try:
        return employee.retirement_case
    except RetirementCase.DoesNotExist:
        return None


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    user: str
    kind: str  # "+" created, "~" changed, "-" deleted (simple-history's history_type)
    reason: str
    changes: list[FieldChange]


# Not shown in the change history: bookkeeping, and the rule id (the BUP it sets is shown instead).
_HISTORY_HIDDEN = {"id", "created_at", "updated_at", "user", "retirement_rule"}


def _history_value(field, value, unit_names: dict[int, str]) -> str:
    if value is None or value == "":
        return "\N{EN DASH}"
    if field.name == "unit":
        return unit_names.get(value, str(value))
    if field.flatchoices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.date):
        return formatting.tanggal(value)
    return str(value)


def employee_history(*, employee: Employee, limit: int = 10) -> list[HistoryEntry]:
    """The employee's last `limit` changes, newest first, with who made them and what each changed.

    Two queries whatever the length of the history: the records (one more than shown, so the oldest
    shown can be compared with its predecessor) with their users, and the names of the units involved.
    """
    fields = [f for f in Employee._meta.concrete_fields if f.name not in _HISTORY_HIDDEN]
    records = list(
        employee.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    unit_ids = {record.unit_id for record in records}
    unit_names = dict(UnitKerja.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            for field in fields:
                old, new = getattr(previous, field.attname), getattr(record, field.attname)
                if old != new:
                    changes.append(
                        FieldChange(
                            str(field.verbose_name),
                            _history_value(field, old, unit_names),
                            _history_value(field, new, unit_names),
                        )
                    )
        user = record.history_user
        entries.append(
            HistoryEntry(
                at=record.history_date,
                user=(user.get_full_name() or user.get_username()) if user else "",
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


@dataclass(frozen=True)
class DashboardSummary:
    active: int
    retiring_12_months: int
    retiring_this_year: int
    per_month: list[tuple[dt.date, int]]  # first day of each of the next 12 months, with its retirements

    @property
    def per_month_max(self) -> int:
        return max((count for _, count in self.per_month), default=0)


def dashboard_summary(*, today: dt.date | None = None) -> DashboardSummary:
    """Head counts for the home page, in two queries whatever the register's size."""
    today = today or timezone.localdate()
    # A TMT pensiun is always the 1st of a month; the next one after today opens the window.
    start = _add_months(today.replace(day=1), 1)
    end = _add_months(start, 12)
    active = Employee.objects.filter(status__in=ACTIVE_STATUSES)
    totals = active.aggregate(
        active=Count("pk"),
        retiring_this_year=Count("pk", filter=Q(tmt_pensiun__year=today.year, tmt_pensiun__gt=today)),
    )
    rows = (
        active.filter(tmt_pensiun__gte=start, tmt_pensiun__lt=end)
        .annotate(month=TruncMonth("tmt_pensiun"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["month"]: row["n"] for row in rows}
    per_month = [(month, counts.get(month, 0)) for month in (_add_months(start, i) for i in range(12))]
    return DashboardSummary(
        active=totals["active"],
        retiring_12_months=sum(n for _, n in per_month),
        retiring_this_year=totals["retiring_this_year"],
        per_month=per_month,
    )


# --- Proyeksi purna tugas -----------------------------------------------------------------------------

# The employee list's status filter value for "aktif or MPP" (employees.filters): the people the
# projections and the dashboard count, so that their drill-down links list exactly those people.
STATUS_ACTIVE = "aktif_mpp"
PROJECTION_MONTHS = 12
PROJECTION_YEARS = 5
_MONTH_ABBREVIATIONS = [name[:3] for name in formatting.MONTHS]


def retiring_query(*, start: dt.date, until: dt.date, unit_id: int | None = None, jenis_jabatan: str = "") -> str:
    """The employee list's query string for active employees with a TMT pensiun from the month of
    `start` to the month of `until` (both included), optionally in a unit (with its sub-units) or a
    position category: the drill-down behind a projection's number."""
    params: dict[str, object] = {"status": STATUS_ACTIVE, "tmt_from": f"{start:%Y-%m}", "tmt_until": f"{until:%Y-%m}"}
    if unit_id:
        params["unit"] = unit_id
    if jenis_jabatan:
        params["jenis_jabatan"] = jenis_jabatan
    return urlencode(params)


@dataclass(frozen=True)
class Period:
    """A month or a year of a projection: TMT pensiun from `start` (a 1st) until the month of `until`."""

    start: dt.date
    until: dt.date
    label: str  # "Jan 2026" or "2026"
    short_label: str  # "Jan 26" or "2026", for chart axes


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
    def monthly(self) -> ProjectionTable:
        return self.monthly_by_jenis

    @property
    def yearly(self) -> ProjectionTable:
        return self.yearly_by_jenis


def _months(start: dt.date, count: int) -> list[Period]:
    periods = []
    for index in range(count):
        month = _add_months(start, index)
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
    """Lay out counts keyed by (row key, period start) as rows x periods, with totals and drill-downs."""
    first, last = periods[0].start, periods[-1].until
    table_rows = []
    for key, label in rows:
        args = {**base_args, **query_args(key)}
        cells = [
            ProjectionCell(counts.get((key, p.start), 0), retiring_query(start=p.start, until=p.until, **args))
            for p in periods
        ]
        total = ProjectionCell(sum(c.count for c in cells), retiring_query(start=first, until=last, **args))
        table_rows.append(ProjectionRow(key, label, cells, total))
    totals = [
        ProjectionCell(
            sum(row.cells[index].count for row in table_rows),
            retiring_query(start=p.start, until=p.until, **base_args),
        )
        for index, p in enumerate(periods)
    ]
    total = ProjectionCell(sum(c.count for c in totals), retiring_query(start=first, until=last, **base_args))
    return ProjectionTable(periods, table_rows, totals, total)


def retirement_projection(
    *, today: dt.date | None = None, unit: UnitKerja | None = None, jenis_jabatan: str = ""
) -> RetirementProjection:
    """How many active employees reach their TMT pensiun in each of the next 12 months and 5 years.

    Broken down by top-level unit (a sub-unit's people counted in its dinas, up to two levels down, as
    the list's unit filter does) and by position category; optionally only in `unit` (with its
    sub-units, then shown as one row) or in one position category. Counted in SQL, grouped by unit,
    category and month or year: three queries whatever the register's size (two counts and the names
    of the units).
    """
    today = today or timezone.localdate()
    # A TMT pensiun is a 1st; the next one after today opens the window, as on the dashboard.
    start = _add_months(today.replace(day=1), 1)
    months = _months(start, PROJECTION_MONTHS)
    years = _years(start, PROJECTION_YEARS)

    active = Employee.objects.filter(status__in=ACTIVE_STATUSES)
    if unit is not None:
        active = active.filter(unit_id__in=unit_and_subunit_ids(unit.pk))
        top = Value(unit.pk)
    else:
        top = Coalesce("unit__parent__parent_id", "unit__parent_id", "unit_id")
    if jenis_jabatan:
        active = active.filter(jenis_jabatan=jenis_jabatan)

    def grouped(trunc, until: dt.date) -> list[dict]:
        return list(
            active.filter(tmt_pensiun__gte=start, tmt_pensiun__lt=until)
            .annotate(top=top, period=trunc("tmt_pensiun"))
            .values("top", "jenis_jabatan", "period")
            .annotate(n=Count("pk"))
            .order_by()
        )

    monthly = grouped(TruncMonth, _add_months(start, PROJECTION_MONTHS))
    yearly = grouped(TruncYear, dt.date(start.year + PROJECTION_YEARS, 1, 1))

    if unit is not None:
        units = [(str(unit.pk), unit.name)]
    else:
        found = {row["top"] for row in monthly + yearly}
        units = [
            (str(pk), name)
            for pk, name in UnitKerja.objects.filter(Q(parent__isnull=True, is_active=True) | Q(pk__in=found))
            .order_by("name")
            .values_list("pk", "name")
        ]
    categories = [(code, str(label)) for code, label in JenisJabatan.choices]
    if jenis_jabatan:
        categories = [(code, label) for code, label in categories if code == jenis_jabatan]

    def by(rows: list[dict], key: str, year_start: bool) -> dict[tuple[str, dt.date], int]:
        counts: dict[tuple[str, dt.date], int] = {}
        for row in rows:
            period = row["period"]
            if year_start and period.year == start.year:
                period = start  # the first year's period starts with the projection
            index = (str(row[key]), period)
            counts[index] = counts.get(index, 0) + row["n"]
        return counts

    base_args = {"unit_id": unit.pk if unit else None, "jenis_jabatan": jenis_jabatan}

    def unit_args(key: str) -> dict:
        return {"unit_id": int(key)}

    def jenis_args(key: str) -> dict:
        return {"jenis_jabatan": key}

    return RetirementProjection(
        today=today,
        unit=unit,
        jenis_jabatan=jenis_jabatan,
        monthly_by_unit=_table(months, units, by(monthly, "top", False), unit_args, base_args),
        monthly_by_jenis=_table(months, categories, by(monthly, "jenis_jabatan", False), jenis_args, base_args),
        yearly_by_unit=_table(years, units, by(yearly, "top", True), unit_args, base_args),
        yearly_by_jenis=_table(years, categories, by(yearly, "jenis_jabatan", True), jenis_args, base_args),
    )


def employee_retiring_list(*, months: int, today: dt.date | None = None) -> QuerySet[Employee]:
    """Active employees whose TMT pensiun falls within the next `months` months, soonest first."""
    today = today or timezone.localdate()
    until = _add_months(today.replace(day=1), months + 1)
    return (
        employee_list()
        .filter(status__in=ACTIVE_STATUSES, tmt_pensiun__gt=today, tmt_pensiun__lt=until)
        .order_by("tmt_pensiun", "name")
    )
