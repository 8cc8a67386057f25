"""Reads for the staff accounts in the admin (employees/accounts.py): the accounts and roles an admin may
manage, and an account's state for the trace of its changes.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef, QuerySet

from employees.accounts import role_grantable
from employees.models import Employee, StaffScope
from employees.scope import staff_scope
from purna.accounts import ALL_UNITS as ACCOUNT_ALL_UNITS
from purna.accounts import AccountState
from purna.types import User


def accounts_manageable(*, actor: User, queryset: QuerySet | None = None) -> QuerySet:
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


def roles_grantable(*, actor: User) -> QuerySet:
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
