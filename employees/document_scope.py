"""The staff scope as a document's parameter (purna/generated.py): a document made in the background
is made for the units of the user who asked, and only users with the same units may have it."""

from typing import Any

from employees.scope import Scope, staff_scope


def scope_param(scope: Scope) -> list[int] | None:
    """The scope as JSON: None for every unit, else the sorted unit ids."""
    return None if scope.unit_ids is None else sorted(scope.unit_ids)


def scope_from_param(value: list[int] | None) -> Scope:
    return Scope(None if value is None else frozenset(value))


def scope_matches(user: Any, params: dict) -> bool:
    """Whether `user` sees exactly the units the document was made for (another scope: 404)."""
    return scope_param(staff_scope(user)) == params.get("units", "missing")
