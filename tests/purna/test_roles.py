"""The staff roles: groups created by migrate, holding the permissions purna/roles.py gives them."""

import pytest
from django.contrib.auth.models import Group, Permission

from purna import roles

STAFF_APPS = ["purna", "employees", "ceremonies", "benefits"]
READ_ONLY_ROLES = [roles.VERIFIKATOR, roles.BENDAHARA, roles.PIMPINAN]


def permissions_of(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def all_permissions(*app_labels: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.filter(content_type__app_label__in=app_labels).values_list(
            "content_type__app_label", "codename"
        )
    }


def view_permissions(*app_labels: str) -> set[str]:
    return {permission for permission in all_permissions(*app_labels) if ".view_" in permission}


def test_migrate_creates_the_five_role_groups(db):
    names = set(Group.objects.values_list("name", flat=True))

    assert {"Admin Kepegawaian", "Operator", "Verifikator", "Bendahara", "Pimpinan"} <= names
    assert set(roles.ROLE_NAMES) == {"Admin Kepegawaian", "Operator", "Verifikator", "Bendahara", "Pimpinan"}


@pytest.mark.parametrize("role", roles.ROLE_NAMES)
def test_every_role_sees_the_dashboard_and_the_register(db, role):
    permissions = permissions_of(role)

    assert {"purna.view_dashboard", "employees.view_employee"} <= permissions
    assert view_permissions("employees", "ceremonies", "benefits") <= permissions


def test_admin_kepegawaian_holds_every_staff_and_user_permission(db):
    assert all_permissions(*STAFF_APPS, "auth") <= permissions_of(roles.ADMIN)


OPERATOR_BENEFITS = {
    "benefits.add_payout",
    "benefits.change_payout",
    "benefits.add_thtclaim",
    "benefits.change_thtclaim",
}


def test_operator_keeps_the_register_and_events_and_prepares_payouts(db):
    permissions = permissions_of(roles.OPERATOR)

    # Everything of the register and the events but the checklist override (the admin's, with a reason).
    assert all_permissions("employees", "ceremonies") - {"employees.override_checklist"} <= permissions
    assert "employees.override_checklist" not in permissions
    assert {p for p in permissions if p.startswith("benefits.")} == view_permissions("benefits") | OPERATOR_BENEFITS
    assert not {p for p in permissions if p.startswith("auth.")}


# Who moves a payout (benefits/services/payouts.py): the operator prepares, the verifikator verifies, the pimpinan
# approves and orders corrections, the bendahara pays; Admin Kepegawaian may do everything.
PAYOUT_STEPS = {
    roles.OPERATOR: set(),
    roles.VERIFIKATOR: {"benefits.verify_payout"},
    roles.PIMPINAN: {"benefits.approve_payout", "benefits.reverse_payout"},
    roles.BENDAHARA: {"benefits.pay_payout"},
    roles.ADMIN: {
        "benefits.verify_payout",
        "benefits.approve_payout",
        "benefits.reverse_payout",
        "benefits.pay_payout",
    },
}


@pytest.mark.parametrize("role", roles.ROLE_NAMES)
def test_each_role_holds_its_steps_of_the_payouts(db, role):
    steps = {"benefits.verify_payout", "benefits.approve_payout", "benefits.reverse_payout", "benefits.pay_payout"}

    assert permissions_of(role) & steps == PAYOUT_STEPS[role]


@pytest.mark.parametrize("role", READ_ONLY_ROLES)
def test_read_only_roles_cannot_change_the_register(db, role):
    permissions = permissions_of(role)

    for action in ("add", "change", "delete"):
        assert f"employees.{action}_employee" not in permissions
    assert not {p for p in permissions if p.startswith("auth.")}


def test_pimpinan_holds_only_view_permissions_and_the_payout_decisions(db):
    decisions = {"benefits.approve_payout", "benefits.reverse_payout"}
    permissions = permissions_of(roles.PIMPINAN)

    assert decisions <= permissions
    assert all(".view_" in permission for permission in permissions - decisions)


def test_roles_sync_is_idempotent(db):
    before = {role: permissions_of(role) for role in roles.ROLE_NAMES}
    group_ids = dict(Group.objects.values_list("name", "pk"))

    roles.roles_sync()
    roles.roles_sync()

    assert {role: permissions_of(role) for role in roles.ROLE_NAMES} == before
    assert dict(Group.objects.values_list("name", "pk")) == group_ids


def test_roles_sync_restores_the_table_after_hand_edits(db):
    expected = permissions_of(roles.PIMPINAN)
    pimpinan = Group.objects.get(name=roles.PIMPINAN)
    pimpinan.permissions.remove(Permission.objects.get(content_type__app_label="purna", codename="view_dashboard"))
    pimpinan.permissions.add(Permission.objects.get(content_type__app_label="employees", codename="delete_employee"))

    roles.roles_sync()

    assert permissions_of(roles.PIMPINAN) == expected
