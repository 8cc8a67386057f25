"""How the permission matrix (tests/purna/test_permission_matrix.py) walks the URLs and knocks: every URL
name of the resolver, one request in a savepoint rolled back after it, its answer, and what it wrote.
"""

import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.purna.matrix_rows import ADMIN_LOGIN, GROUPS, LOGIN, PORTAL_LOGIN, AdminModel


def _walk(patterns, namespace: str = ""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        else:
            assert isinstance(entry, URLPattern)
            yield f"{namespace}{entry.name}" if entry.name else f"{namespace}{entry.pattern}"


def url_names() -> list[str]:
    return list(dict.fromkeys(_walk(get_resolver().url_patterns)))


# --- Knocking ----------------------------------------------------------------------------------------------


def answer_of(response) -> str:
    if response.status_code in (301, 302):
        location = response["Location"]
        for name, label in (("login", LOGIN), ("portal:sign_in", PORTAL_LOGIN), ("admin:login", ADMIN_LOGIN)):
            if location.startswith(reverse(name) + "?"):
                return label
        return "302"
    return str(response.status_code)


# The rows a refused POST must leave as they were: every model of the project's apps and who holds what.
FINGERPRINT_APPS = {"employees", "ceremonies", "benefits", "notifications", "purna", "auth"}


def fingerprint() -> str:
    digest = hashlib.sha256()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in FINGERPRINT_APPS or model.__name__.startswith("Historical"):
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        for row in model._base_manager.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
        digest.update(model._meta.label.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Knock:
    name: str
    url: str
    method: str
    data: dict | None
    expected: dict[str, str]
    # An admin page whose answer depends on the role only, not on the scope (a model's list and blank form,
    # the pages of a model without units): asked of unit A's roles, not again of unit B's (time).
    scope_blind: bool = False


def admin_expected(view: str, row: AdminModel, method: str) -> dict[str, str]:
    """An admin page's answers from its model's row: nobody signed in -> the staff sign-in (every URL needs
    a login); a retiree (not staff) -> the admin's sign-in; a role without the permission -> 403 (a POST
    to a change page needs the change permission, the view permission only shows it); with it, 200, or
    the redirect after a confirmed delete; 404 on unit A's row for a scope without unit A."""
    viewers = row.view.split(",") + row.change.split(",")
    allowed = {
        "changelist": viewers,
        "history": viewers,
        "change": row.change.split(",") if method == "POST" else viewers,
        "add": row.add.split(","),
        "delete": row.delete.split(","),
    }[view]
    answers = {"anon": LOGIN, "retiree": ADMIN_LOGIN, "retiree2": ADMIN_LOGIN}
    for identity in GROUPS["staff"]:
        role = "opr" if identity == "nounit" else identity.partition("@")[0]
        outside = row.scoped and not identity.endswith("@A")
        if outside and view == "history":
            answers[identity] = row.history_outside
        elif role not in allowed:
            answers[identity] = "403"
        elif outside and view in {"change", "delete"}:
            # Django's answer for a row that does not exist: back to the admin's index, with a message.
            answers[identity] = "302"
        elif view == "delete" and method == "POST":
            answers[identity] = "200~" if row.protected else "302"
        else:
            answers[identity] = "200"
    for token in row.overrides.get((view, method), "").split():
        who, _, answer = token.rpartition(":")
        answers.update(dict.fromkeys(who.split(","), answer))
    return answers


def knock(client: Client, item: Knock, must_not_change: bool) -> tuple[str, bool | None]:
    """The answer to one request, and, when `must_not_change`, whether it changed the world (None: it
    could not be read)."""
    with transaction.atomic():
        before = writes() if must_not_change else None
        response = client.get(item.url) if item.method == "GET" else client.post(item.url, item.data)
        answer = answer_of(response)
        changed = False
        if must_not_change:
            try:
                changed = writes() != before
            except DatabaseError:
                changed = None
        transaction.set_rollback(True)
    return answer, changed


def writes():
    """What the current transaction wrote so far: on PostgreSQL its own statistics (rows inserted, updated,
    deleted per table, one query), elsewhere a digest of every row of the project's apps."""
    if connection.vendor != "postgresql":
        return fingerprint()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 AND relname <> 'django_session' ORDER BY relname"
        )
        return cursor.fetchall()
