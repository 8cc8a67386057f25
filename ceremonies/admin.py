from django.contrib import admin

from ceremonies.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "venue"]
    list_filter = ["kind"]
    search_fields = ["title", "venue"]
    date_hierarchy = "starts_at"
