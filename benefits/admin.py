from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from benefits.models import TaliAsihScheme


@admin.register(TaliAsihScheme)
class TaliAsihSchemeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "decision_number", "amount", "valid_from", "valid_until"]
    search_fields = ["name", "decision_number"]
