"""The permission matrix: every URL of the site, knocked on by every kind of visitor, GET and POST, against
one table of expected answers.

The walk lists every URL pattern of the resolver (the admin's pages of each registered model included);
each is filled with the real ids of unit A's objects (tests/purna/matrix_world.py) and asked by: nobody
signed in, each role scoped to unit A, the same roles scoped to unit B (who must get 404 on unit A's
objects, never 200, nor 403 once the permission lets them in: that would confirm the object exists), an
operator with no unit, and two retirees. Views that change something are also asked with POST.

**A new URL needs a row in TABLE** (or, for the admin's pages of a new model, in ADMIN_MODELS): the walk
fails naming it ("add a row for: ..."). A row is written as tokens `who:answer`, read left to right, a
later token overriding an earlier one; `who` is an identity (`opr@A`, `nounit`, `retiree`...), a group
(`all`, `staff`, `A`, `B`, `retirees`, or a role code for both units: `adm`, `opr`, `ver`, `ben`, `pim`),
or several joined by commas; `answer` is a status code, or `login` / `portal-login` / `admin-login` for
a redirect to that sign-in page, followed by `~` when that answer refuses (a redirect with a message, a
form with its errors). S() and U() write the usual staff rows from each role's answer in unit A.

Each request runs in a savepoint rolled back after it, so every request meets the same world (an allowed
POST that changed something does not change the next request's answer), and no on-commit task is sent.
A refused request, and every GET, must have written nothing (on PostgreSQL, the transaction's own count
of rows written; elsewhere, refused POSTs only, by a digest of the rows).
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.purna.matrix_world import IDENTITIES, ROLE_CODES, ROLE_IDENTITIES_A, ROLE_IDENTITIES_B, build_world

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


# GETs that write, on purpose: not a change of state the matrix guards.
GET_WRITES = {"certificate_verify": "counts the checks of a certificate (Certificate.verification_count)"}

# --- THE TABLE: one row per URL name. A new URL fails test_every_url_has_a_row until it has one. --------
# Answers: a status code, `login` / `portal-login` / `admin-login` (the redirect to that sign-in page),
# or a code followed by `~`: answered so (a redirect with a message, a form with its errors) but refused:
# nothing may change.
TABLE: dict[str, Row] = {
    # The ground: sign-in, language, health, the public certificate check.
    # A retiree who opens the staff site is sent to their portal.
    "dashboard": Row(None, U(ANY, "retirees:302")),
    "healthz": Row(None, "all:200"),
    # The system's status (purna/status): superusers only, and none of the matrix's identities is one.
    "status:system": Row(None, "all:403 anon:login"),
    "instansi_logo": Row(None, "all:302"),
    "login": Row(None, "all:302 anon:200", "all:302 anon:200~"),
    "logout": Row(None, "all:405 anon:login", "all:302 anon:login"),
    # A retiree has no password to change (portal accounts sign in with links): sent to the portal.
    "password_change": Row(None, "all:200 anon:login retirees:302", "all:200~ anon:login retirees:302~"),
    "password_change_done": Row(None, "all:200 anon:login retirees:302"),
    # The second step of a staff sign-in (purna/two_factor): the session's own, no permission; whoever owes
    # no second factor (the suite runs with PURNA_TWO_FACTOR off) is sent on to `next`.
    "two_factor:verify": Row(None, "all:302 anon:login", "all:302~ anon:login"),
    "two_factor:enrol": Row(None, "all:302 anon:login", "all:302~ anon:login"),
    # The recovery codes are shown once, from the session that made them; without any, a page that says so.
    "two_factor:recovery_codes": Row(None, "all:200 anon:login"),
    "set_language": Row(None, "all:302", "all:302", {"language": "en"}),
    "certificate_verify": Row(lambda w: {"code": w.certificate.verification_code}, "all:200"),
    # The register.
    "employees:list": Row(None, U(ANY)),
    "employees:detail": Row(pk("employee"), S(ANY)),
    "employees:create": Row(None, U(EDITORS), U(EDITORS)),
    "employees:update": Row(pk("employee"), S(EDITORS), S(EDITORS)),
    "employees:projection": Row(None, U(ANY)),
    "employees:projection_print": Row(None, U(ANY)),
    "employees:projection_xlsx": Row(None, U(ANY)),
    "employees:retiring": Row(None, U(ANY)),
    "employees:case_open": Row(pk("employee"), S(EDITORS), S(EDITORS)),
    "employees:case_detail": Row(pk("case"), S(ANY)),
    "employees:case_transition": Row(lambda w: {"pk": w.case.pk, "to_status": "diusulkan"}, S(EDITORS), S(EDITORS)),
    "employees:case_document_upload": Row(
        lambda w: {"pk": w.case.pk, "type_pk": w.document_type.pk}, S(EDITORS), S(EDITORS)
    ),
    "employees:case_document": Row(pk("case_document"), S(ANY)),
    "employees:case_document_delete": Row(pk("case_document"), POST_ONLY, S(EDITORS_DONE)),
    # Imports: a job is shown to whoever uploaded it (and to staff who see every unit).
    "employees:import_create": Row(None, U(EDITORS), U(EDITORS)),
    "employees:import_detail": Row(pk("import_job"), S(EDITORS, "adm@A:404")),
    "employees:import_progress": Row(pk("import_job"), S(EDITORS, "adm@A:404")),
    "employees:import_template": Row(lambda w: {"fmt": "xlsx"}, U(EDITORS)),
    "employees:export": Row(lambda w: {"fmt": "xlsx"}, U(ANY)),
    # Ceremonies.
    "ceremonies:list": Row(None, U(ANY)),
    "ceremonies:create": Row(None, U(EDITORS), U(EDITORS)),
    "ceremonies:detail": Row(pk("event"), S(ANY)),
    "ceremonies:update": Row(pk("event"), S(EDITORS), S(EDITORS)),
    "ceremonies:transition": Row(lambda w: {"pk": w.event.pk, "to_status": "draf"}, POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:session_create": Row(pk("event"), S(EDITORS), S(EDITORS)),
    "ceremonies:session_update": Row(lambda w: {"pk": w.event.pk, "session_pk": w.session.pk}, S(EDITORS), S(EDITORS)),
    "ceremonies:session_delete": Row(
        lambda w: {"pk": w.event.pk, "session_pk": w.session.pk}, POST_ONLY, S(EDITORS_DONE)
    ),
    "ceremonies:cohort": Row(pk("event"), S(EDITORS), S(EDITORS_DONE), lambda w: {"employee": [w.employee.pk]}),
    "ceremonies:checkin": Row(pk("event"), S(EDITORS)),
    "ceremonies:checkin_all": Row(pk("event"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:checkin_code": Row(
        lambda w: {"pk": w.event.pk, "code": w.participant.checkin_code}, S(EDITORS), S(EDITORS_DONE)
    ),
    "ceremonies:participant": Row(pk("participant"), S("all:302")),
    "ceremonies:participant_update": Row(pk("participant"), S(EDITORS), S(EDITORS_DONE)),
    "ceremonies:participant_remove": Row(pk("participant"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:participant_check_in": Row(pk("participant"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:souvenir": Row(pk("participant"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:attendance_pdf": Row(pk("event"), S(ANY)),
    "ceremonies:participants_xlsx": Row(pk("event"), S(ANY)),
    "ceremonies:report_pdf": Row(pk("farewell"), S(ANY)),
    "ceremonies:letters_pdf": Row(pk("event"), S(ANY)),
    # The invitation's own page: a signed link, no sign-in (an answer it does not know is refused).
    "ceremonies:rsvp": Row(None, "all:200", "all:400", {"answer": "tidak-ada"}, url=lambda w: w.rsvp_path),
    "ceremonies:invitations_send": Row(pk("event"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:certificates": Row(pk("farewell"), S(ANY)),
    "ceremonies:certificates_issue": Row(pk("farewell"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:certificates_print": Row(pk("farewell"), S(ANY)),
    "ceremonies:certificates_zip": Row(pk("farewell"), S(ANY)),
    "ceremonies:certificate_batch": Row(pk("certificate_batch"), S(ANY)),
    "ceremonies:certificate_batch_progress": Row(pk("certificate_batch"), S(ANY)),
    "ceremonies:certificate_batch_retry": Row(pk("certificate_batch"), POST_ONLY, S(EDITORS_DONE)),
    "ceremonies:certificate_pdf": Row(pk("certificate"), S(ANY)),
    "ceremonies:certificate_revoke": Row(pk("certificate"), POST_ONLY, S(EDITORS_DONE), {"reason": "Salah nama"}),
    "ceremonies:certificate_reissue": Row(pk("certificate"), POST_ONLY, S(EDITORS_DONE)),
    # THT and tali asih: each step of a payout is one role's (benefits/services/payouts.py).
    "benefits:list": Row(None, U(ANY)),
    "benefits:payouts": Row(None, U(ANY)),
    # The bulk steps read the ticked payouts through the scope and leave the step to the service, which
    # refuses a role without its permission with a message.
    "benefits:payouts_verify": Row(
        None, POST_ONLY, U("all:302~", "adm@A,ver@A:302"), lambda w: {"payout": [w.payout_draft.pk]}
    ),
    "benefits:payouts_approve": Row(
        None, POST_ONLY, U("all:302~", "adm@A,pim@A:302"), lambda w: {"payout": [w.payout_verified.pk]}
    ),
    "benefits:payout_detail": Row(pk("payout_paid"), S(ANY)),
    "benefits:payout_verify": Row(pk("payout_draft"), POST_ONLY, S("adm,ver:302 opr,ben,pim:403")),
    "benefits:payout_approve": Row(pk("payout_verified"), POST_ONLY, S("adm,pim:302 opr,ver,ben:403")),
    "benefits:payout_pay": Row(pk("payout_approved"), POST_ONLY, S("adm,ben:422~ opr,ver,pim:403")),
    "benefits:payout_override": Row(pk("payout_draft"), POST_ONLY, S("adm,opr:422~ ver,ben,pim:403")),
    "benefits:payout_cancel": Row(pk("payout_draft"), POST_ONLY, S(EDITORS_DONE), {"reason": "Salah orang"}),
    "benefits:payout_reverse": Row(
        pk("payout_paid"), POST_ONLY, S("adm,pim:302 opr,ver,ben:403"), {"reason": "Salah jumlah"}
    ),
    "benefits:payout_proof": Row(pk("payout_paid"), S(ANY)),
    "benefits:prepare": Row(None, U(EDITORS), U(EDITORS)),
    # A preparation batch is shown to whoever asked for it only.
    "benefits:batch_detail": Row(pk("payout_batch"), S(EDITORS, "adm@A:404")),
    "benefits:batch_progress": Row(pk("payout_batch"), S(EDITORS, "adm@A:404")),
    "benefits:tht": Row(None, U(ANY)),
    "benefits:tht_import": Row(None, U(EDITORS), U(EDITORS)),
    "benefits:tht_template": Row(None, U(EDITORS)),
    "benefits:tht_edit": Row(lambda w: {"employee_pk": w.retiree_employee.pk}, S(EDITORS), S(EDITORS)),
    "benefits:handover": Row(pk("event"), S(ANY)),
    "benefits:handover_pay": Row(
        lambda w: {"pk": w.event.pk, "payout_pk": w.payout_approved.pk}, POST_ONLY, S("adm,ben:302 opr,ver,pim:403")
    ),
    "benefits:receipt_pdf": Row(pk("payout_paid"), S(ANY)),
    # Issuing a receipt takes a number: those who prepare or pay payouts (benefits.services.receipts.
    # PERMS_ISSUE); readers are refused. The view permission is checked before the method (GET: 405).
    "benefits:receipt_issue": Row(pk("payout_paid"), U("all:405"), S("adm,opr,ben:302 ver,pim:403")),
    "benefits:receipt_status": Row(pk("payout_paid"), S(ANY)),
    "benefits:recap_xlsx": Row(None, U(ANY)),
    "benefits:recap_pdf": Row(None, U(ANY)),
    # The outbox.
    "notifications:list": Row(None, U("adm,opr,pim:200 ver,ben:403")),
    "notifications:detail": Row(pk("message"), S("adm,opr,pim:200 ver,ben:403")),
    # The email's HTML, framed by the detail page under a policy of its own (purna/notifications/views.py).
    "notifications:html": Row(pk("message"), S("adm,opr,pim:200 ver,ben:403")),
    "notifications:retry": Row(pk("message"), POST_ONLY, S(EDITORS_DONE)),
    "notifications:cancel": Row(pk("message"), POST_ONLY, S(EDITORS_DONE), {"reason": "Tidak perlu"}),
    # The retirees' portal: each sees their own papers only; staff are refused.
    "portal:home": Row(None, "all:403 anon:portal-login retirees:200"),
    "portal:sign_in": Row(None, "all:200 retirees:302", "all:200~ retirees:302"),
    "portal:sign_in_sent": Row(None, "all:200"),
    "portal:sign_in_link": Row(None, "all:410", "all:410"),
    "portal:sign_out": Row(None, "all:405", "all:302"),
    "portal:certificate_download": Row(pk("certificate"), "all:403 anon:portal-login retiree:200 retiree2:404"),
    "portal:receipt_download": Row(pk("receipt"), "all:403 anon:portal-login retiree:200 retiree2:404"),
    # The admin's own pages (its pages of each model: ADMIN_MODELS below). Retirees are not staff.
    "admin:index": Row(None, "staff:200 anon:admin-login retirees:admin-login"),
    "admin:login": Row(None, "staff:302 anon:200 retirees:200", "all:200~"),
    "admin:logout": Row(None, "staff:405 anon:admin-login retirees:302", "staff:302 anon:admin-login retirees:302"),
    "admin:password_change": Row(None, "staff:200 anon,retirees:admin-login", "staff:200~ anon,retirees:admin-login"),
    "admin:password_change_done": Row(None, "staff:200 anon,retirees:admin-login"),
    "admin:autocomplete": Row(None, "staff:403 anon,retirees:admin-login"),
    "admin:jsi18n": Row(None, "staff:200 anon,retirees:admin-login"),
    "admin:view_on_site": Row(
        lambda w: {"content_type_id": ct(w.employee), "object_id": w.employee.pk}, "staff:404 anon,retirees:admin-login"
    ),
    "admin:<path:object_id>/": Row(
        None, "all:302 anon:login retirees:admin-login", url=lambda w: f"/admin/employees/employee/{w.employee.pk}/"
    ),
    "admin:app_list": Row(lambda w: {"app_label": "employees"}, "staff:200 anon,retirees:admin-login"),
    "admin:(?P<url>.*)$": Row(None, "staff:404 anon,retirees:admin-login", url=lambda w: "/admin/tidak-ada/"),
    "admin:employees_employee_import": Row(
        None, U(EDITORS, "retirees:admin-login"), U(EDITORS, "retirees:admin-login")
    ),
    # Another staff account's password: superusers only (employees/admin_accounts.py); outside the units, 404.
    "admin:auth_user_password_change": Row(
        lambda w: {"id": w.users["opr@A"].pk},
        U("all:403", "adm@B:404 retirees:admin-login"),
        U("all:403", "adm@B:404 retirees:admin-login"),
    ),
    "admin:employees_retirementrule_simple_history": history_row("retirement_rule", scoped=False),
    "admin:employees_employee_simple_history": history_row("employee", scoped=True),
    "admin:employees_retirementcase_simple_history": history_row("case", scoped=True),
    "admin:ceremonies_event_simple_history": history_row("event", scoped=True),
    "admin:ceremonies_certificate_simple_history": history_row("certificate", scoped=True),
    "admin:benefits_taliasihrate_simple_history": history_row("rate", scoped=False),
    "admin:benefits_payout_simple_history": history_row("payout_draft", scoped=True),
    "admin:benefits_thtclaim_simple_history": history_row("tht_claim", scoped=True),
}


# --- The admin: the pages of every registered model, by model -------------------------------------------


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


ADMIN_MODELS: dict[str, AdminModel] = {
    # Accounts and roles: the admins of the agency only (purna/roles.py gives ADMIN the auth app).
    # Roles themselves are changed by superusers only (purna/admin.py RoleAdmin); an admin manages the
    # accounts inside their own units (employees/admin_accounts.py), others' answer "does not exist".
    "auth.group": AdminModel(view="adm"),
    # Accounts are deactivated, never deleted (employees/accounts.py).
    "purna.user": AdminModel(
        view="adm",
        add="adm",
        change="adm",
        scoped=True,
        obj=lambda w: w.users["opr@A"],
        history_outside="302",
        overrides={("history", "GET"): "nounit:302"},
    ),
    # django-axes' records: no role holds their permissions (superusers only).
    "axes.accessattempt": AdminModel(view=""),
    "axes.accessfailurelog": AdminModel(view=""),
    "axes.accesslog": AdminModel(view=""),
    # Records written by the services only (RecordAdminMixin): shown, never added, changed or deleted.
    "benefits.payout": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.payout_paid),
    "ceremonies.certificate": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.certificate),
    "ceremonies.certificatebatch": AdminModel(view=EVERY_ROLE, scoped=True, obj=lambda w: w.certificate_batch),
    "benefits.taliasihrate": AdminModel(view=EVERY_ROLE, add="adm", change="adm", delete="adm", obj=lambda w: w.rate),
    "benefits.thtclaim": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", scoped=True, obj=lambda w: w.tht_claim
    ),
    "ceremonies.event": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", scoped=True, obj=lambda w: w.event
    ),
    "ceremonies.instructor": AdminModel(
        view=EVERY_ROLE,
        add="adm,opr",
        change="adm,opr",
        delete="adm,opr",
        obj=lambda w: w.session.instructor,
        protected=True,
    ),
    "ceremonies.official": AdminModel(view=EVERY_ROLE, add="adm,opr", change="adm,opr", delete="adm,opr"),
    # Schedules: the admins read them, superusers change them (a periodic task runs any task with any
    # arguments: purna/roles.py); task results: no role (superusers only).
    "django_celery_beat.clockedschedule": AdminModel(view="adm"),
    "django_celery_beat.crontabschedule": AdminModel(view="adm"),
    "django_celery_beat.intervalschedule": AdminModel(view="adm"),
    "django_celery_beat.periodictask": AdminModel(view="adm"),
    "django_celery_beat.solarschedule": AdminModel(view="adm"),
    # Second factors and their policy per role: superusers only (purna/two_factor/admin.py).
    "two_factor.rolepolicy": AdminModel(view=""),
    "two_factor.twofactoraccount": AdminModel(view=""),
    "two_factor.twofactorevent": AdminModel(view=""),
    "django_celery_results.groupresult": AdminModel(view=""),
    "django_celery_results.taskresult": AdminModel(view=""),
    "employees.documenttype": AdminModel(
        view=EVERY_ROLE,
        add="adm,opr",
        change="adm,opr",
        delete="adm,opr",
        obj=lambda w: w.document_type,
        protected=True,
    ),
    "employees.employee": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", scoped=True, obj=lambda w: w.employee
    ),
    "employees.retirementcase": AdminModel(view=EVERY_ROLE, change="adm,opr", scoped=True, obj=lambda w: w.case),
    "employees.retirementrule": AdminModel(
        view=EVERY_ROLE, add="adm,opr", change="adm,opr", delete="adm,opr", obj=lambda w: w.retirement_rule
    ),
    "employees.unitkerja": AdminModel(
        view=EVERY_ROLE,
        add="adm,opr",
        change="adm,opr",
        delete="adm,opr",
        scoped=True,
        obj=lambda w: w.unit_a,
        protected=True,
    ),
    "notifications.message": AdminModel(
        view="adm,opr,pim",
        change="adm,opr",
        scoped=True,
        obj=lambda w: w.message,
        history_outside="302",
        # Every field is read-only: an empty POST saves the row as it is and goes back to the list.
        overrides={("change", "POST"): "opr@A:302"},
    ),
    "purna.instansi": AdminModel(view="adm", add="adm", change="adm"),
}

ADMIN_VIEWS = ["changelist", "add", "change", "delete", "history"]

# --- The walk --------------------------------------------------------------------------------------------


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


def admin_rows() -> dict[str, tuple[str, str, AdminModel]]:
    """`admin:<app>_<model>_<view>` -> (model label, view, its AdminModel row) for every registered model."""
    rows = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        for view in ADMIN_VIEWS:
            rows[f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"] = (
                label,
                view,
                ADMIN_MODELS.get(label),
            )
    return rows


def missing_rows() -> list[str]:
    admin_pages = admin_rows()
    missing = [name for name in url_names() if name not in TABLE and name not in admin_pages]
    missing += [f"{label} (ADMIN_MODELS)" for label, _view, row in admin_pages.values() if row is None]
    return sorted(set(missing))


def test_every_url_has_a_row():
    missing = missing_rows()

    assert not missing, "add a row for: " + ", ".join(missing)


def test_every_row_names_a_url():
    names = set(url_names())

    stale = [name for name in TABLE if name not in names]
    assert not stale, f"rows of URLs that are gone: {stale}"
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert not set(ADMIN_MODELS) - registered, f"admin rows of models not registered: {set(ADMIN_MODELS) - registered}"


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


def plan(world) -> list[Knock]:
    knocks = []
    for name, row in TABLE.items():
        url = row.url(world) if row.url else reverse(name, kwargs=row.args(world) if row.args else None)
        knocks.append(Knock(name, url, "GET", None, expect(row.get)))
        if row.post is not None:
            data = row.data(world) if callable(row.data) else row.data
            knocks.append(Knock(name, url, "POST", data or {}, expect(row.post)))
    for name, (label, view, row) in admin_rows().items():
        model = apps.get_model(label)
        if view in {"change", "delete", "history"}:
            obj = row.obj(world) if row.obj else model._base_manager.order_by("pk").first()
            if obj is None:
                continue
            url = reverse(name, args=[obj.pk])
        else:
            url = reverse(name)
        blind = view in {"changelist", "add"} or not row.scoped
        knocks.append(Knock(name, url, "GET", None, admin_expected(view, row, "GET"), blind))
        if view in {"add", "change", "delete"}:
            data = {"post": "yes"} if view == "delete" else {}
            knocks.append(Knock(name, url, "POST", data, admin_expected(view, row, "POST"), blind))
    return knocks


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


IDENTITY_GROUPS = {
    "anonymous": ["anon"],
    "unit-a": ROLE_IDENTITIES_A,
    "unit-b": ROLE_IDENTITIES_B,
    "no-unit": ["nounit"],
    "retirees": ["retiree", "retiree2"],
}


@pytest.mark.parametrize("group", IDENTITY_GROUPS)
def test_permission_matrix(db, group, monkeypatch, settings, private_media, tmp_path):
    assert not missing_rows(), "add a row for: " + ", ".join(missing_rows())
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PURNA_SITE_URL = "https://purna.contoh.go.id"
    settings.PURNA_CERTIFICATE_PLACE = "Balikpapan"
    cache.clear()
    world = build_world(monkeypatch)
    knocks = plan(world)

    failures = []
    for identity in IDENTITY_GROUPS[group]:
        client = Client(raise_request_exception=False)
        user = world.users.get(identity)
        for item in knocks:
            if item.scope_blind and identity in ROLE_IDENTITIES_B:
                continue
            if user is not None and "_auth_user_id" not in client.session:
                client.force_login(user)
            cache.clear()  # rate limits (portal sign-in) must not answer for the permission
            expected = item.expected[identity]
            must_not_change = expected.endswith("~") or expected in REFUSED
            answer, changed = knock(client, item, must_not_change or connection.vendor == "postgresql")
            where = f"{item.method} {item.url} ({item.name}) as {identity}"
            if answer != expected.rstrip("~"):
                failures.append(f"{where}: {answer}, expected {expected}")
            writes_on_get = item.method == "GET" and item.name not in GET_WRITES
            if (must_not_change or answer in REFUSED or writes_on_get) and changed:
                failures.append(f"{where}: answered {answer} but the data changed")
            if changed is None:
                failures.append(f"{where}: answered {answer}, and the data could not be read after it")
    assert not failures, f"{len(failures)} answers differ from the table:\n" + "\n".join(failures)
