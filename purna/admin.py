from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from purna.models import Instansi

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
