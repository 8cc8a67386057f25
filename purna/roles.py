"""Staff roles as Django groups, and the permissions each one holds.

Roles are data (groups), created by a data migration and kept in step with this table after every
`migrate`, so a permission added by a later app reaches its roles without a hand-written migration.
Retirees hold no group: they are users linked to an employee record and see only the portal.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from purna.types import User

ADMIN = "Admin Kepegawaian"
OPERATOR = "Operator"
VERIFIKATOR = "Verifikator"
BENDAHARA = "Bendahara"
PIMPINAN = "Pimpinan"

# Entries are "app_label" (every permission of the app), "app_label.codename", or
# "app_label.view_*" (every view permission of the app); "!app_label.codename" takes one away from
# what the others give. Unknown entries are skipped: the app that defines them may not be migrated yet.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMIN: [
        "purna",
        "employees",
        "ceremonies",
        "benefits",
        "notifications",
        "auth",
        # Schedules only to read: a periodic task runs any registered task with any arguments, which
        # is a superuser's power (e.g. a refresh or a send for every unit, whatever the admin's scope).
        "django_celery_beat.view_*",
        "simple_history",
    ],
    OPERATOR: [
        "purna.view_dashboard",
        "employees",
        # Proposing to BKN with required documents missing is the admin's decision, with a reason.
        "!employees.override_checklist",
        "ceremonies",
        "benefits.view_*",
        # Prepares payouts (and corrects or cancels drafts) and records THT claims; never verifies,
        # approves or pays (benefits/services/payouts.py).
        "benefits.add_payout",
        "benefits.change_payout",
        "benefits.add_thtclaim",
        "benefits.change_thtclaim",
        "notifications.view_message",
        "notifications.change_message",
    ],
    VERIFIKATOR: [
        "purna.view_dashboard",
        "employees.view_*",
        "ceremonies.view_*",
        "benefits.view_*",
        "benefits.verify_payout",
    ],
    BENDAHARA: [
        "purna.view_dashboard",
        "employees.view_*",
        "ceremonies.view_*",
        "benefits.view_*",
        "benefits.pay_payout",
    ],
    PIMPINAN: [
        "purna.view_dashboard",
        "employees.view_*",
        "ceremonies.view_*",
        "benefits.view_*",
        # The head of the agency approves payouts for payment and orders the correction of a paid one.
        "benefits.approve_payout",
        "benefits.reverse_payout",
        "notifications.view_*",
    ],
}
ROLE_NAMES = list(ROLE_PERMISSIONS)


def _permission_filter(entries: list[str]) -> Q:
    query = Q(pk__in=[])
    excluded = Q(pk__in=[])
    for entry in entries:
        if entry.startswith("!"):
            app_label, _, codename = entry[1:].partition(".")
            excluded |= Q(content_type__app_label=app_label, codename=codename)
            continue
        app_label, _, codename = entry.partition(".")
        if not codename:
            query |= Q(content_type__app_label=app_label)
        elif codename.endswith("*"):
            query |= Q(content_type__app_label=app_label, codename__startswith=codename[:-1])
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return query & ~excluded


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions its table entry names."""
    for name, entries in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(_permission_filter(entries)))


def holds_staff_powers(user: User) -> bool:
    """Whether `user` can do anything beyond the retirees' portal: admin access, a role group, or a
    permission of their own. Such an account never signs in with a portal link (a link in an email is
    not strong enough for staff powers), even when it is also an employee's portal account."""
    return bool(user.is_staff or user.is_superuser or user.groups.exists() or user.user_permissions.exists())
