import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.forms.models import construct_instance
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from employees.admin_accounts import AccountGuardMixin, StaffScopeGuardMixin
from employees.admin_family import FamilyCorrectionAdmin, FamilyInlinesMixin
from employees.cases import CORRECTABLE_STATUSES, PERTEK_FIELDS
from employees.choices import CaseStatus, RetirementKind
from employees.exceptions import CaseError, EmployeeError
from employees.models import (
    CaseDocument,
    CaseStatusChange,
    DisciplinePenalty,
    DocumentType,
    Employee,
    FactsRefreshRun,
    FamilyCorrection,
    KindRule,
    RetirementCase,
    RetirementRule,
    StaffScope,
    UnitKerja,
)
from employees.scope import staff_scope
from employees.selectors import accounts_manageable
from employees.services.cases import (
    DECISION_FIELDS,
    retirement_case_decision_correct,
    retirement_case_decision_validate,
    retirement_case_notes_update,
    retirement_case_transition,
)
from employees.services.register import (
    CASE_COPY_FIELDS,
    FACT_FIELDS,
    NIP_CHECKED_FIELDS,
    employee_create,
    employee_prepare,
    employee_scope_check,
    employee_update,
    retirement_facts_recompute_queue,
    retirement_facts_refresh,
    retirement_rule_save,
    retirement_rule_validate,
    retirement_rules_delete,
)
from employees.views.transfer import admin_import_view
from purna.admin import HistoryAdmin, PermissionLabelsMixin, ReadOnlyInline
from purna.db import BUSY_MESSAGE, is_transient
from purna.forms import ServiceErrorsMixin
from purna.models import User

RECENT_RUN = dt.timedelta(minutes=10)


class ScopedAdminMixin:
    """The admin pages of rows that belong to a unit show only the user's units (employees/scope.py):
    lists, change forms, history and autocompletes; a row outside answers 404 as on the staff pages."""

    scope_unit_field = "unit"

    def scoped(self, queryset, scope):
        """The rows of `queryset` that `scope` may see (by the unit at scope_unit_field, unless overridden)."""
        return scope.filter(queryset, self.scope_unit_field)

    def get_queryset(self, request):
        return self.scoped(super().get_queryset(request), staff_scope(request.user))

    def _in_scope_or_404(self, request, object_id) -> None:
        # simple-history shows a row's history from its records alone when get_queryset misses it.
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._in_scope_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(UnitKerja)
class UnitKerjaAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "parent", "is_active"]
    list_filter = ["is_active"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    scope_unit_field = "pk"


class ServiceValidatedForm(ServiceErrorsMixin, forms.ModelForm):
    """An admin form checked by a service, as the staff pages' forms are: the same rules,
    the same Indonesian messages, next to the same fields. `service_validate(instance)` raises
    EmployeeError; the admin's save_model then calls the service that writes."""

    def service_validate(self, instance) -> None:
        raise NotImplementedError

    def _post_clean(self) -> None:
        # Instead of Model.full_clean: the service's validation includes it. It runs once every field
        # is readable, so a field is not told twice what is wrong with it.
        if self._errors:
            return
        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        try:
            self.service_validate(self.instance)
        except EmployeeError as error:
            self.service_errors_add(error)

    def service_error_label(self, field: str) -> str:
        return field


class RetirementRuleAdminForm(ServiceValidatedForm):
    def service_validate(self, instance: RetirementRule) -> None:
        retirement_rule_validate(instance)


@admin.register(RetirementRule)
class RetirementRuleAdmin(HistoryAdmin):
    """Saving or deleting a rule goes through the services, which recompute everyone's facts (Celery)."""

    form = RetirementRuleAdminForm
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

    def changelist_view(self, request, extra_context=None):
        # The latest recomputation of everyone's facts, with its progress (the template shows it).
        latest = FactsRefreshRun.objects.first()
        return super().changelist_view(request, {"refresh_run": latest, **(extra_context or {})})

    def _recompute_announce(self, request) -> None:
        self.message_user(
            request,
            _("The retirement dates of every employee are being recomputed in the background with the new rules."),
            messages.INFO,
        )

    def save_model(self, request, obj, form, change) -> None:
        retirement_rule_save(rule=obj, actor=request.user)
        self._recompute_announce(request)

    def delete_model(self, request, obj) -> None:
        retirement_rules_delete(rules=[obj], actor=request.user)
        self._recompute_announce(request)

    def delete_queryset(self, request, queryset) -> None:
        retirement_rules_delete(rules=list(queryset), actor=request.user)
        self._recompute_announce(request)


class EmployeeAdminForm(ServiceValidatedForm):
    actor = None  # the signed-in user, set by EmployeeAdmin.get_form

    def service_validate(self, instance: Employee) -> None:
        # The NIP's agreement with the record is checked again only when it or what it encodes changed,
        # as employee_update does (see NIP_CHECKED_FIELDS).
        nip_changed = instance._state.adding or any(name in self.changed_data for name in NIP_CHECKED_FIELDS)
        employee_prepare(instance, check_nip=nip_changed)
        employee_scope_check(actor=self.actor, employee=instance, unit_before=self.initial.get("unit"))


@admin.register(Employee)
class EmployeeAdmin(FamilyInlinesMixin, ScopedAdminMixin, HistoryAdmin):
    """Employees are written by employee_create / employee_update (facts, work list, history, reminders)
    and never deleted: a person who leaves gets a status."""

    form = EmployeeAdminForm
    list_display = ["nip", "name", "golongan", "jenis_jabatan", "unit", "status", "bup", "tmt_pensiun"]
    list_filter = ["asn_type", "status", "jenis_jabatan", "jenjang", "rumpun", "golongan"]
    list_select_related = ["unit"]
    search_fields = ["=nip", "name", "nip_lama"]
    autocomplete_fields = ["unit", "user"]
    readonly_fields = [*FACT_FIELDS, *CASE_COPY_FIELDS, "created_at", "updated_at"]
    show_full_result_count = False
    actions = ["facts_recompute"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        # A class made for this request (modelform_factory), so the attribute is this user's alone.
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Only an account the admin manages may be linked (the suggestions alone are not a limit: any id
            # can be posted); linking gives the account the employee's unit, and the admin power over it.
            kwargs["queryset"] = accounts_manageable(actor=request.user, queryset=User.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        # A recomputation started here (a large selection) shows its progress until shortly after it ends.
        recent = timezone.now() - RECENT_RUN
        run = FactsRefreshRun.objects.filter(employee_ids__isnull=False, requested_by=request.user).first()
        if run is not None and run.finished_at is not None and run.finished_at < recent:
            run = None
        return super().changelist_view(request, {"refresh_run": run, **(extra_context or {})})

    @admin.action(description=_("Recompute the retirement dates"), permissions=["change"])
    def facts_recompute(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        if len(ids) > settings.PURNA_FACTS_INLINE_MAX:
            retirement_facts_recompute_queue(actor=request.user, employee_ids=ids)
            self.message_user(
                request,
                _("The retirement dates of %(n)s employees are being recomputed in the background.")
                % {"n": intcomma(len(ids))},
                messages.INFO,
            )
            return
        changed = retirement_facts_refresh(employee_ids=ids)
        self.message_user(
            request,
            ngettext(
                "%(n)s employee's retirement dates changed.", "%(n)s employees' retirement dates changed.", changed
            )
            % {"n": changed},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change) -> None:
        if change:
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            saved = employee_update(employee=obj, actor=request.user, **changes)
        else:
            saved = employee_create(actor=request.user, **form.cleaned_data)
        # The admin goes on with `obj` (its log entry, the redirect): give it the saved row.
        for field in Employee._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding, obj._state.db = False, saved._state.db

    def get_urls(self):
        # "Import employees" (a button on the list: templates/admin/employees/employee/change_list.html).
        view = self.admin_site.admin_view(lambda request: admin_import_view(self, request))
        return [path("impor/", view, name="employees_employee_import"), *super().get_urls()]


# --- Retirement records: opened and moved through services (employees/services/cases.py) -----------


class DocumentTypeForm(forms.ModelForm):
    """The kinds of retirement as checkboxes (stored as a list of RetirementKind values)."""

    kinds = forms.TypedMultipleChoiceField(
        label=_("retirement kinds"),
        choices=RetirementKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of retirement that ask for it; none chosen: every kind."),
    )

    class Meta:
        model = DocumentType
        fields = ["code", "name", "is_required", "kinds", "condition", "is_active", "order"]

    def clean_kinds(self) -> list[str]:
        # Stored in the order of the choices, whatever the order they were ticked in.
        chosen = set(self.cleaned_data["kinds"])
        return [value for value in RetirementKind.values if value in chosen]


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    form = DocumentTypeForm
    list_display = ["name", "code", "is_required", "kinds_display", "condition", "is_active", "order"]
    list_editable = ["is_required", "is_active", "order"]
    list_filter = ["is_required", "condition", "is_active"]
    search_fields = ["code", "name"]
    prepopulated_fields = {"code": ["name"]}

    @admin.display(description=_("retirement kinds"))
    def kinds_display(self, obj: DocumentType) -> str:
        if not obj.kinds:
            return str(_("Every kind"))
        labels = dict(RetirementKind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in obj.kinds)


@admin.register(KindRule)
class KindRuleAdmin(HistoryAdmin):
    """The numbers of each retirement kind from a date (employees/pension_kinds.py). A change for the future
    is a new row from its date; records keep the outcome computed under the rule they were decided by."""

    list_display = [
        "kind",
        "valid_from",
        "valid_until",
        "proposal_months_before",
        "min_age",
        "min_service_years",
        "uang_duka_multiplier",
        "gaji_terusan_months",
        "first_payment_after_months",
        "unsure",
    ]
    list_filter = ["kind", "unsure"]
    search_fields = ["legal_basis", "notes"]


@admin.register(DisciplinePenalty)
class DisciplinePenaltyAdmin(ScopedAdminMixin, HistoryAdmin):
    """Discipline penalties: a medium or heavy one in the last year bars the KPP (pension_kinds.kpp_check)."""

    list_display = ["employee", "level", "decided_on", "decree_number"]
    list_filter = ["level"]
    list_select_related = ["employee"]
    search_fields = ["=employee__nip", "employee__name", "decree_number"]
    raw_id_fields = ["employee"]
    scope_unit_field = "employee__unit"


class CaseStatusChangeInline(ReadOnlyInline):
    model = CaseStatusChange
    fields = ["at", "from_status", "to_status", "actor", "note", "missing_documents"]
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


class RetirementCaseAdminForm(ServiceValidatedForm):
    """Corrects the SK pensiun and pertek of a record that has its SK, with the reason for the history."""

    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the record's history with your name."),
    )

    def service_validate(self, instance: RetirementCase) -> None:
        changed = set(self.changed_data) & set(DECISION_FIELDS)
        if changed:
            retirement_case_decision_validate(instance, changed)
            if not self.cleaned_data.get("reason", "").strip():
                raise CaseError(errors={"reason": [_("Give the reason: it is kept in the record's history.")]})


@admin.register(RetirementCase)
class RetirementCaseAdmin(ScopedAdminMixin, HistoryAdmin):
    """Records are opened and moved on the staff pages or by the actions here, never by editing the status;
    the pertek of a record from its pertek step on, and the SK once issued, can be corrected here
    (retirement_case_decision_correct)."""

    form = RetirementCaseAdminForm
    list_display = ["employee", "kind", "tmt", "status", "proposal_due", "proposed_on", "sk_number"]
    list_filter = ["status", "kind"]
    list_select_related = ["employee"]
    search_fields = ["=employee__nip", "employee__name", "sk_number", "pertek_number"]
    date_hierarchy = "tmt"
    readonly_fields = ["employee", "kind", "tmt", "status", "proposal_due", "proposed_on", "created_at"]
    inlines = [CaseDocumentInline, CaseStatusChangeInline]
    actions = ["mark_proposed", "mark_done"]
    show_full_result_count = False
    scope_unit_field = "employee__unit"

    def _correctable(self, obj) -> list[str]:
        """The decision fields that can be corrected on `obj`: the pertek's from its step on, all once the SK
        is issued."""
        if obj is None or obj.status not in CORRECTABLE_STATUSES:
            return []
        return [name for name in DECISION_FIELDS if obj.status != CaseStatus.PERTEK or name in PERTEK_FIELDS]

    def get_fields(self, request, obj=None):
        corrections = [*DECISION_FIELDS, "reason"] if self._correctable(obj) else list(DECISION_FIELDS)
        return [*self.readonly_fields, *corrections, "notes"]

    def get_readonly_fields(self, request, obj=None):
        correctable = self._correctable(obj)
        return [*self.readonly_fields, *(name for name in DECISION_FIELDS if name not in correctable)]

    def save_model(self, request, obj, form, change) -> None:
        corrections = {name: form.cleaned_data[name] for name in form.changed_data if name in DECISION_FIELDS}
        if corrections:
            retirement_case_decision_correct(
                case=obj, actor=request.user, note=form.cleaned_data["reason"], **corrections
            )
        if "notes" in form.changed_data:
            retirement_case_notes_update(case=obj, actor=request.user, notes=form.cleaned_data["notes"])

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
            except DatabaseError as error:
                # One transaction per record: the busy one is named, the others stand (purna/db.py).
                if not is_transient(error):
                    raise
                failed.append(f"{case.employee.display_name}: {BUSY_MESSAGE}")
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


# --- Staff scope by unit (employees/scope.py), set on each user's admin page ----------------------------


class StaffScopeInline(StaffScopeGuardMixin, admin.StackedInline):
    """Which units' employees the user sees; an admin sets it only within their own units (every unit
    only if they see every unit), or they could widen their own (employees/admin_accounts.py)."""

    model = StaffScope
    can_delete = False
    fields = ["all_units", "units"]
    filter_horizontal = ["units"]
    verbose_name_plural = _("staff scope")

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and self._may_set_scopes(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_set_scopes(request)


@admin.register(User)
class StaffUserAdmin(AccountGuardMixin, PermissionLabelsMixin, UserAdmin):
    inlines = [*UserAdmin.inlines, StaffScopeInline]
    list_display = [*UserAdmin.list_display, "scope"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("staff_scope").prefetch_related("staff_scope__units")

    @admin.display(description=_("staff scope"))
    def scope(self, user) -> str:
        if user.is_superuser:
            return str(_("All work units"))
        try:
            scope = user.staff_scope
        except StaffScope.DoesNotExist:
            return str(_("None"))
        if scope.all_units:
            return str(_("All work units"))
        return ", ".join(unit.name for unit in scope.units.all()) or str(_("None"))


@admin.register(FamilyCorrection)
class ScopedFamilyCorrectionAdmin(ScopedAdminMixin, FamilyCorrectionAdmin):
    scope_unit_field = "employee__unit"
