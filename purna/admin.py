from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from purna.accounts import account_change_lines
from purna.models import AccountChange, Instansi

# The User admin is registered by employees/admin.py, with each user's staff scope by unit.


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent as a record (history, events): never added or edited here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordAdminMixin:
    """For a ModelAdmin of rows that only the services write (payouts, certificates): shown, never added,
    edited or deleted here; the admin changes them only through actions that call the services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Also what keeps simple-history's "revert to this version" away from these rows.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin with its pages of old versions read-only. SIMPLE_HISTORY_REVERT_DISABLED
    only hides the "revert" button: the version form's POST still saves the old version, for anyone who
    may merely view the row (payouts and certificates, which only the services write, included), so a
    POST there is refused. Changes go through the change form and the services."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "email", "phone"]

    def has_add_permission(self, request) -> bool:
        # A singleton: one agency per deployment.
        return super().has_add_permission(request) and not Instansi.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Accounts: roles and the trace of account changes (purna/accounts.py) ----------------------------------


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """Roles are data kept in step with purna/roles.py after every migrate; only a superuser changes them
    here, or an admin could give a role (their own included) permissions nobody gave them."""

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class AccountChangeInline(ReadOnlyInline):
    """The trace of an account's changes (roles, permissions, scope, active flag, password) on its page."""

    model = AccountChange
    fk_name = "account"
    fields = ["at", "actor", "what"]
    readonly_fields = fields
    verbose_name_plural = _("account changes")

    @admin.display(description=_("what changed"))
    def what(self, change: AccountChange) -> str:
        return format_html_join("", "<div>{}</div>", ((line,) for line in account_change_lines(change.changes)))
