"""Reads of the register: search, the employee list and detail, the change history.

Query shapes (joins, annotations) are decided here, not in views.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from employees.choices import EmployeeStatus
from employees.counts import CachedCountPaginator, queryset_cached
from employees.models import Employee, RetirementCase, UnitKerja
from employees.nip import NIP_LAMA_LENGTH
from employees.scope import Scope
from employees.selectors.family import family_history, history_field, history_fields, history_subject
from purna import formatting

ACTIVE_STATUSES = [EmployeeStatus.AKTIF, EmployeeStatus.MPP]


def unit_and_subunit_ids(unit_id: int) -> QuerySet[UnitKerja]:
    """The ids of a unit and of its sub-units two levels down, as a sub-select (no join on employees).

    Units nest at most three deep in practice (dinas > bidang > UPT); the projection rolls sub-units up
    to the same depth (see _top_unit).
    """
    return UnitKerja.objects.filter(Q(pk=unit_id) | Q(parent_id=unit_id) | Q(parent__parent_id=unit_id)).values("pk")


# pg_trgm indexes three-letter pieces of a name: a shorter word cannot be looked up in its index.
TRIGRAM_LENGTH = 3


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

    Words of one or two letters are the opposite case: the trigram index cannot answer them (a trigram
    is three letters), and they match most names ("an": 45,000 of 100,000), which were all read and
    sorted (55 ms). Sorted by the name column, the b-tree walk finds a page of them at once (0.4 ms), so
    a search made only of such words (the first keys typed) sorts by the name itself.
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
    words = text.split()
    for word in words:
        queryset = queryset.filter(name__icontains=word)
    if sort_by_name:
        dense = all(len(word) < TRIGRAM_LENGTH for word in words)
        queryset = queryset.order_by("name", "pk") if dense else queryset.order_by(Upper("name"), "pk")
    return queryset


def employee_list(*, scope: Scope, search: str = "") -> QuerySet[Employee]:
    """Employees in `scope` with their unit, by name (then id, so pages are stable), optionally searched."""
    employees = scope.filter(Employee.objects.select_related("unit").order_by("name", "pk"))
    return employee_search(employees, search, sort_by_name=True)


# The register's orders by unit (employees.filters.StableOrderingFilter: the unit's name, then the name and
# the id), and whether each is descending.
UNIT_ORDERS = {("unit__name", "name", "pk"): False, ("-unit__name", "name", "pk"): True}


def unit_groups(queryset: QuerySet[Employee], *, descending: bool) -> list[tuple[list[int], int]]:
    """The employees of `queryset` per unit name, in the order of the names (the database's, as the page
    query sorts them): [(the units of that name, how many employees)]. Units that share a name are one
    group, as their people are sorted together. One query, cached until the register changes."""

    def compute() -> list[tuple[list[int], int]]:
        rows = (
            queryset.order_by()
            .values_list("unit__name", "unit_id")
            .annotate(employees=Count("pk"))
            .order_by("-unit__name" if descending else "unit__name", "unit_id")
        )
        groups = []
        for _name, same_name in groupby(rows, key=itemgetter(0)):
            units = list(same_name)
            groups.append(([unit_id for _name, unit_id, _count in units], sum(count for *_unit, count in units)))
        return groups

    return queryset_cached(f"unit_groups:{int(descending)}", queryset, compute)


def unit_sorted_rows(queryset: QuerySet[Employee], bottom: int, top: int, *, descending: bool) -> QuerySet[Employee]:
    """Rows [bottom, top) of `queryset` sorted by unit, read from the units that hold them only.

    Sorted by the unit's name, PostgreSQL joined and sorted every row of the register for each page (94 ms
    at 100,000 employees, growing with it): the order is in another table, which no index of the employees
    can follow. The employees per unit (unit_groups, cached) tell which units hold the page's rows and how
    many come before them; one unit's rows are then read in the order of its index (unit, name, id)."""
    start, before, units = 0, 0, []
    for group_units, employees in unit_groups(queryset, descending=descending):
        if start + employees > bottom and start < top:
            if not units:
                before = start
            units.extend(group_units)
        start += employees
        if start >= top:
            break
    rows = queryset.filter(unit_id__in=units)
    if len(units) == 1:  # one unit: its name is the same on every row, so its order is name then id
        rows = rows.order_by("name", "pk")
    return rows[bottom - before : top - before]


class RegisterPaginator(CachedCountPaginator):
    """The register's pages (total cached until the register changes); sorted by unit, a page reads only
    the units it covers (unit_sorted_rows)."""

    def rows(self, bottom: int, top: int) -> QuerySet[Employee]:
        descending = UNIT_ORDERS.get(tuple(self.object_list.query.order_by))
        if descending is None:
            return super().rows(bottom, top)
        return unit_sorted_rows(self.object_list, bottom, top, descending=descending)


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


def employee_get(*, pk: int, scope: Scope) -> Employee:
    """One employee in `scope` with everything the detail page shows, in one query.

    The unit and its parent, the BUP rule and the retirement record (a LEFT join: most employees have
    none yet) are joined. `has_payouts` and `has_events` say whether the other apps hold anything about
    the person (most employees, years from retiring, have neither), so the page reads those lists only
    when there is something to read. Raises Employee.DoesNotExist, also for an employee outside the scope.
    """
    employees = Employee.objects.select_related("unit__parent", "retirement_rule", "retirement_case").annotate(
        has_payouts=_related_exists("payouts"), has_events=_related_exists("event_participations")
    )
    return scope.filter(employees).get(pk=pk)


def _related_exists(relation: str) -> Exists:
    """Whether the employee has a row in another app's model, reached through its reverse `relation`
    (this app imports neither benefits nor ceremonies)."""
    field = Employee._meta.get_field(relation)
    return Exists(field.related_model.objects.filter(**{field.field.name: OuterRef("pk")}))


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
    # A change of the family (a spouse, child, parent or correction request): what it is about, e.g.
    # "Anak: Dewi"; empty for the employee's own record.
    subject: str = ""
    action: str = ""  # for a change of the family: added, changed, removed (a request: sent, decided)


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


def employee_history(
    *, employee: Employee, limit: int = 10, spouse_names: dict[int, str] | None = None
) -> list[HistoryEntry]:
    """The employee's last `limit` changes, newest first, with who made them and what each changed: their
    own record's, and the additions, changes and removals of their spouses, children and parents and
    their correction requests (employees.selectors.family.family_history). `spouse_names` name a child's
    other parent (the page has read the spouses).

    At most three queries whatever the length of the history: the records (one more than shown, so the
    oldest shown can be compared with its predecessor) with their users, the names of the units involved
    (none when the employee's unit, loaded with it, is the only one), and the family's records with their
    predecessors.
    """
    fields = [f for f in Employee._meta.concrete_fields if f.name not in _HISTORY_HIDDEN]
    records = list(
        employee.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    unit_names = _units_known(employee)
    # Only units the employee was moved from need a query: most never moved, and their unit is loaded.
    unknown = {record.unit_id for record in records} - unit_names.keys() - {None}
    if unknown:
        unit_names.update(UnitKerja.objects.filter(pk__in=unknown).values_list("pk", "name"))
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
    entries += _family_entries(family_history(employee=employee, limit=limit), spouse_names or {})
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _units_known(employee: Employee) -> dict[int, str]:
    """The names of the employee's unit and its parent when already loaded (employee_get joins them)."""
    known: dict[int, str] = {}
    unit_field = Employee._meta.get_field("unit")
    if employee.unit_id is not None and unit_field.is_cached(employee):
        unit = employee.unit
        known[unit.pk] = unit.name
        if unit.parent_id is not None and UnitKerja._meta.get_field("parent").is_cached(unit):
            known[unit.parent.pk] = unit.parent.name
    return known


def _family_value(field, value: Any, spouse_names: dict[int, str]) -> str:
    if value is not None and field.name == "other_parent":
        return spouse_names.get(value, "\N{EN DASH}")
    if isinstance(value, str) and value and field.get_internal_type() == "DateField":
        value = dt.date.fromisoformat(value)
    if isinstance(value, int) and field.get_internal_type() == "BooleanField":
        value = bool(value)  # SQLite's JSON writes booleans as 0 and 1
    return _history_value(field, value, {})


def _family_entries(records: list, spouse_names: dict[int, str]) -> list[HistoryEntry]:
    entries = []
    for record in records:
        changes = []
        if record.kind == "~" and record.previous is not None:
            for name in history_fields(record.source):
                old, new = record.previous.get(name), record.values.get(name)
                if old != new:
                    field = history_field(record.source, name)
                    if name == "text":
                        continue  # a request's own words do not change; its decision does
                    changes.append(
                        FieldChange(
                            str(field.verbose_name),
                            _family_value(field, old, spouse_names),
                            _family_value(field, new, spouse_names),
                        )
                    )
        subject = history_subject(record.source)
        if record.source == "correction":
            action = {"+": _("sent"), "~": _("decided"), "-": _("removed")}[record.kind]
        else:
            action = {"+": _("added"), "~": _("changed"), "-": _("removed")}[record.kind]
        entries.append(
            HistoryEntry(
                at=record.at,
                user=record.user,
                kind=record.kind,
                reason=record.reason,
                changes=changes,
                subject=f"{subject}: {record.name}" if record.name else subject,
                action=action,
            )
        )
    return entries
