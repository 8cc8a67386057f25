from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from employees.choices import CaseStatus
from employees.exceptions import CaseError
from employees.models import (
    CaseDocument,
    CaseStatusChange,
    DocumentType,
    Employee,
    RetirementCase,
    RetirementRule,
    UnitKerja,
)
from employees.services.cases import retirement_case_transition
from employees.views.transfer import admin_import_view
from purna.admin import ReadOnlyInline


@admin.register(UnitKerja)
class UnitKerjaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]


@admin.register(RetirementRule)
class RetirementRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "asn_type",
        "jenis_jabatan",
        "jenjang",
        "rumpun",
        "born_before",
        "bup",
        "valid_from",
        "valid_until",
        "legal_basis",
    ]
    list_filter = ["jenis_jabatan", "jenjang", "rumpun", "bup"]
    search_fields = ["legal_basis", "notes"]


@admin.register(Employee)
class EmployeeAdmin(SimpleHistoryAdmin):
    list_display = ["nip", "name", "golongan", "jenis_jabatan", "unit", "status", "bup", "tmt_pensiun"]
    list_filter = ["asn_type", "status", "jenis_jabatan", "jenjang", "rumpun", "golongan"]
    list_select_related = ["unit"]
    search_fields = ["=nip", "name", "nip_lama"]
    autocomplete_fields = ["unit", "user"]
    readonly_fields = [
        "bup",
        "bup_date",
        "tmt_pensiun",
        "service_years",
        "service_months",
        "retirement_rule",
        "created_at",
        "updated_at",
    ]
    show_full_result_count = False

    def get_urls(self):
        # "Import employees" (a button on the list: templates/admin/employees/employee/change_list.html).
        view = self.admin_site.admin_view(lambda request: admin_import_view(self, request))
        return [path("impor/", view, name="employees_employee_import"), *super().get_urls()]


# --- Retirement records: opened and moved through services (employees/services/cases.py) -----------


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_required", "is_active", "order"]
    list_editable = ["is_required", "is_active", "order"]
    list_filter = ["is_required", "is_active"]
    search_fields = ["code", "name"]
    prepopulated_fields = {"code": ["name"]}


class CaseStatusChangeInline(ReadOnlyInline):
    model = CaseStatusChange
    fields = ["at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields


class CaseDocumentInline(ReadOnlyInline):
    """Read-only: documents are uploaded on the staff pages, where their contents are checked."""

    model = CaseDocument
    fields = ["document_type", "download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, document: CaseDocument) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("employees:case_document", args=[document.pk]), document.original_name
        )


@admin.register(RetirementCase)
class RetirementCaseAdmin(SimpleHistoryAdmin):
    """Records are opened and moved on the staff pages or by the actions here, never by editing the status."""

    list_display = ["employee", "kind", "tmt", "status", "proposal_due", "proposed_on", "sk_number"]
    list_filter = ["status", "kind"]
    list_select_related = ["employee"]
    search_fields = ["=employee__nip", "employee__name", "sk_number", "pertek_number"]
    date_hierarchy = "tmt"
    readonly_fields = ["employee", "kind", "tmt", "status", "proposal_due", "proposed_on", "created_at"]
    fields = [
        *readonly_fields,
        "pertek_number",
        "pertek_date",
        "sk_number",
        "sk_date",
        "sk_signer",
        "notes",
    ]
    inlines = [CaseDocumentInline, CaseStatusChangeInline]
    actions = ["mark_proposed", "mark_done"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _transition(self, request, queryset, to_status: str) -> None:
        moved, failed = 0, []
        for case in queryset.select_related("employee"):
            try:
                retirement_case_transition(case=case, to_status=to_status, actor=request.user)
            except CaseError as error:
                failed.append(f"{case.employee.display_name}: {' '.join(error.messages)}")
            else:
                moved += 1
        if moved:
            self.message_user(
                request,
                ngettext("%(n)d record moved.", "%(n)d records moved.", moved) % {"n": moved},
                messages.SUCCESS,
            )
        for message in failed:
            self.message_user(request, message, messages.ERROR)

    @admin.action(description=_("Mark as proposed to BKN (today)"), permissions=["change"])
    def mark_proposed(self, request, queryset) -> None:
        self._transition(request, queryset, CaseStatus.PROPOSED)

    @admin.action(description=_("Close as done (from the TMT, SK issued)"), permissions=["change"])
    def mark_done(self, request, queryset) -> None:
        self._transition(request, queryset, CaseStatus.DONE)
