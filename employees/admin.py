from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from employees.models import Employee, RetirementRule, UnitKerja


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
