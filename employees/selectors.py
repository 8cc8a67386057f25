"""Reads of the register. Query shapes (joins, annotations) are decided here, not in views."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext as _

from employees import cases
from employees.accounts import role_grantable
from employees.choices import CaseStatus, EmployeeStatus, JenisJabatan, RetirementKind
from employees.counts import counts_cached, scope_key
from employees.models import (
    CaseDocument,
    CaseStatusChange,
    DocumentType,
    Employee,
    ImportJob,
    RetirementCase,
    StaffScope,
    UnitKerja,
)
from employees.nip import NIP_LAMA_LENGTH
from employees.retirement import add_months
from employees.scope import Scope, staff_scope
from purna import formatting
from purna.accounts import ALL_UNITS as ACCOUNT_ALL_UNITS
from purna.accounts import AccountState

ACTIVE_STATUSES = [EmployeeStatus.AKTIF, EmployeeStatus.MPP]


def unit_and_subunit_ids(unit_id: int) -> QuerySet[UnitKerja]:
    """The ids of a unit and of its sub-units two levels down, as a sub-select (no join on employees).

    Units nest at most three deep in practice (dinas > bidang > UPT); the projection rolls sub-units up
    to the same depth (see _top_unit).
    """
    return UnitKerja.objects.filter(Q(pk=unit_id) | Q(parent_id=unit_id) | Q(parent__parent_id=unit_id)).values("pk")


def employee_search(queryset: QuerySet[Employee], text: str, *, sort_by_name: bool = False) -> QuerySet[Employee]:
    """Narrow `queryset` to a search typed by a person: a NIP prefix or words of the name.

    Digits (spaces ignored, as NIPs are written "19860926 201505 1 001") search the NIP by prefix,
    which the NIP's unique index answers (Django adds a pattern index for LIKE on PostgreSQL); nine
    digits also find an old NIP. Anything else is a list of words that must all appear in the name, in
    any order and case ("aminah siti"), which the trigram index of migration 0006 answers on PostgreSQL.

    With `sort_by_name`, name matches are sorted by UPPER(name), then id. Sorting by the name column
    lets PostgreSQL walk the name's b-tree index and test every row until a page is full, which it
    prefers whenever it overestimates the matches: a rare word ("Lili", 237 of 100,000) took 47 ms that
    way against 0.7 ms through the trigram index and a sort of the matches. UPPER(name) has no b-tree
    index, so the matches are found first; for names in title case the order is the same.
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
    if sort_by_name:
        queryset = queryset.order_by(Upper("name"), "pk")
    return queryset


def employee_list(*, scope: Scope, search: str = "") -> QuerySet[Employee]:
    """Employees in `scope` with their unit, by name (then id, so pages are stable), optionally searched."""
    employees = scope.filter(Employee.objects.select_related("unit").order_by("name", "pk"))
    return employee_search(employees, search, sort_by_name=True)


# pg_trgm's default (0.6) misses a one-letter typo in a short name ("Aminha" for "Aminah" is 0.57).
NAME_SIMILARITY_THRESHOLD = 0.5


def employee_similar_list(*, scope: Scope, search: str, limit: int = 10) -> list[Employee]:
    """Employees whose names look like `search` despite typos ("Aminha" for "Aminah"), most alike first.

    The fallback when the plain search finds nothing. PostgreSQL only (pg_trgm's word similarity,
    answered by the trigram index of migration 0006, ~2 ms at 100,000 employees where computing the
    similarity of every name takes 250 ms); elsewhere, and for NIP searches, an empty list. The
    operator's threshold is a setting of the session, so it is set for this transaction only: four
    statements (savepoint, setting, query, release).
    """
    text = " ".join(search.split())
    if connection.vendor != "postgresql" or not text or text.replace(" ", "").isdigit() or scope.is_empty:
        return []
    # Imported here: django.contrib.postgres is only importable with a PostgreSQL driver.
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.contrib.postgres.search import TrigramWordSimilarity

    # Upper() on both sides matches the index's expression; trigrams ignore case anyway.
    name = Upper("name")
    query = (
        scope.filter(Employee.objects.select_related("unit"))
        .filter(TrigramWordSimilar(name, Upper(Value(text))))
        .annotate(similarity=TrigramWordSimilarity(Upper(Value(text)), name))
        .order_by("-similarity", "name", "pk")[:limit]
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL pg_trgm.word_similarity_threshold = %s", [NAME_SIMILARITY_THRESHOLD])
        return list(query)


def import_job_list(*, user: Any, scope: Scope) -> QuerySet[ImportJob]:
    """Import jobs a user may look at, newest first: every job for staff who see every unit, otherwise
    their own (a job's errors quote the rows of the file)."""
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-pk")
    return jobs if scope.is_all else jobs.filter(created_by_id=user.pk)


def unit_choices(*, scope: Scope) -> list[tuple[str, str]]:
    """(code, name) of the active units in `scope`, by code: the import page's and template's list."""
    return list(
        scope.filter(UnitKerja.objects.filter(is_active=True), "pk").order_by("code").values_list("code", "name")
    )


def employee_get(*, pk: int, scope: Scope) -> Employee:
    """One employee in `scope` with everything the detail page shows, in one query.

    The unit and its parent, the BUP rule and the retirement record (a LEFT join: most employees have
    none yet) are joined. Raises Employee.DoesNotExist, also for an employee outside the scope.
    """
    employees = Employee.objects.select_related("unit__parent", "retirement_rule", "retirement_case")
    return scope.filter(employees).get(pk=pk)


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


# Not shown in the change history: bookkeeping, the rule id (the BUP it sets is shown instead), and the
# work list's copy of the retirement record, which the history does not keep.
_HISTORY_HIDDEN = {
    "id",
    "created_at",
    "updated_at",
    "user",
    "retirement_rule",
    "case_status",
    "case_due",
    "tmt_effective",
}


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


# --- Proyeksi purna tugas -----------------------------------------------------------------------------

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


# The work list's filter value for "no retirement record opened yet".
CASE_NONE = "belum_ada"
# A record still in progress (not done, not cancelled).
CASE_OPEN_STATUSES = [CaseStatus.PREPARING, CaseStatus.PROPOSED, CaseStatus.SK_ISSUED]
# A record that decides the employee's TMT: any but a cancelled one.
CASE_LIVE_STATUSES = [*CASE_OPEN_STATUSES, CaseStatus.DONE]


def retirement_case_get(*, pk: int, scope: Scope) -> RetirementCase:
    """A retirement record with its employee, unit and BUP rule, in one query. Raises DoesNotExist, also
    for the record of an employee outside `scope`."""
    records = RetirementCase.objects.select_related("employee__unit", "employee__retirement_rule")
    return scope.filter(records, "employee__unit").get(pk=pk)


def case_document_get(*, pk: int, scope: Scope) -> CaseDocument:
    """A document with its record and document type, in one query. Raises CaseDocument.DoesNotExist,
    also for a document of an employee outside `scope`."""
    documents = CaseDocument.objects.select_related("case", "document_type")
    return scope.filter(documents, "case__employee__unit").get(pk=pk)


def document_type_list() -> list[DocumentType]:
    """The active checklist items, in checklist order (one query)."""
    return list(DocumentType.objects.filter(is_active=True).order_by("order", "name"))


@dataclass(frozen=True)
class ChecklistRow:
    document_type: DocumentType
    document: CaseDocument | None

    @property
    def missing(self) -> bool:
        return self.document is None and self.document_type.is_required


@dataclass(frozen=True)
class NextStep:
    """A status the record may move to from where it is, and whether the move needs a reason."""

    status: str
    needs_reason: bool

    @property
    def label(self) -> str:
        return str(cases.ACTION_LABELS[self.status])

    @property
    def status_label(self) -> str:
        return cases.label(self.status)


@dataclass(frozen=True)
class RetirementCaseCard:
    """Everything the retirement card (templates/employees/_retirement_case_card.html) shows."""

    employee: Employee
    case: RetirementCase | None
    deadline: cases.Deadline | None  # the proposal deadline, or "no record yet" (has_case False)
    steps: list[cases.Step]
    checklist: list[ChecklistRow]
    history: list[CaseStatusChange]
    next_steps: list[NextStep]

    @property
    def is_live(self) -> bool:
        return self.case is not None and self.case.status != CaseStatus.CANCELLED

    @property
    def missing_required(self) -> list[DocumentType]:
        return [row.document_type for row in self.checklist if row.missing]

    @property
    def required_count(self) -> int:
        return sum(1 for row in self.checklist if row.document_type.is_required)

    @property
    def uploaded_count(self) -> int:
        return sum(1 for row in self.checklist if row.document is not None)

    @property
    def document_max_bytes(self) -> int:
        return settings.PURNA_DOCUMENT_MAX_BYTES


def retirement_case_card(*, employee: Employee, today: dt.date | None = None) -> RetirementCaseCard:
    """The employee's retirement record as the card shows it: steps, deadline, checklist, history, moves.

    Three queries with a record (the checklist's document types, the record's documents with their
    uploaders, the status changes with their actors), none without one, plus one to find the record
    unless the employee came from employee_get or the record from retirement_case_get.
    """
    today = today or timezone.localdate()
    case = employee_case(employee)
    months_before = settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT
    deadline = None
    if case is not None and case.status != CaseStatus.CANCELLED:
        deadline = cases.case_deadline(status=case.status, proposal_due=case.proposal_due, today=today)
    elif employee.tmt_pensiun is not None and employee.status in ACTIVE_STATUSES:
        deadline = cases.uncased_deadline(tmt_pensiun=employee.tmt_pensiun, months_before=months_before, today=today)
    if case is None:
        return RetirementCaseCard(employee, None, deadline, [], [], [], [])

    documents = {
        document.document_type_id: document
        for document in CaseDocument.objects.filter(case=case).select_related("uploaded_by")
    }
    checklist = [ChecklistRow(kind, documents.get(kind.pk)) for kind in document_type_list()]
    history = list(case.status_changes.select_related("actor").order_by("at", "pk"))
    next_steps = [
        NextStep(status, cases.needs_reason(case.status, status)) for status in cases.allowed_transitions(case.status)
    ]
    return RetirementCaseCard(employee, case, deadline, cases.steps(case.status), checklist, history, next_steps)


# The employee fields the work list shows or reads (a narrower row reads faster).
WORKLIST_FIELDS = [
    "nip",
    "front_title",
    "name",
    "back_title",
    "jabatan",
    "status",
    "tmt_pensiun",
    "case_status",
    "case_due",
    "tmt_effective",
    "unit__name",
]


def worklist_candidates() -> Q:
    """Who can be on the work list at all: in service, or with a record still in progress (e.g. a death).

    The condition of the index employee_worklist (employees/models.py), which PostgreSQL uses only when a
    query states it in the same words: the selector filters on this Q.
    """
    return Q(status__in=ACTIVE_STATUSES) | Q(case_status__in=CASE_OPEN_STATUSES)


def retirement_worklist(
    *,
    scope: Scope,
    months: int,
    today: dt.date | None = None,
    unit_id: int | None = None,
    case_status: str = "",
    only_overdue: bool = False,
) -> QuerySet[Employee]:
    """Akan purna tugas: who retires within the next `months` months, with the state of their record.

    The TMT is the record's (an APS or a death sets its own) or, with no live record, the computed TMT
    pensiun: the employee's `tmt_effective`. Listed: employees in service (or with an open record, e.g. a
    death) whose TMT falls after today and before the first day of the month after the window, as on the
    dashboard; and every open record whose TMT has already passed: that is unfinished work. Sorted by TMT.

    Read from the employee's copy of the record alone (case_status, case_due, tmt_effective, kept in step
    by the services), through the index employee_worklist: at 100,000 employees PostgreSQL counts from
    the index without reading the table and reads a page in the index's order, where joining every row
    to its record took 270 ms. retirement_worklist_rows adds the page's records and documents. Each row
    is annotated with `overdue` (cases.case_deadline / cases.uncased_deadline, as a condition). Filters:
    a unit with its sub-units, a record status (CASE_NONE for no record at all), only overdue rows.
    Only employees in `scope` (the unit is in the index's INCLUDE: still read from the index alone).
    """
    today = today or timezone.localdate()
    months_before = settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT
    until = add_months(today.replace(day=1), months + 1)
    uncased_bound = cases.uncased_overdue_before(today=today, months_before=months_before)
    open_case = Q(case_status__in=CASE_OPEN_STATUSES)
    # Late while being prepared past its deadline; with no live record (the TMT is then the TMT pensiun),
    # late once past TMT - months_before.
    overdue = Q(case_status=CaseStatus.PREPARING, case_due__lt=today) | (
        ~Q(case_status__in=CASE_LIVE_STATUSES) & Q(tmt_effective__lt=uncased_bound)
    )
    qs = (
        Employee.objects.select_related("unit")
        .only(*WORKLIST_FIELDS)
        .filter(worklist_candidates())
        .filter(scope.q())
        .filter(Q(tmt_effective__lt=until) & (Q(tmt_effective__gt=today) | open_case))
        .annotate(overdue=Case(When(overdue, then=True), default=False, output_field=BooleanField()))
    )
    if unit_id:
        qs = qs.filter(unit_id__in=unit_and_subunit_ids(unit_id))
    if case_status == CASE_NONE:
        qs = qs.filter(case_status="")
    elif case_status:
        qs = qs.filter(case_status=case_status)
    if only_overdue:
        qs = qs.filter(overdue)
    return qs.order_by("tmt_effective", "name", "pk")


class KeysFirstPaginator(Paginator):
    """A Paginator whose page walks its offset over the primary keys alone, then reads that page's rows.

    `qs[9950:10000]` makes PostgreSQL read (or sort) the 9,950 rows before the page; selecting the page's
    keys first lets it skip them inside the work list's index (employee_worklist has every column the
    filters and the order need, and the id), so page 200 costs about what page 1 does. One query: the
    keys are a sub-select.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=keys), number, self)


@dataclass(frozen=True)
class WorklistRow:
    employee: Employee  # from retirement_worklist
    deadline: cases.Deadline | None
    missing: list[cases.DocumentSpec]  # required documents not uploaded yet, in checklist order
    case_pk: int | None = None  # the employee's record, if any
    case_kind: str = ""

    @property
    def missing_count(self) -> int:
        return len(self.missing)

    @property
    def case_status_label(self) -> str:
        return str(CaseStatus(self.employee.case_status).label) if self.employee.case_status else ""

    @property
    def case_kind_label(self) -> str:
        return str(RetirementKind(self.case_kind).label) if self.case_kind else ""


def retirement_worklist_rows(employees: list[Employee], *, today: dt.date | None = None) -> list[WorklistRow]:
    """One page of the work list with each row's record, deadline and missing documents.

    Two queries whatever the page's length: the checklist, and the records of the page's employees with
    the types of their uploads (the page itself reads the employees alone, see retirement_worklist).
    """
    today = today or timezone.localdate()
    months_before = settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT
    specs = [
        cases.DocumentSpec(id=kind.pk, name=kind.name, is_required=kind.is_required) for kind in document_type_list()
    ]
    with_record = [employee.pk for employee in employees if employee.case_status]
    records: dict[int, tuple[int, str]] = {}
    uploaded: dict[int, set[int]] = defaultdict(set)
    for employee_id, case_id, kind, type_id in RetirementCase.objects.filter(employee_id__in=with_record).values_list(
        "employee_id", "pk", "kind", "documents__document_type_id"
    ):
        records[employee_id] = (case_id, kind)
        if type_id is not None:
            uploaded[employee_id].add(type_id)
    rows = []
    for employee in employees:
        if employee.case_status in CASE_LIVE_STATUSES:
            deadline = cases.case_deadline(status=employee.case_status, proposal_due=employee.case_due, today=today)
        elif employee.tmt_pensiun is not None:
            deadline = cases.uncased_deadline(
                tmt_pensiun=employee.tmt_pensiun, months_before=months_before, today=today
            )
        else:
            deadline = None
        missing = cases.missing_required(specs, uploaded.get(employee.pk, set()))
        case_pk, case_kind = records.get(employee.pk, (None, ""))
        rows.append(WorklistRow(employee, deadline, missing, case_pk, case_kind))
    return rows


# --- The retirees' portal (purna/portal) ----------------------------------------------------------------


def employees_for_sign_in(*, email: str = "", nip: str = "", limit: int = 3) -> list[Employee]:
    """The employees a portal sign-in request names, by email (any case) or NIP, who have an email on
    record to send the link to and are alive. At most `limit`: one address may be shared by a couple."""
    employees = Employee.objects.exclude(email="").exclude(status=EmployeeStatus.MENINGGAL).select_related("user")
    if email:
        employees = employees.filter(email__iexact=email.strip())
    elif nip:
        employees = employees.filter(nip=nip)
    else:
        return []
    return list(employees.order_by("pk")[:limit])


def employee_for_portal(*, user: Any) -> Employee | None:
    """The employee record a portal user is linked to, with its unit and retirement record; None for a
    user linked to none (staff)."""
    if not user.is_authenticated:
        return None
    return Employee.objects.select_related("unit", "retirement_case").filter(user=user).first()


# --- Staff accounts (employees/accounts.py) -----------------------------------------------------------


def accounts_manageable(*, actor: Any, queryset: QuerySet | None = None) -> QuerySet:
    """The accounts of `queryset` (every account by default) that `actor` may manage in the admin: all for
    a superuser; none for anyone else without a scope; every account but the superusers' for an admin of
    every unit; for an admin of some units, the accounts that have units (a staff scope of chosen units,
    an employee record) all inside the admin's. An account with no unit, or with every unit, is outside."""
    if queryset is None:
        queryset = get_user_model().objects.all()
    if actor.is_superuser:
        return queryset
    scope = staff_scope(actor)
    if scope.is_empty:
        return queryset.none()
    queryset = queryset.filter(is_superuser=False)
    if scope.is_all:
        return queryset
    inside = sorted(scope.unit_ids)
    scope_units = StaffScope.units.through.objects.filter(staffscope_id=OuterRef("pk"))
    employees = Employee.objects.filter(user_id=OuterRef("pk"))
    return queryset.filter(
        ~Exists(StaffScope.objects.filter(user_id=OuterRef("pk"), all_units=True)),
        ~Exists(scope_units.exclude(unitkerja_id__in=inside)),
        # A record without a unit is outside every chosen unit (Scope.covers).
        ~Exists(employees.exclude(unit_id__in=inside)),
        ~Exists(employees.filter(unit_id__isnull=True)),
        Exists(scope_units) | Exists(employees),
    )


def account_state(*, user_id: int) -> AccountState:
    """What the account may do now (roles, own permissions, flags, staff scope, password hash), read for
    the trace of its changes (purna/accounts.py)."""
    user = get_user_model().objects.prefetch_related("groups", "user_permissions__content_type").get(pk=user_id)
    scope = StaffScope.objects.filter(user_id=user_id).prefetch_related("units").first()
    if scope is None:
        scope_text = ""
    elif scope.all_units:
        scope_text = ACCOUNT_ALL_UNITS
    else:
        scope_text = ", ".join(sorted(unit.name for unit in scope.units.all()))
    return AccountState(
        roles=frozenset(group.name for group in user.groups.all()),
        permissions=frozenset(
            f"{permission.content_type.app_label}.{permission.codename}" for permission in user.user_permissions.all()
        ),
        is_superuser=user.is_superuser,
        is_staff=user.is_staff,
        is_active=user.is_active,
        scope=scope_text,
        password=user.password,
    )


def roles_grantable(*, actor: Any) -> QuerySet:
    """The roles (groups) `actor` may give or take away in the admin: every role for a superuser, else
    those that hold no permission the actor lacks (employees/accounts.py)."""
    if actor.is_superuser:
        return Group.objects.all()
    held = actor.get_all_permissions()
    grantable = [
        group.pk
        for group in Group.objects.prefetch_related("permissions__content_type")
        if role_grantable(
            role_permissions={f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()},
            actor_permissions=held,
        )
    ]
    return Group.objects.filter(pk__in=grantable)
