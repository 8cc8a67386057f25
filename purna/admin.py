from django.contrib import admin

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


@admin.register(Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "email", "phone"]

    def has_add_permission(self, request) -> bool:
        # A singleton: one agency per deployment.
        return super().has_add_permission(request) and not Instansi.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
