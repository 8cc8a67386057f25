"""Staff scope by unit: which employees a staff user may see and change.

In a province, the operators of one perangkat daerah work on their own units' employees only, while
BKD's central staff see every unit. A user's scope (employees.models.StaffScope, set in the admin) is
every unit, or a set of units with all the units nested under them. Without a scope a staff user sees
nobody (a safe default for a new account); superusers see everything.

One place decides: `staff_scope(user)` gives a `Scope`, and every read of the register (selectors,
exports, dashboards, work lists, reminders, the admin) narrows its queryset with `Scope.filter`,
naming the path from its model to the unit (`"unit"` for employees, `"employee__unit"` for records,
`"participant__employee__unit"` for what hangs off them). An object outside the scope is answered
with 404, not 403, which would confirm that it exists.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Scope:
    """The units a user may see; `unit_ids` None means every unit, an empty set means none."""

    unit_ids: frozenset[int] | None

    @property
    def is_all(self) -> bool:
        return self.unit_ids is None

    @property
    def is_empty(self) -> bool:
        return self.unit_ids is not None and not self.unit_ids

    def covers(self, unit_id: int | None) -> bool:
        """Whether a unit (by id) is inside the scope; no unit at all is inside only an all-units scope."""
        if self.unit_ids is None:
            return True
        return unit_id is not None and unit_id in self.unit_ids

    def q(self, unit_field: str = "unit") -> Q:
        """The condition "the unit at `unit_field` is in scope" (always true for every unit)."""
        if self.unit_ids is None:
            return Q()
        # A sorted literal list: the same statement text for the same scope (plan caches, logs).
        return Q(**{f"{unit_field}__in": sorted(self.unit_ids)})

    def filter(self, queryset: QuerySet, unit_field: str = "unit") -> QuerySet:
        """`queryset` narrowed to rows whose unit (reached through `unit_field`) is in scope."""
        if self.unit_ids is None:
            return queryset
        if not self.unit_ids:
            return queryset.none()
        return queryset.filter(self.q(unit_field))


ALL_UNITS = Scope(None)
NO_UNITS = Scope(frozenset())


def units_with_descendants(roots: Iterable[int], parents: Mapping[int, int | None]) -> frozenset[int]:
    """`roots` and every unit nested under them, at any depth, from a map of each unit to its parent.

    A unit whose chain of parents loops (bad data) is taken as a root's descendant only if the root is
    met on the chain; the walk stops at the first repeated unit.
    """
    roots = frozenset(roots)
    inside: set[int] = set()
    for unit in parents:
        seen = set()
        current: int | None = unit
        while current is not None and current not in seen:
            if current in roots:
                inside.add(unit)
                break
            seen.add(current)
            current = parents.get(current)
    return frozenset(inside | (roots & parents.keys()))


_CACHE_ATTRIBUTE = "_purna_staff_scope"


def staff_scope(user: Any) -> Scope:
    """The scope of a signed-in user: one query (two for a scope of chosen units), then cached on the
    user object for the rest of the request."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    scope = _scope_load(user)
    if user is not None:
        setattr(user, _CACHE_ATTRIBUTE, scope)
    return scope


def staff_scope_forget(user: Any) -> None:
    """Drop the cached scope (after the user's scope changed within the same request or test)."""
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _scope_load(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_UNITS
    return staff_scopes([user])[user.pk]


def staff_scopes(users: Iterable[Any]) -> dict[int, Scope]:
    """The scope of each of `users` by primary key (e.g. the operators a reminder may go to), in one
    query, two if one of them has a scope of chosen units."""
    from employees.models import StaffScope, UnitKerja

    users = list(users)
    scopes = {user.pk: ALL_UNITS if user.is_superuser else NO_UNITS for user in users}
    restricted = [pk for pk, scope in scopes.items() if scope is NO_UNITS]
    roots: dict[int, set[int]] = {}
    for user_id, all_units, unit_id in StaffScope.objects.filter(user_id__in=restricted).values_list(
        "user_id", "all_units", "units"
    ):
        if all_units:
            scopes[user_id] = ALL_UNITS
        elif unit_id is not None:
            roots.setdefault(user_id, set()).add(unit_id)
    if roots:
        parents = dict(UnitKerja.objects.values_list("pk", "parent_id"))
        for user_id, units in roots.items():
            if scopes[user_id] is not ALL_UNITS:
                scopes[user_id] = Scope(units_with_descendants(units, parents))
    return scopes
