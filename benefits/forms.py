"""Forms of the benefits' staff pages: they check the shape of the input; the services decide (amounts,
statuses, who may do what), and their PayoutError messages are put next to the fields."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benefits import tali_asih
from benefits.models import BenefitType, GolonganGroup, PaymentMethod, PayoutStatus, TaliAsihRate
from ceremonies.models import Event, EventStatus
from employees.filters import MONTH_WIDGET, MonthField
from purna.forms import ServiceErrorsMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROOF_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class ServiceForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class PayoutFilterForm(ServiceForm):
    """The payout list's filters (GET); every field optional, bad values ignored."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    benefit_type = forms.ChoiceField(label=_("Benefit"), required=False)
    year = forms.TypedChoiceField(label=_("TMT year"), required=False, coerce=int, empty_value=None)
    event = forms.ModelChoiceField(label=_("Ceremony"), queryset=Event.objects.none(), required=False)
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    overdue = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, events, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *PayoutStatus.choices]
        self.fields["benefit_type"].choices = [("", _("All")), *BenefitType.choices]
        self.fields["year"].choices = [("", _("All"))] + [(year, str(year)) for year in years]
        self.fields["event"].queryset = events
        self.fields["event"].empty_label = _("All")


class PrepareForm(ServiceForm):
    """What to prepare: a benefit, and a TMT period (months, both included) or a ceremony."""

    benefit_type = forms.ChoiceField(label=_("Benefit"), choices=BenefitType.choices, widget=forms.RadioSelect)
    tmt_from = MonthField(label=_("TMT from (month)"), widget=MONTH_WIDGET, required=False)
    tmt_until = MonthField(label=_("TMT until (month)"), widget=MONTH_WIDGET, required=False)
    event = forms.ModelChoiceField(
        label=_("Or the participants of a ceremony"), queryset=Event.objects.none(), required=False
    )

    def __init__(self, *args, events, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = events
        self.fields["event"].empty_label = _("No ceremony: use the TMT period")

    def clean(self):
        data = super().clean()
        start, until, event = data.get("tmt_from"), data.get("tmt_until"), data.get("event")
        if start and until and until < start:
            self.add_error("tmt_until", _("The end month must not be before the start month."))
        if not event and not (start and until) and not self.errors:
            raise forms.ValidationError(_("Choose a TMT period (from and until) or a ceremony."))
        return data


class NoteForm(ServiceForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReasonForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class OverrideForm(ServiceForm):
    override_amount = forms.CharField(
        label=_("Amount (Rp)"),
        required=False,
        max_length=30,
        help_text=_("Empty: back to the computed amount."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "20.000.000"}),
    )
    override_reason = forms.CharField(label=_("Reason"), max_length=300)


class PayForm(ServiceForm):
    method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices, widget=forms.RadioSelect)
    event = forms.ModelChoiceField(label=_("Ceremony"), queryset=Event.objects.none(), required=False)
    bank_name = forms.CharField(label=_("Bank"), required=False, max_length=100)
    account_number = forms.CharField(label=_("Account number"), required=False, max_length=40)
    account_holder = forms.CharField(label=_("Account holder"), required=False, max_length=150)
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_WIDGET)
    proof = forms.FileField(
        label=_("Proof of payment (PDF, JPG or PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": PROOF_ACCEPT}),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, events, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the published or held ceremonies the employee takes part in (payout_hand_over's rule).
        self.fields["event"].queryset = events.exclude(status__in=[EventStatus.DRAFT, EventStatus.CLOSED])
        self.fields["paid_on"].initial = timezone.localdate()


class ThtClaimForm(ServiceForm):
    claim_filed_on = forms.DateField(label=_("Claim filed on"), required=False, widget=DATE_WIDGET)
    taspen_reference = forms.CharField(label=_("Taspen reference"), required=False, max_length=100)
    documents_complete = forms.BooleanField(label=_("Documents complete"), required=False)
    documents_complete_on = forms.DateField(label=_("Documents complete on"), required=False, widget=DATE_WIDGET)
    amount_received = forms.CharField(
        label=_("Amount received (Rp)"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "25.000.000"}),
    )
    received_on = forms.DateField(label=_("Received on"), required=False, widget=DATE_WIDGET)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ThtImportForm(ServiceForm):
    file = forms.FileField(
        label=_("File from PT Taspen (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class RupiahField(forms.CharField):
    """An amount typed as people write it ("Rp 1.250.000", "1250000"), read by tali_asih.parse_rupiah."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = tali_asih.parse_rupiah(value)
        except tali_asih.AmountError as error:
            raise forms.ValidationError(str(error)) from error
        if problems := tali_asih.amount_check(amount):
            raise forms.ValidationError(problems)
        return amount

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.0f}" if value == value.to_integral_value() else str(value)
        return value


class TaliAsihRateForm(ServiceErrorsMixin, forms.ModelForm):
    """A rate's decision, period, basis and restrictions; its bands are BandFormSet's. The view passes
    both to tali_asih_rate_save, which checks the whole."""

    amount = RupiahField(
        label=_("Amount (Rp)"),
        required=False,
        help_text=_("The flat amount, or the amount per year of membership; empty for rates with bands."),
    )
    cap = RupiahField(label=_("Maximum (Rp)"), required=False, help_text=_("Per-year rates only: the most it gives."))

    class Meta:
        model = TaliAsihRate
        fields = [
            "name",
            "decision_number",
            "decision_date",
            "effective_from",
            "effective_until",
            "basis",
            "amount",
            "cap",
            "retirement_kind",
            "asn_type",
            "notes",
        ]
        widgets = {
            "decision_date": DATE_WIDGET,
            "effective_from": DATE_WIDGET,
            "effective_until": DATE_WIDGET,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def _post_clean(self) -> None:
        # The model's rules are the service's to check (with the bands): no second copy here.
        pass


class BandRowForm(forms.Form):
    """One band as the decision writes it: a golongan group, or whole years from .. to, both included
    ("5-10 tahun" is 5 to 10; an empty end is "and more": "lebih dari 20 tahun" is from 21)."""

    golongan_group = forms.ChoiceField(
        label=_("Golongan group"), choices=[("", "-"), *GolonganGroup.choices], required=False
    )
    first_year = forms.IntegerField(label=_("From year"), min_value=0, max_value=99, required=False)
    last_year = forms.IntegerField(label=_("Up to year (included)"), min_value=0, max_value=99, required=False)
    amount = RupiahField(label=_("Amount (Rp)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


BandFormSet = forms.formset_factory(BandRowForm, extra=3, can_delete=True)


class PayeeForm(ServiceForm):
    """An heir as the payee of a deceased employee's payout: who (one of the employee's spouses and
    children, as "spouse:<id>" or "child:<id>") and the heir statement."""

    heir = forms.ChoiceField(label=_("Heir who receives it"))
    heir_statement = forms.FileField(
        label=_("Heir statement (surat keterangan ahli waris)"),
        required=False,
        help_text=_("PDF, JPG or PNG. Required the first time; leave empty to keep the one on file."),
        widget=forms.ClearableFileInput(attrs={"accept": PROOF_ACCEPT}),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def __init__(self, *args, candidates: list[tuple[str, str]] = (), **kwargs) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["heir"].choices = [("", "---------"), *candidates]
