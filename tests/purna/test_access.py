"""Who may open what: every URL needs a sign-in (new views are covered automatically), staff pages
need a role, failed sign-ins lock the account, and forms need their CSRF token."""

import re
import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.templatetags.static import static
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import translation
from django.utils.translation import gettext

from purna import roles
from tests.factories import EmployeeFactory

SAMPLE_UUID = str(uuid.UUID(int=1))
# Sample values for URL parameters: each takes the first one (or app label) that its converter or regex
# accepts; test_every_route_has_a_sample_url_that_resolves_to_it checks the result.
SAMPLES = ["1", "x", SAMPLE_UUID]

# Views anyone may open, with the statuses an anonymous GET may answer.
PUBLIC_VIEWS = {
    "login": {200},
    "healthz": {200, 503},
    "set_language": {200, 204, 302},
    "admin:login": {200},
    "instansi_logo": {200, 302},
    # A retiree answers an invitation through its signed link, with no account (a sample token is refused).
    "ceremonies:rsvp": {400},
    # Anyone holding a certificate checks it through its QR code (a sample code is unknown).
    "certificate_verify": {404},
    # A retiree asks for a sign-in link, and opens it (a missing token is refused); signing out is a POST.
    "portal:sign_in": {200},
    "portal:sign_in_sent": {200},
    "portal:sign_in_link": {410},
    # ... or types the one-time code staff gave them (employees/sign_in_codes.py).
    "portal:sign_in_code": {200},
    # ... or rates a training they attended through the reminder's signed link (a sample token is unknown).
    "portal:feedback_link": {404},
    "portal:sign_out": {405},
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when the pattern has no name
    url: str
    callback: object

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"


def _fill_regex(regex: str, candidates: list[str]) -> str | None:
    """A path matching `regex`: each group replaced by the first candidate its sub-pattern accepts."""
    out, i = [], 0
    while i < len(regex):
        if regex[i] == "\\" and i + 1 < len(regex):
            out.append(regex[i + 1])
            i += 2
        elif regex[i] == "(":
            depth, j = 1, i + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0) if regex[j - 1] != "\\" else 0
                j += 1
            group = re.sub(r"^\(\?P<\w+>|^\(\?:|^\(", "", regex[i : j - 1])
            value = next((c for c in candidates if re.fullmatch(group, c)), None)
            if value is None:
                return None
            out.append(value)
            i = j
        elif regex[i] in "^$":
            i += 1
        else:
            out.append(regex[i])
            i += 1
    return "".join(out)


def _fill_route(pattern: RoutePattern, candidates: list[str]) -> str | None:
    def sample(match: re.Match) -> str:
        converter = pattern.converters[match["name"]]
        value = next((c for c in candidates if re.fullmatch(converter.regex, c)), None)
        if value is None:
            raise LookupError(match["name"])
        return value

    try:
        return re.sub(r"<(?:[^>:]+:)?(?P<name>[^>]+)>", sample, str(pattern))
    except LookupError:
        return None


def _walk(patterns, prefix="", namespace=""):
    app_labels = [config.label for config in apps.get_app_configs()]
    candidates = SAMPLES + app_labels
    for entry in patterns:
        if isinstance(entry.pattern, RoutePattern):
            part = _fill_route(entry.pattern, candidates)
        else:
            assert isinstance(entry.pattern, RegexPattern)
            part = _fill_regex(str(entry.pattern), candidates)
        assert part is not None, f"no sample value fits {entry.pattern!r}: add one to SAMPLES"
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + part, inner)
        else:
            assert isinstance(entry, URLPattern)
            name = f"{namespace}{entry.name}" if entry.name else f"{namespace}{entry.pattern}"
            yield Route(name=name, url="/" + prefix + part, callback=entry.callback)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


ROUTES = all_routes()


def test_every_route_has_a_sample_url_that_resolves_to_it():
    for route in ROUTES:
        assert resolve(route.url).func == route.callback, route


def test_public_views_exist():
    names = {route.name for route in ROUTES}
    assert set(PUBLIC_VIEWS) <= names


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC_VIEWS], ids=str)
def test_anonymous_visitor_is_sent_to_sign_in(db, client, route):
    response = client.get(route.url, follow=True)

    final = response.redirect_chain[-1][0] if response.redirect_chain else ""
    # Staff pages send to the staff sign-in, the retirees' pages to the portal's.
    sign_in_pages = tuple(reverse(name) + "?next=" for name in ["login", "admin:login", "portal:sign_in"])
    if route.name.startswith("admin:") and not final:
        # Some admin internals answer "not found" or "method not allowed" before asking who you are.
        assert response.status_code in {404, 405}, (route, response.status_code)
    else:
        assert final.startswith(sign_in_pages), (route, response.status_code, response.redirect_chain)
        assert response.status_code == 200


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name in PUBLIC_VIEWS], ids=str)
def test_public_views_answer_anonymous_visitors(db, client, route):
    response = client.get(route.url)

    assert response.status_code in PUBLIC_VIEWS[route.name]
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("path", ["bootstrap/css/bootstrap.min.css", "css/purna.css"])
def test_static_files_are_public(client, path):
    # The sign-in page needs its stylesheets before anyone has signed in.
    response = client.get(static(path))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


# --- Signed in: staff pages need a role ---------------------------------------------------------------

STAFF_PAGES = [
    "dashboard",
    "employees:list",
    "employees:retiring",
    "employees:detail",
    "ceremonies:list",
    "benefits:list",
]


@pytest.fixture
def staff_page_url(db):
    employee = EmployeeFactory()

    def url(name: str) -> str:
        return reverse(name, kwargs={"pk": employee.pk} if name.endswith(":detail") else None)

    return url


def test_user_without_role_is_refused_every_staff_page(client, no_role_user, staff_page_url):
    client.force_login(no_role_user)

    statuses = {name: client.get(staff_page_url(name)).status_code for name in STAFF_PAGES}

    assert statuses == dict.fromkeys(STAFF_PAGES, 403)


@pytest.mark.parametrize("role", roles.ROLE_NAMES)
def test_every_role_opens_every_staff_page(client, role_user, staff_page_url, role):
    client.force_login(role_user(role))

    statuses = {name: client.get(staff_page_url(name)).status_code for name in STAFF_PAGES}

    assert statuses == dict.fromkeys(STAFF_PAGES, 200)


@pytest.mark.parametrize(
    ("role", "may_edit_register"),
    [
        (roles.ADMIN, True),
        (roles.OPERATOR, True),
        (roles.VERIFIKATOR, False),
        (roles.BENDAHARA, False),
        (roles.PIMPINAN, False),
    ],
)
def test_only_admin_and_operator_may_edit_the_register(role_user, role, may_edit_register):
    user = role_user(role)

    assert user.has_perm("purna.view_dashboard")
    assert user.has_perm("employees.view_employee")
    assert user.has_perm("employees.add_employee") is may_edit_register
    assert user.has_perm("employees.change_employee") is may_edit_register


def test_pimpinan_sees_the_dashboard_but_no_edit_links(client, pimpinan):
    client.force_login(pimpinan)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert not pimpinan.has_perm("employees.add_employee")
    assert not pimpinan.has_perm("employees.change_employee")
    assert b'href="/admin/' not in response.content


# --- Sign-in protection -------------------------------------------------------------------------------


def test_five_failed_sign_ins_lock_the_account(client, operator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    login = reverse("login")
    for _attempt in range(4):
        response = client.post(login, {"username": "operator", "password": "salah"})
        assert response.status_code == 200  # the form again, with its error

    locked = client.post(login, {"username": "operator", "password": "salah"})
    still_locked = client.post(login, {"username": "operator", "password": "rahasia-uji-123"})

    with translation.override("id"):
        lockout_text = gettext("Too many failed sign-in attempts")
    for response in (locked, still_locked):
        assert response.status_code == 429
        assert "registration/lockout.html" in [template.name for template in response.templates]
        assert lockout_text in response.content.decode()
        # A way back to the sign-in page, to try again once the lock is over.
        assert f'href="{login}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_needs_the_csrf_token(db, operator):
    browser = Client(enforce_csrf_checks=True)
    login = reverse("login")
    credentials = {"username": "operator", "password": "rahasia-uji-123"}

    assert browser.post(login, credentials).status_code == 403

    browser.get(login)
    token = browser.cookies["csrftoken"].value
    response = browser.post(login, {**credentials, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_signed_in_forms_need_the_csrf_token(db, operator):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(operator)

    assert browser.post(reverse("logout")).status_code == 403
    assert browser.get(reverse("dashboard")).status_code == 200
