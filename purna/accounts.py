"""The trace of changes to accounts: every change to an account's roles, permissions, admin flags, staff
scope, active flag or password is kept as an AccountChange (who, when, what), for the admins to read.

A change is found by comparing the account's state before and after it (`AccountState`, read by
employees.selectors.account_state, which knows the staff scope); the comparison is pure. A password
is compared by its hash, which is never recorded: the trace says only that it was set, changed or
disabled.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import is_password_usable
from django.db import transaction
from django.utils.translation import gettext as _

from purna.models import AccountChange
from purna.types import User


@dataclass(frozen=True)
class AccountState:
    """What an account may do, as far as the trace follows it."""

    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()  # "app_label.codename", the account's own (not its roles')
    is_superuser: bool = False
    is_staff: bool = False
    is_active: bool = True
    scope: str = ""  # how the staff scope reads: "*" for every unit, else the unit names
    password: str = field(default="", repr=False)  # the hash: compared, never recorded


FLAGS = ("is_superuser", "is_staff", "is_active")
ALL_UNITS = "*"


def _usable(encoded: str) -> bool:
    # Django takes an empty hash for a usable one; here it is "no password yet".
    return bool(encoded) and is_password_usable(encoded)


def _set_change(before: frozenset[str], after: frozenset[str]) -> dict[str, list[str]] | None:
    added, removed = sorted(after - before), sorted(before - after)
    return {"added": added, "removed": removed} if added or removed else None


def account_changes(before: AccountState | None, after: AccountState) -> dict[str, Any]:
    """What changed from `before` to `after` (`before` None: the account was just made), as JSON-ready
    data; empty when nothing the trace follows changed."""
    changes: dict[str, Any] = {}
    if before is None:
        changes["created"] = True
        before = AccountState()
    for name in ("roles", "permissions"):
        if change := _set_change(getattr(before, name), getattr(after, name)):
            changes[name] = change
    for name in FLAGS:
        if getattr(before, name) != getattr(after, name):
            changes[name] = [getattr(before, name), getattr(after, name)]
    if before.scope != after.scope:
        changes["scope"] = [before.scope, after.scope]
    if before.password != after.password:
        if not _usable(after.password):
            changes["password"] = "disabled" if _usable(before.password) else None
        else:
            changes["password"] = "changed" if _usable(before.password) else "set"
        if changes["password"] is None:
            # From one unusable hash to another (a new account made without a password): nothing to say.
            del changes["password"]
    return changes


def account_change_record(
    *, account: User, actor: User | None, before: AccountState | None, after: AccountState
) -> AccountChange | None:
    """Keep what changed on `account` from `before` to `after`, made by `actor` (None: the system);
    nothing is kept when nothing the trace follows changed. Returns the AccountChange or None."""
    changes = account_changes(before, after)
    if not changes:
        return None
    with transaction.atomic():
        return AccountChange.objects.create(
            account=account, account_name=account.get_username(), actor=actor, changes=changes
        )


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _scope_text(scope: str) -> str:
    if scope == ALL_UNITS:
        return _("All work units")
    return scope or _("None")


def account_change_lines(changes: dict[str, Any]) -> list[str]:
    """The recorded `changes`, one line each, in the active language (for the admin pages)."""
    lines = []
    if changes.get("created"):
        lines.append(_("Account created"))
    labels = {
        "roles": (_("Roles added"), _("Roles removed")),
        "permissions": (_("Permissions added"), _("Permissions removed")),
    }
    for name, (added_label, removed_label) in labels.items():
        change = changes.get(name) or {}
        if change.get("added"):
            lines.append(f"{added_label}: {', '.join(change['added'])}")
        if change.get("removed"):
            lines.append(f"{removed_label}: {', '.join(change['removed'])}")
    flag_labels = {"is_superuser": _("Superuser"), "is_staff": _("Admin site access"), "is_active": _("Active")}
    for name, label in flag_labels.items():
        if name in changes:
            before, after = changes[name]
            lines.append(f"{label}: {_yes_no(before)} → {_yes_no(after)}")
    if "scope" in changes:
        before, after = changes["scope"]
        label = _("Staff scope")
        lines.append(f"{label}: {_scope_text(before)} → {_scope_text(after)}")
    password = {"set": _("Password set"), "changed": _("Password changed"), "disabled": _("Password sign-in disabled")}
    if changes.get("password") in password:
        lines.append(password[changes["password"]])
    return lines
