"""Accounts in the admin (employees/accounts.py, employees/admin_accounts.py) and their trace
(purna/accounts.py): an admin of some units cannot raise anyone's powers, their own included, nor reach
accounts outside their units or a superuser's; every change to roles, scope, active flag or password is
kept with who and when; retirees are sent from the staff's account pages to the portal."""

import io
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from employees.models import StaffScope
from employees.selectors import account_state
from purna import roles
from purna.accounts import AccountState, account_change_lines, account_changes
from purna.models import AccountChange, User
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory

# --- The pure part: what a change is ---------------------------------------------------------------


def test_a_change_names_roles_flags_scope_and_never_the_password_hash():
    before = AccountState(roles=frozenset({"Operator"}), scope="Dinas A", password="md5$salt$old")
    after = AccountState(
        roles=frozenset({"Verifikator"}),
        permissions=frozenset({"benefits.pay_payout"}),
        is_superuser=True,
        is_active=False,
        scope="*",
        password="md5$salt$new",
    )

    changes = account_changes(before, after)

    assert changes == {
        "roles": {"added": ["Verifikator"], "removed": ["Operator"]},
        "permissions": {"added": ["benefits.pay_payout"], "removed": []},
        "is_superuser": [False, True],
        "is_active": [True, False],
        "scope": ["Dinas A", "*"],
        "password": "changed",
    }
    assert "md5" not in repr(changes) and "md5" not in repr(after)
    assert account_changes(after, after) == {}
    assert account_changes(None, AccountState(password="!unusable")) == {"created": True}
    assert account_changes(None, AccountState(password="md5$s$h"))["password"] == "set"
    assert account_changes(AccountState(password="md5$s$h"), AccountState(password="!x"))["password"] == "disabled"


def test_the_lines_read_in_the_active_language(english):
    lines = account_change_lines({"roles": {"added": ["Operator"], "removed": []}, "is_active": [True, False]})
    assert lines == ["Roles added: Operator", "Active: yes → no"]


# --- The admin: who an admin of some units reaches, and what they may change -----------------------


@pytest.fixture
def tree(db):
    a = UnitKerjaFactory(code="DA", name="Dinas A")
    a_bidang = UnitKerjaFactory(code="DA-1", name="Bidang A1", parent=a)
    b = UnitKerjaFactory(code="DB", name="Dinas B")
    return {"a": a, "a_bidang": a_bidang, "b": b}


@pytest.fixture
def accounts(tree):
    """An admin of Dinas A, and accounts inside and outside their units."""
    retiree_a = UserFactory(username="asn-a", password=None)
    EmployeeFactory(unit=tree["a_bidang"], user=retiree_a)
    retiree_b = UserFactory(username="asn-b", password=None)
    EmployeeFactory(unit=tree["b"], user=retiree_b)
    return {
        "admin_a": UserFactory(username="admin-a", roles=[roles.ADMIN], units=[tree["a"]], is_staff=True),
        "root": UserFactory(username="root", is_superuser=True, is_staff=True),
        "op_a": UserFactory(username="op-a", roles=[roles.OPERATOR], units=[tree["a_bidang"]]),
        "op_b": UserFactory(username="op-b", roles=[roles.OPERATOR], units=[tree["b"]]),
        "op_ab": UserFactory(username="op-ab", roles=[roles.OPERATOR], units=[tree["a"], tree["b"]]),
        "central": UserFactory(username="op-pusat", roles=[roles.OPERATOR], units="all"),
        "unscoped": UserFactory(username="baru"),
        "retiree_a": retiree_a,
        "retiree_b": retiree_b,
    }


@pytest.fixture
def admin_a(accounts):
    client = Client()
    client.force_login(accounts["admin_a"])
    client.cookies["django_language"] = "en"
    return client


class _FormReader(HTMLParser):
    """What a browser would post for the change form as it is shown (inputs, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.data.setdefault(name, []).append(attrs.get("value") or default)
        elif tag == "select" and name and "disabled" not in attrs:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def shown_form(client, url) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.data


def change_url(user) -> str:
    return reverse("admin:purna_user_change", args=[user.pk])


def password_url(user) -> str:
    return reverse("admin:auth_user_password_change", args=[user.pk])


def snapshot(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    scope = StaffScope.objects.filter(user=user).first()
    return (
        account_state(user_id=user.pk),
        user.password,
        scope and (scope.all_units, sorted(scope.units.values_list("pk", flat=True))),
    )


def test_the_list_shows_only_the_accounts_inside_the_admins_units(admin_a, accounts):
    response = admin_a.get(reverse("admin:purna_user_changelist"))
    shown = {user.username for user in response.context["cl"].result_list}
    assert shown == {"admin-a", "op-a", "asn-a"}


@pytest.mark.parametrize("key", ["root", "op_b", "op_ab", "central", "unscoped", "retiree_b"])
def test_an_account_outside_the_units_or_a_superuser_cannot_be_reached(admin_a, accounts, key):
    target = accounts[key]
    before = snapshot(target)

    assert admin_a.get(password_url(target)).status_code == 404
    response = admin_a.post(password_url(target), {"password1": "Sandi-baru-2026!", "password2": "Sandi-baru-2026!"})
    assert response.status_code == 404
    assert admin_a.get(reverse("admin:purna_user_history", args=[target.pk])).status_code in (302, 404)
    assert admin_a.get(reverse("admin:purna_user_delete", args=[target.pk])).status_code in (302, 403, 404)
    response = admin_a.post(change_url(target), {"username": target.username, "is_superuser": "on", "is_active": ""})
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")

    assert snapshot(target) == before


def test_the_superuser_fields_are_read_only_and_ignored_for_an_admin_of_some_units(admin_a, accounts):
    target = accounts["op_a"]
    data = shown_form(admin_a, change_url(target))
    assert not {"is_superuser", "is_staff", "user_permissions"} & data.keys()
    before = snapshot(target)
    permission = Permission.objects.get(codename="delete_logentry")

    response = admin_a.post(
        change_url(target),
        {**data, "is_superuser": "on", "is_staff": "on", "user_permissions": [str(permission.pk)]},
    )

    assert response.status_code == 302
    assert snapshot(target) == before


@pytest.mark.parametrize("own_account", [False, True])
def test_an_admin_cannot_give_a_role_holding_a_permission_they_lack(admin_a, accounts, own_account):
    target = accounts["admin_a"] if own_account else accounts["op_a"]
    powerful = Group.objects.create(name="Pengelola log")
    powerful.permissions.add(Permission.objects.get(codename="delete_logentry"))
    data = shown_form(admin_a, change_url(target))
    before = snapshot(target)

    response = admin_a.post(change_url(target), {**data, "groups": [*data["groups"], str(powerful.pk)]})

    assert response.status_code == 200 and "groups" in response.context["adminform"].form.errors
    assert snapshot(target) == before


def test_an_admin_cannot_widen_a_scope_beyond_their_own(admin_a, accounts, tree):
    target = accounts["op_a"]
    data = shown_form(admin_a, change_url(target))
    assert "staff_scope-0-all_units" not in data
    before = snapshot(target)

    widened = admin_a.post(change_url(target), {**data, "staff_scope-0-units": [str(tree["b"].pk)]})
    assert widened.status_code == 200
    every_unit = admin_a.post(change_url(target), {**data, "staff_scope-0-all_units": "on"})
    assert every_unit.status_code == 302

    assert snapshot(target) == before


def test_an_admin_cannot_set_a_staff_colleagues_password(admin_a, accounts):
    target = accounts["op_a"]
    before = snapshot(target)

    assert "../password/" not in admin_a.get(change_url(target)).content.decode()
    assert "../password/" not in admin_a.get(change_url(accounts["retiree_a"])).content.decode()
    assert "../password/" in admin_a.get(change_url(accounts["admin_a"])).content.decode()  # their own
    assert admin_a.get(password_url(target)).status_code == 403
    response = admin_a.post(password_url(target), {"password1": "Sandi-baru-2026!", "password2": "Sandi-baru-2026!"})

    assert response.status_code == 403
    assert snapshot(target) == before


def test_the_add_form_makes_no_superuser_and_only_an_account_inside_the_units(admin_a, accounts, tree):
    url = reverse("admin:purna_user_add")
    data = shown_form(admin_a, url)
    base = {**data, "username": "operator-baru", "password1": "Sandi-baru-2026!", "password2": "Sandi-baru-2026!"}
    base["usable_password"] = "true"

    outside = admin_a.post(url, {**base, "staff_scope-0-units": [str(tree["b"].pk)]})
    without_units = admin_a.post(url, base)
    assert outside.status_code == without_units.status_code == 200
    assert not User.objects.filter(username="operator-baru").exists()

    response = admin_a.post(
        url, {**base, "is_superuser": "on", "is_staff": "on", "staff_scope-0-units": [str(tree["a_bidang"].pk)]}
    )

    assert response.status_code == 302
    made = User.objects.get(username="operator-baru")
    assert not made.is_superuser and not made.is_staff
    assert list(made.staff_scope.units.all()) == [tree["a_bidang"]] and not made.staff_scope.all_units
    change = AccountChange.objects.get(account=made)
    assert change.actor == accounts["admin_a"]
    assert change.changes == {"created": True, "scope": ["", "Bidang A1"], "password": "set"}


def test_a_change_of_roles_scope_and_active_flag_leaves_its_trace(admin_a, accounts, tree):
    target = accounts["op_a"]
    data = shown_form(admin_a, change_url(target))
    verifikator = Group.objects.get(name=roles.VERIFIKATOR)
    data.update(groups=[str(verifikator.pk)], is_active=[], **{"staff_scope-0-units": [str(tree["a"].pk)]})
    data.pop("is_active")

    response = admin_a.post(change_url(target), data)

    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active and set(target.groups.values_list("name", flat=True)) == {roles.VERIFIKATOR}
    change = AccountChange.objects.get(account=target)
    assert change.actor == accounts["admin_a"] and change.at is not None
    assert change.changes == {
        "roles": {"added": [roles.VERIFIKATOR], "removed": [roles.OPERATOR]},
        "is_active": [True, False],
        "scope": ["Bidang A1", "Dinas A"],
    }
    page = admin_a.get(change_url(target)).content.decode()
    assert "Roles added: Verifikator" in page and "Staff scope: Bidang A1 → Dinas A" in page


def test_roles_the_admin_may_not_give_stay_when_they_change_the_others(admin_a, accounts):
    target = accounts["op_a"]
    powerful = Group.objects.create(name="Pengelola log")
    powerful.permissions.add(Permission.objects.get(codename="delete_logentry"))
    target.groups.add(powerful)
    page = admin_a.get(change_url(target)).content.decode()
    assert "Also holds Pengelola log, which you cannot give or take away." in page
    data = shown_form(admin_a, change_url(target))
    data["groups"] = []

    assert admin_a.post(change_url(target), data).status_code == 302

    assert set(target.groups.values_list("name", flat=True)) == {"Pengelola log"}


def test_a_superuser_changes_flags_and_a_colleagues_password_with_a_trace(client, accounts):
    client.force_login(accounts["root"])
    target = accounts["op_a"]
    data = shown_form(client, change_url(target))
    data["is_staff"] = ["on"]
    assert client.post(change_url(target), data).status_code == 302

    response = client.post(
        password_url(target),
        {"password1": "Sandi-baru-2026!", "password2": "Sandi-baru-2026!", "usable_password": "true"},
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.is_staff and target.check_password("Sandi-baru-2026!")
    assert [change.changes for change in AccountChange.objects.filter(account=target).order_by("pk")] == [
        {"is_staff": [False, True]},
        {"password": "changed"},
    ]
    assert all(change.actor == accounts["root"] for change in AccountChange.objects.all())
    assert "Sandi" not in str(list(AccountChange.objects.values()))


@pytest.mark.parametrize("key", ["retiree_a", "op_a"])
def test_an_admin_sets_no_other_accounts_password_even_after_taking_its_roles_away(admin_a, accounts, key):
    """Found by a hostile pass: the roles taken away, the password set, the roles given back."""
    target = accounts[key]
    target.groups.clear()
    before = snapshot(target)

    response = admin_a.post(
        password_url(target),
        {"password1": "Sandi-baru-2026!", "password2": "Sandi-baru-2026!", "usable_password": "true"},
    )

    assert response.status_code == 403
    assert snapshot(target) == before


def test_no_account_is_deleted_in_the_admin(client, accounts, admin_a):
    target = accounts["op_a"]
    client.force_login(accounts["root"])
    for who in (client, admin_a):
        assert who.post(reverse("admin:purna_user_delete", args=[target.pk]), {"post": "yes"}).status_code == 403
        who.post(reverse("admin:purna_user_changelist"), {"action": "delete_selected", "_selected_action": [target.pk]})
    assert type(target).objects.filter(pk=target.pk).exists()


def test_an_employee_is_linked_only_to_an_account_the_admin_manages(admin_a, accounts, tree):
    employee = EmployeeFactory(unit=tree["a_bidang"])
    url = reverse("admin:employees_employee_change", args=[employee.pk])
    form = shown_form(admin_a, url)

    for outside in ("root", "op_b", "unscoped"):
        data = {**form, "user": str(accounts[outside].pk)}
        response = admin_a.post(url, data)
        assert response.status_code == 200, outside  # the form again, with its error
        employee.refresh_from_db()
        assert employee.user_id is None, outside
    # The same form with an account inside the admin's units is saved: the refusals came from the account.
    assert admin_a.post(url, {**form, "user": str(accounts["op_a"].pk)}).status_code == 302
    employee.refresh_from_db()
    assert employee.user_id == accounts["op_a"].pk


def test_only_a_superuser_changes_the_roles_themselves(admin_a, accounts):
    group = Group.objects.get(name=roles.OPERATOR)
    url = reverse("admin:auth_group_change", args=[group.pk])
    permission = Permission.objects.get(codename="delete_logentry")
    before = set(group.permissions.all())

    response = admin_a.post(url, {"name": group.name, "permissions": [str(permission.pk)]})

    assert response.status_code == 403
    assert set(group.permissions.all()) == before
    assert admin_a.post(reverse("admin:auth_group_add"), {"name": "Baru"}).status_code == 403


def test_an_admin_reads_the_periodic_tasks_but_schedules_none(admin_a):
    from django_celery_beat.models import PeriodicTask

    before = PeriodicTask.objects.count()
    response = admin_a.post(
        reverse("admin:django_celery_beat_periodictask_add"),
        {"name": "x", "task": "purna.notifications.tasks.outbox_sweep_task", "interval": "", "enabled": "on"},
    )

    assert response.status_code == 403
    assert PeriodicTask.objects.count() == before
    assert admin_a.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200


# --- The staff's own account pages ------------------------------------------------------------------


def test_an_own_password_change_leaves_its_trace(client, accounts):
    user = accounts["op_a"]
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": "rahasia-uji-123", "new_password1": "Sandi-baru-2026!", "new_password2": "Sandi-baru-2026!"},
    )

    assert response.status_code == 302
    change = AccountChange.objects.get(account=user)
    assert change.actor == user and change.changes == {"password": "changed"}


@pytest.mark.parametrize("name", ["password_change", "password_change_done"])
def test_a_retiree_is_sent_to_the_portal_from_the_staff_account_pages(client, accounts, name):
    client.force_login(accounts["retiree_a"])

    response = client.get(reverse(name))

    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.get(reverse("login"), follow=True).redirect_chain[-1][0] == reverse("portal:home")
    client.force_login(accounts["op_a"])
    assert client.get(reverse(name)).status_code == 200


def test_the_first_admin_account_starts_its_trace(db, monkeypatch):
    monkeypatch.setenv("PURNA_ADMIN_PASSWORD", "Sandi-awal-2026!")

    call_command("ensure_admin", "--username", "admin-awal", stdout=io.StringIO())

    change = AccountChange.objects.get(account__username="admin-awal")
    assert change.actor is None
    assert change.changes == {
        "created": True,
        "roles": {"added": [roles.ADMIN], "removed": []},
        "is_superuser": [False, True],
        "is_staff": [False, True],
        "password": "set",
    }


@pytest.mark.browser
def test_an_admin_of_some_units_sees_the_account_page_with_its_trace_in_a_browser(page, live_server, accounts, tree):
    from django.conf import settings

    accounts["admin_a"].set_password("rahasia-uji-123")
    accounts["admin_a"].save()
    target = accounts["op_a"]
    AccountChange.objects.create(
        account=target,
        account_name=target.username,
        actor=accounts["admin_a"],
        changes={"roles": {"added": [roles.OPERATOR], "removed": []}, "scope": ["", "Bidang A1"]},
    )
    page.goto("/akun/masuk/")
    page.fill("#id_username", "admin-a")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(change_url(target))

    assert page.locator("input[name=is_superuser], input[name=is_staff]").count() == 0
    assert page.locator("input[name='staff_scope-0-all_units']").count() == 0
    assert "Peran ditambahkan: Operator" in page.content()
    assert "Cakupan unit kerja: Tidak ada → Bidang A1" in page.content()
    screenshots = settings.BASE_DIR / "var" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=screenshots / "admin-account.png", full_page=True)


def test_an_admin_of_every_unit_reaches_every_account_but_a_superusers_and_grants_no_superuser_field(accounts):
    client = Client()
    client.force_login(UserFactory(username="admin-pusat", roles=[roles.ADMIN], units="all", is_staff=True))
    root, target = accounts["root"], accounts["op_b"]
    before_root, before_target = snapshot(root), snapshot(target)

    assert client.get(password_url(root)).status_code == 404
    assert client.post(change_url(root), {"username": "root", "is_active": ""}).status_code == 302
    data = shown_form(client, change_url(target))
    response = client.post(change_url(target), {**data, "is_superuser": "on", "is_staff": "on"})

    assert response.status_code == 302
    assert snapshot(root) == before_root and snapshot(target) == before_target
    listed = {user.username for user in client.get(reverse("admin:purna_user_changelist")).context["cl"].result_list}
    assert "root" not in listed and {"op-b", "op-ab", "op-pusat", "baru", "asn-b"} <= listed
