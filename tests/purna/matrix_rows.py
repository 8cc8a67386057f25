"""The language of the permission matrix's rows (tests/purna/test_permission_matrix.py, whose docstring
describes it): tokens `who:answer` read into each identity's expected answer, the usual staff rows
(S, U), and the admin's row per model (AdminModel).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType

from tests.purna.matrix_world import IDENTITIES, ROLE_CODES, ROLE_IDENTITIES_A, ROLE_IDENTITIES_B

LOGIN, PORTAL_LOGIN, ADMIN_LOGIN = "login", "portal-login", "admin-login"
GROUPS: dict[str, list[str]] = {
    "all": IDENTITIES,
    "staff": [*ROLE_IDENTITIES_A, *ROLE_IDENTITIES_B, "nounit"],
    "A": ROLE_IDENTITIES_A,
    "B": ROLE_IDENTITIES_B,
    "retirees": ["retiree", "retiree2"],
    **{code: [f"{code}@A", f"{code}@B"] for code in ROLE_CODES},
}
# The answers that refuse: a POST answered with one of them must have changed nothing.
REFUSED = {LOGIN, PORTAL_LOGIN, ADMIN_LOGIN, "400", "403", "404", "405", "410", "422"}


def expect(text: str) -> dict[str, str]:
    """The answer of every identity from a row's tokens (see the module's docstring)."""
    answers: dict[str, str] = {}
    for token in text.split():
        who, _, answer = token.rpartition(":")
        for name in who.split(","):
            members = GROUPS.get(name, [name])
            assert set(members) <= set(IDENTITIES), f"unknown identity {name!r} in {text!r}"
            answers.update(dict.fromkeys(members, answer))
    missing = [identity for identity in IDENTITIES if identity not in answers]
    assert not missing, f"row {text!r} says nothing of {missing}"
    return answers


@dataclass(frozen=True)
class Row:
    """The URL's parameters from the world, then the expected answers to a GET and, for a view that
    changes something, to a POST of `data` (None: a read, asked with GET only)."""

    args: Callable | None
    get: str
    post: str | None = None
    data: dict | Callable | None = None
    # For the patterns without a name (reverse() cannot build them): the path itself, from the world.
    url: Callable | None = None


def _by_role(text: str) -> dict[str, str]:
    """ "adm,opr:200 ver,ben,pim:403" -> the answer of each role code ("all:" for every role)."""
    answers = {}
    for token in text.split():
        who, _, answer = token.rpartition(":")
        for code in ROLE_CODES if who == "all" else who.split(","):
            answers[code] = answer
    assert set(answers) == set(ROLE_CODES), f"{text!r} names not every role"
    return answers


def _outside(answer: str) -> str:
    # Outside the scope, a role the permission lets in meets "not found"; a refusal stays a refusal.
    return answer if answer in {"403", "405"} else "404"


def S(text: str, more: str = "") -> str:
    """A staff page of one of unit A's objects: `text` gives each role's answer in unit A (role codes);
    the same roles in unit B, and the operator with no unit, get 404 where the permission lets them in.
    Nobody signed in goes to the sign-in page, a retiree (no role) is refused; `more` overrides."""
    roles = _by_role(text)
    tokens = ["anon:login", "retirees:403", "nounit:" + _outside(roles["opr"])]
    tokens += [f"{code}@A:{answer}" for code, answer in roles.items()]
    tokens += [f"{code}@B:{_outside(answer)}" for code, answer in roles.items()]
    return " ".join(tokens + more.split())


def U(text: str, more: str = "") -> str:
    """A staff page of no one unit (a list, a blank form, an export narrowed to the scope): the same
    answer for a role whatever its scope (the operator with no unit answers as an operator)."""
    roles = _by_role(text)
    tokens = ["anon:login", "retirees:403", "nounit:" + roles["opr"]]
    tokens += [f"{code}:{answer}" for code, answer in roles.items()]
    return " ".join(tokens + more.split())


# Unit A's objects, by the name of the URL parameter.
def pk(name: str) -> Callable:
    return lambda w: {"pk": w.objects[name].pk}


EVERY_ROLE = "adm,opr,ver,ben,pim"
EDITORS = "adm,opr:200 ver,ben,pim:403"  # the register and the ceremonies: admins and operators
EDITORS_DONE = "adm,opr:302 ver,ben,pim:403"  # ... and their POST's redirect once done
ANY = "all:200"
POST_ONLY = "staff:405 anon:login retirees:405"  # a POST-only view asked with GET


def ct(obj) -> int:
    return ContentType.objects.get_for_model(obj).pk


def history(name: str) -> Callable:
    """The admin's page of one historical version of unit A's object `name` (a regex without names)."""

    def url(w) -> str:
        obj = w.objects[name]
        version = obj.history.order_by("history_id").first().history_id
        return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/history/{version}/"

    return url


def history_row(name: str, scoped: bool) -> Row:
    """simple-history's page of an old version: shown to whoever may view the row (404 outside the scope),
    never saved back (purna.admin.HistoryAdmin: revert is off)."""
    get = S(ANY) if scoped else U(ANY)
    # The scope is checked first (ScopedAdminMixin): outside it, "not found" before "forbidden".
    post = S("all:403", "B,nounit:404") if scoped else U("all:403")
    return Row(None, get + " retirees:admin-login", post + " retirees:admin-login", url=history(name))


@dataclass(frozen=True)
class AdminModel:
    """Who may see, add, change and delete a model's rows in the admin (role codes, comma-separated), and
    whether its rows belong to a unit (then unit B's staff and the operator with no unit get 404 on unit
    A's rows)."""

    view: str
    add: str = ""
    change: str = ""
    delete: str = ""
    scoped: bool = False
    obj: Callable | None = None
    # Unit A's row is referenced by others (PROTECT): a confirmed delete shows what holds it, deletes nothing.
    protected: bool = False
    # The history of a row outside the scope: 404 (employees.admin.ScopedAdminMixin, before the permission),
    # or Django's "does not exist" redirect for an admin that narrows its own queryset.
    history_outside: str = "404"
    # Answers that differ from the rule, as tokens per (view, method): {("change", "POST"): "opr@A:302"}.
    overrides: dict = field(default_factory=dict)


ADMIN_VIEWS = ["changelist", "add", "change", "delete", "history"]
