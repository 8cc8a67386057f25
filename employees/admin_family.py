"""The family in the admin: read-only beside the employee (it is written through the staff pages, where the
family rules are checked), and the retirees' correction requests, shown as records."""

from employees.models import Child, Parent, Spouse
from purna.admin import HistoryAdmin, ReadOnlyInline


class SpouseInline(ReadOnlyInline):
    model = Spouse
    fields = ["order", "name", "nik", "birth_date", "marriage_date", "marriage_certificate", "ended_on", "end_reason"]
    readonly_fields = fields


class ChildInline(ReadOnlyInline):
    model = Child
    fields = ["name", "nik", "birth_date", "relation", "other_parent", "is_married", "is_working", "in_school"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("other_parent")


class ParentInline(ReadOnlyInline):
    model = Parent
    fields = ["relation", "name", "nik", "birth_date", "died_on"]
    readonly_fields = fields


class FamilyInlinesMixin:
    """For the employee's admin: the family, read-only, on the change page. Never part of a POST: nothing of
    it is saved there, and the employee's form posts as it did without them (no inline management forms)."""

    inlines = [SpouseInline, ChildInline, ParentInline]

    def get_inline_instances(self, request, obj=None):
        if obj is None or request.method == "POST":
            return []
        return super().get_inline_instances(request, obj)  # type: ignore[misc]


class FamilyCorrectionAdmin(HistoryAdmin):
    """Decided on the staff pages (employees/views/family.py); shown here as a record."""

    list_display = ["employee", "status", "created_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["employee", "decided_by"]
    search_fields = ["=employee__nip", "employee__name"]
    fields = ["employee", "text", "status", "requested_by", "decided_by", "decided_at", "decision_reason", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
