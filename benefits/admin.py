"""The admin of the benefits: rates with their bands (reference data, edited here and on the staff pages
through benefits/services/rates.py, both checked by tali_asih.bands_check), THT claims and payouts
written through benefits/services/payouts.py (payouts are read-mostly: actions verify and approve)."""

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from benefits import tali_asih
from benefits.exceptions import PayoutError
from benefits.models import Payout, PayoutStatusChange, TaliAsihRate, TaliAsihRateBand, ThtClaim
from benefits.services.payouts import (
    CLAIM_FIELDS,
    BulkReport,
    payouts_approve_bulk,
    payouts_verify_bulk,
    tht_claim_amount_check,
    tht_claim_save,
    tht_claim_validate,
)
from employees.admin import ScopedAdminMixin, ServiceValidatedForm
from employees.scope import staff_scope
from purna.admin import HistoryAdmin, ReadOnlyInline, RecordAdminMixin


class BandFormSet(BaseInlineFormSet):
    """The bands must fit the rate's basis: slabs that do not overlap, each golongan group once."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        bands = [
            form.instance.as_band()
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.instance.amount is not None
        ]
        if problems := tali_asih.bands_check(self.instance.basis, bands):
            raise forms.ValidationError(problems)


class BandForm(forms.ModelForm):
    """A band as the decision writes it: "5-10 tahun" is from 5 to 10, both included (stored as
    5 <= years < 11 through tali_asih.upper_end, the one place of that rule)."""

    last_years = forms.IntegerField(
        label=_("up to years of service (inclusive)"),
        min_value=0,
        max_value=99,
        required=False,
        help_text=_(
            'As the decision writes it: "5-10 tahun" is 5 to 10. Empty: no upper end ("lebih dari 20 tahun" is from 21).'
        ),
    )

    class Meta:
        model = TaliAsihRateBand
        fields = ["golongan_group", "min_years", "amount"]
        help_texts = {"min_years": _('Whole years, included: 5 for "5-10 tahun".')}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("last_years", self.instance.as_band().last_year)

    def clean(self) -> dict:
        cleaned = super().clean()
        first, last = cleaned.get("min_years"), cleaned.get("last_years")
        if last is not None and (first is None or last < first):
            self.add_error("last_years", _("The last year of a slab cannot be before its first year."))
        self.instance.max_years = tali_asih.upper_end(last)
        return cleaned


class TaliAsihRateBandInline(admin.TabularInline):
    model = TaliAsihRateBand
    form = BandForm
    formset = BandFormSet
    extra = 0
    fields = ["golongan_group", "min_years", "last_years", "amount", "covers"]
    readonly_fields = ["covers"]

    @admin.display(description=_("years covered"))
    def covers(self, band: TaliAsihRateBand) -> str:
        return band.as_band().label if band.pk and not band.golongan_group else ""


@admin.register(TaliAsihRate)
class TaliAsihRateAdmin(HistoryAdmin):
    list_display = [
        "name",
        "decision_number",
        "basis",
        "amount",
        "effective_from",
        "effective_until",
        "retirement_kind",
    ]
    list_filter = ["basis", "retirement_kind", "asn_type"]
    search_fields = ["name", "decision_number"]
    inlines = [TaliAsihRateBandInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A rate that payouts were computed from stays (the database protects it too).
        return super().has_delete_permission(request, obj) and (obj is None or not obj.payouts.exists())


class PayoutStatusChangeInline(ReadOnlyInline):
    model = PayoutStatusChange
    fields = ["at", "from_status", "to_status", "actor", "amount", "note"]
    readonly_fields = fields


@admin.register(Payout)
class PayoutAdmin(ScopedAdminMixin, RecordAdminMixin, HistoryAdmin):
    """Payouts are prepared, paid and corrected on the staff pages (the services); here they are read
    (every change is a step of a service, never a form save), and verified or approved in bulk by the
    actions."""

    list_display = ["employee", "benefit_type", "amount", "status", "tmt", "method", "paid_on", "holder_mismatch"]
    list_filter = ["status", "benefit_type", "method", "holder_mismatch"]
    list_select_related = ["employee"]
    search_fields = ["=employee__nip", "employee__name", "account_holder"]
    date_hierarchy = "tmt"
    inlines = [PayoutStatusChangeInline]
    actions = ["verify_selected", "approve_selected"]
    show_full_result_count = False
    scope_unit_field = "employee__unit"

    # The proof and the heir statement are private files without a URL: shown as links to their
    # permission-checked downloads.
    exclude = ["proof", "heir_statement"]
    _DOWNLOADS = {"proof": "proof_download", "heir_statement": "heir_statement_download"}

    def get_readonly_fields(self, request, obj=None):
        return [self._DOWNLOADS.get(field.name, field.name) for field in Payout._meta.concrete_fields]

    @admin.display(description=_("heir statement"))
    def heir_statement_download(self, payout: Payout) -> str:
        if not payout.heir_statement:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("benefits:payout_heir_statement", args=[payout.pk]),
            payout.heir_statement_name or _("download"),
        )

    @admin.display(description=_("proof of payment"))
    def proof_download(self, payout: Payout) -> str:
        if not payout.proof:
            return "-"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("benefits:payout_proof", args=[payout.pk]),
            payout.proof_name or _("download"),
        )

    def has_verify_permission(self, request) -> bool:
        return request.user.has_perm("benefits.verify_payout")

    def has_approve_permission(self, request) -> bool:
        return request.user.has_perm("benefits.approve_payout")

    def _report(self, request, report: BulkReport, done_message: str) -> None:
        if report.done:
            self.message_user(request, done_message % {"n": len(report.done)}, messages.SUCCESS)
        for name, errors in report.errors:
            self.message_user(request, f"{name}: {' '.join(errors)}", messages.ERROR)

    @admin.action(description=_("Verify the selected payouts"), permissions=["verify"])
    def verify_selected(self, request, queryset) -> None:
        report = payouts_verify_bulk(payouts=queryset.select_related("employee"), actor=request.user)
        self._report(request, report, ngettext("%(n)d payout verified.", "%(n)d payouts verified.", len(report.done)))

    @admin.action(description=_("Approve the selected payouts"), permissions=["approve"])
    def approve_selected(self, request, queryset) -> None:
        report = payouts_approve_bulk(payouts=queryset.select_related("employee"), actor=request.user)
        self._report(request, report, ngettext("%(n)d payout approved.", "%(n)d payouts approved.", len(report.done)))


class ThtClaimAdminForm(ServiceValidatedForm):
    actor = None  # the signed-in user, set by ThtClaimAdmin.get_form

    def service_validate(self, instance: ThtClaim) -> None:
        # What tht_claim_save will check, so that its refusals show next to the fields.
        if instance.employee_id is not None and not staff_scope(self.actor).covers(instance.employee.unit_id):
            raise PayoutError(errors={"employee": [_("This employee is not in your work units.")]})
        tht_claim_validate(instance)
        tht_claim_amount_check(claim=instance, before=self.initial.get("amount_received"))


@admin.register(ThtClaim)
class ThtClaimAdmin(ScopedAdminMixin, HistoryAdmin):
    """THT claims are saved through tht_claim_save (scope, amounts, a payout prepared from the amount)."""

    form = ThtClaimAdminForm
    list_display = [
        "employee",
        "claim_filed_on",
        "taspen_reference",
        "documents_complete",
        "amount_received",
        "received_on",
    ]
    list_filter = ["documents_complete"]
    list_select_related = ["employee"]
    search_fields = ["=employee__nip", "employee__name", "taspen_reference"]
    autocomplete_fields = ["employee"]
    scope_unit_field = "employee__unit"

    def get_readonly_fields(self, request, obj=None):
        return ["employee"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        # A class made for this request (modelform_factory), so the attribute is this user's alone.
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name in CLAIM_FIELDS}
        saved = tht_claim_save(employee=obj.employee, actor=request.user, **fields)
        # The admin goes on with `obj` (its log entry, the redirect): give it the saved row.
        obj.pk, obj.updated_at, obj._state.adding, obj._state.db = saved.pk, saved.updated_at, False, saved._state.db
