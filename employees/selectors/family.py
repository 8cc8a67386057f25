"""Reads of the register's family and of the retirees' correction requests.

Staff reads take the user's scope (an entry of another unit's employee is DoesNotExist, shown as 404);
the portal's take the retiree's own employee record, never an id alone.
"""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection
from django.db.models import CharField, DateTimeField, F, JSONField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Concat, JSONObject
from django.utils.translation import gettext_lazy

from employees.choices import CorrectionStatus
from employees.family import (
    CHILD_FIELDS,
    PARENT_FIELDS,
    SPOUSE_FIELDS,
    ChildFacts,
    PensionChild,
    child_counts_for_pension,
)
from employees.models import Child, Employee, FamilyCorrection, Parent, Spouse
from employees.scope import Scope

Member = TypeVar("Member", Spouse, Child, Parent)


@dataclass(frozen=True)
class ChildRow:
    """A child with whether they count for the pension on the page's date (and why not)."""

    child: Child
    pension: PensionChild


@dataclass(frozen=True)
class Family:
    spouses: list[Spouse]
    children: list[ChildRow]
    parents: list[Parent]

    @property
    def is_empty(self) -> bool:
        return not (self.spouses or self.children or self.parents)


def child_pension(child: Child, on_date: dt.date) -> PensionChild:
    """employees.family.child_counts_for_pension for a Child row."""
    facts = ChildFacts(
        birth_date=child.birth_date, died_on=child.died_on, is_married=child.is_married, is_working=child.is_working
    )
    return child_counts_for_pension(facts, on_date)


def employee_family(*, employee: Employee, on_date: dt.date) -> Family:
    """The employee's spouses (in their order), children (oldest first, with their other parent and whether
    they count for the pension on `on_date`) and parents: three queries, however large the family."""
    children = Child.objects.filter(employee=employee).select_related("other_parent")
    return Family(
        spouses=list(Spouse.objects.filter(employee=employee)),
        children=[ChildRow(child, child_pension(child, on_date)) for child in children],
        parents=list(Parent.objects.filter(employee=employee)),
    )


def family_member_get(model: type[Member], *, pk: int, scope: Scope) -> Member:
    """A spouse, child or parent whose employee is in `scope` (else model.DoesNotExist)."""
    members: QuerySet[Any] = model.objects.select_related("employee__unit")
    return scope.filter(members, "employee__unit").get(pk=pk)


def family_correction_list(*, scope: Scope, status: str = CorrectionStatus.PENDING) -> QuerySet[FamilyCorrection]:
    """Correction requests of employees in `scope` with a status, oldest first (the staff's queue)."""
    corrections = FamilyCorrection.objects.filter(status=status).select_related("employee__unit", "decided_by")
    return scope.filter(corrections, "employee__unit").order_by("created_at", "pk")


def family_correction_get(*, pk: int, scope: Scope) -> FamilyCorrection:
    """One correction request of an employee in `scope` (else FamilyCorrection.DoesNotExist)."""
    corrections = FamilyCorrection.objects.select_related("employee__unit", "decided_by")
    return scope.filter(corrections, "employee__unit").get(pk=pk)


def employee_family_corrections(*, employee: Employee) -> list[FamilyCorrection]:
    """The employee's own correction requests, newest first (the portal and the staff's employee page)."""
    return list(FamilyCorrection.objects.filter(employee=employee).order_by("-created_at", "-pk"))


def portal_family_correction_get(*, pk: int, employee: Employee) -> FamilyCorrection:
    """One of the retiree's own correction requests (another person's is DoesNotExist, like a missing one)."""
    return FamilyCorrection.objects.get(pk=pk, employee=employee)


# --- The family's part of the employee page's change history --------------------------------------------

# What the history shows of each kind of row: the model, the fields compared, the subject's label.
_HISTORY_SOURCES: list[tuple[str, type[Any], list[str]]] = [
    ("spouse", Spouse, SPOUSE_FIELDS),
    ("child", Child, CHILD_FIELDS),
    ("parent", Parent, PARENT_FIELDS),
    ("correction", FamilyCorrection, ["text", "status", "decision_reason"]),
]
_SUBJECTS = {
    "spouse": gettext_lazy("Spouse"),
    "child": gettext_lazy("Child"),
    "parent": gettext_lazy("Parent"),
    "correction": gettext_lazy("Family correction request"),
}


@dataclass(frozen=True)
class FamilyHistoryRecord:
    """One history row of a spouse, child, parent or correction request of the employee, with the values
    of its fields and of the same row's previous record (None for an addition)."""

    source: str
    at: dt.datetime
    kind: str  # "+", "~", "-"
    user: str
    reason: str
    name: str
    values: dict[str, Any]
    previous: dict[str, Any] | None


def _history_part(source: str, model: type[Any], fields: list[str], employee: Employee) -> QuerySet[Any]:
    history = model.history.model
    attnames = {name: model._meta.get_field(name).attname for name in fields}
    values = JSONObject(**{name: F(attname) for name, attname in attnames.items()})
    previous = (
        history.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values(data=JSONObject(**{name: F(attname) for name, attname in attnames.items()}))[:1]
    )
    return (
        history.objects.filter(employee_id=employee.pk)
        .annotate(
            source=Value(source, output_field=CharField()),
            data=values,
            previous=Subquery(previous, output_field=JSONField()),
            user_name=Concat(
                "history_user__first_name", Value(" "), "history_user__last_name", output_field=CharField()
            ),
            user_login=F("history_user__username"),
            subject=F("name") if source != "correction" else Value("", output_field=CharField()),
        )
        .order_by()
        .values(
            "source",
            "history_id",
            "history_date",
            "history_type",
            "history_change_reason",
            "user_name",
            "user_login",
            "subject",
            "data",
            "previous",
        )
    )


# The family history's query is the same for every employee but for the employee's id, and building and
# compiling its four-part UNION through the ORM cost ~9 ms of CPU on each employee page (the query itself
# runs in 0.2 ms; the employee page is the staff's most frequent request): it is compiled once per process
# and database, with a marker in the id's place, and run with the employee's id put back.
_HISTORY_MARKER = -918_273_645
_HISTORY_SQL: dict[tuple[str, int], tuple[str, list[Any], list[int]]] = {}


def _family_history_sql(limit: int) -> tuple[str, list[Any], list[int]]:
    """The SQL and parameters of the family history's UNION, and the places of the employee's id in them."""
    key = (connection.alias, limit)
    if key not in _HISTORY_SQL:
        marker = Employee(pk=_HISTORY_MARKER)
        parts = [_history_part(source, model, fields, marker) for source, model, fields in _HISTORY_SOURCES]
        union = parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")[:limit]
        sql, params = union.query.get_compiler(connection=connection).as_sql()
        places = [index for index, value in enumerate(params) if value == _HISTORY_MARKER]
        if len(places) != len(parts):  # one employee filter a part; anything else and the marker is unsafe
            raise RuntimeError("the family history's query holds its employee id an unexpected number of times")
        _HISTORY_SQL[key] = (sql, list(params), places)
    return _HISTORY_SQL[key]


def _family_history_rows(employee: Employee, limit: int) -> list[dict[str, Any]]:
    sql, params, places = _family_history_sql(limit)
    params = list(params)
    for place in places:
        params[place] = employee.pk
    # The one column a database may return raw: SQLite gives history_date as text.
    at = Value(None, output_field=DateTimeField())
    converters = connection.ops.get_db_converters(at)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        for convert in converters:
            row["history_date"] = convert(row["history_date"], at, connection)
    return rows


def family_history(*, employee: Employee, limit: int = 10) -> list[FamilyHistoryRecord]:
    """The last `limit` additions, changes and removals of the employee's spouses, children and parents
    and of their correction requests, newest first, each with the previous version of its row: one query
    (the four history tables in one UNION ALL, each row with its predecessor by a correlated subquery)."""
    records = []
    for row in _family_history_rows(employee, limit):
        records.append(
            FamilyHistoryRecord(
                source=row["source"],
                at=row["history_date"],
                kind=row["history_type"],
                user=(row["user_name"] or "").strip() or row["user_login"] or "",
                reason=row["history_change_reason"] or "",
                name=row["subject"],
                values=_json(row["data"]),
                previous=_json(row["previous"]) if row["previous"] is not None else None,
            )
        )
    return records


def _json(value: Any) -> dict[str, Any]:
    # PostgreSQL's JSON comes back parsed; SQLite's JSON functions return text.
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def history_subject(source: str) -> str:
    return str(_SUBJECTS[source])


def history_field(source: str, name: str) -> Any:
    """The model field of a history record's value (for its label and how its value reads)."""
    model = next(model for key, model, _fields in _HISTORY_SOURCES if key == source)
    return model._meta.get_field(name)


def history_fields(source: str) -> list[str]:
    return next(fields for key, _model, fields in _HISTORY_SOURCES if key == source)
