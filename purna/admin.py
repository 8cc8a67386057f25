from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from purna.models import Instansi, User

admin.site.register(User, UserAdmin)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent as a record (history, events): never added or edited here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "email", "phone"]

    def has_add_permission(self, request) -> bool:
        # A singleton: one agency per deployment.
        return super().has_add_permission(request) and not Instansi.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
