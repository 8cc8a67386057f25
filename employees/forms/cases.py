"""Forms of the retirement records (berkas purna tugas) and of the "akan purna tugas" work list.

They check the shape of the input only; the rules (which move is allowed, what a step needs, which
files are documents) are applied by employees/services/cases.py.
"""

from django import forms
from django.http import QueryDict
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from employees import cases, pension_kinds
from employees.choices import CaseStatus, RetirementKind
from employees.models import UnitKerja
from employees.scope import Scope
from employees.selectors import CASE_NONE

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_MAX_LENGTH = 300


class RetirementCaseOpenForm(forms.Form):
    kind = forms.ChoiceField(
        label=capfirst(_("retirement kind")), choices=RetirementKind.choices, initial=RetirementKind.BUP
    )
    tmt = forms.DateField(
        label=_("TMT pensiun"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_(
            "Leave empty for a BUP retirement or a death (a pensioner's too): the TMT pensiun follows from the "
            "BUP or from the date of death."
        ),
    )
    died_on = forms.DateField(
        label=capfirst(_("date of death")),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("For janda/duda, tewas and pensiun terusan."),
    )
    caused_by_duty = forms.BooleanField(
        label=capfirst(_("caused by duty")), required=False, help_text=_("Udzur: the unfitness was caused by the duty.")
    )
    last_income = forms.DecimalField(
        label=capfirst(_("last monthly income")),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("For a death: basic salary with family and position allowances, the base of the uang duka wafat."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH)


class CaseKindFactsForm(forms.Form):
    """The facts a record's kind depends on, corrected after opening (employees/services/cases.py)."""

    died_on = RetirementCaseOpenForm.base_fields["died_on"]
    caused_by_duty = RetirementCaseOpenForm.base_fields["caused_by_duty"]
    last_income = RetirementCaseOpenForm.base_fields["last_income"]
    kpp_requested = forms.BooleanField(
        label=capfirst(_("KPP requested")),
        required=False,
        help_text=_("Kenaikan pangkat pengabdian, requested on the DPCP; only when the employee is eligible."),
    )
    note = forms.CharField(label=_("Reason for the change"), required=False, max_length=NOTE_MAX_LENGTH)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the facts this kind keeps (employees/services/kinds.py kind_facts_clean).
        if kind not in cases.DECEASED_KINDS:
            del self.fields["died_on"]
        if kind not in cases.DEATH_KINDS:
            del self.fields["last_income"]
        if kind != RetirementKind.DISABILITY:
            del self.fields["caused_by_duty"]
        # No KPP for the kinds it never applies to (udzur keeps it: "caused by duty" is asked here).
        if kind not in pension_kinds.KPP_KINDS:
            del self.fields["kpp_requested"]


class CaseTransitionForm(forms.Form):
    """The facts of one step: built for the target status, so each step asks only for what it records."""

    proposed_on = forms.DateField(label=capfirst(_("proposed to BKN on")), widget=DATE_WIDGET)
    pertek_number = forms.CharField(label=capfirst(_("pertek BKN number")), required=False, max_length=100)
    pertek_date = forms.DateField(label=capfirst(_("pertek BKN date")), required=False, widget=DATE_WIDGET)
    sk_number = forms.CharField(label=capfirst(_("SK pensiun number")), max_length=100)
    sk_date = forms.DateField(label=capfirst(_("SK pensiun date")), widget=DATE_WIDGET)
    sk_signer = forms.CharField(
        label=capfirst(_("SK pensiun signed by")),
        max_length=200,
        help_text=_("For example: Bupati Contoh, or Presiden RI."),
    )
    override = forms.BooleanField(
        label=_("Propose with required documents missing (override; give the reason below)"), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )

    FIELDS_BY_STATUS = {
        CaseStatus.PROPOSED: ["proposed_on", "override"],
        CaseStatus.PERTEK: ["pertek_number", "pertek_date"],
        CaseStatus.SK_ISSUED: ["sk_number", "sk_date", "sk_signer", "pertek_number", "pertek_date"],
    }

    def __init__(self, *args, from_status: str, to_status: str, may_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_status = to_status
        keep = [*self.FIELDS_BY_STATUS.get(to_status, []), "note"]
        if not may_override and "override" in keep:
            keep.remove("override")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if to_status == CaseStatus.PERTEK:
            # BKN's pertek is what this step records: its number and date are both required.
            self.fields["pertek_number"].required = self.fields["pertek_date"].required = True
        if to_status in cases.BKN_ANSWERS:
            self.fields["note"].required = True
            self.fields["note"].label = _("BKN's reason")
        elif cases.needs_reason(from_status, to_status):
            self.fields["note"].required = True
            self.fields["note"].label = _("Reason")

    def facts(self) -> dict:
        """The cleaned facts as the service takes them (the note apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "note"}


class CasePertekCorrectForm(forms.Form):
    """BKN's pertek typed wrong (or re-issued), corrected on the record's page with a reason."""

    pertek_number = forms.CharField(label=capfirst(_("pertek BKN number")), max_length=100)
    pertek_date = forms.DateField(label=capfirst(_("pertek BKN date")), widget=DATE_WIDGET)
    note = forms.CharField(
        label=_("Reason for the correction"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the record's status history with your name."),
    )


class CaseDocumentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (PDF, JPG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}),
    )


MONTH_CHOICES = [3, 6, 12, 24]
DEFAULT_MONTHS = 12
MAX_MONTHS = 120


class RetiringFilterForm(forms.Form):
    """The work list's filters, read from the query string; bad values fall back to the defaults."""

    bulan = forms.TypedChoiceField(
        label=_("Within"), coerce=int, required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    unit = forms.ModelChoiceField(
        label=_("Work unit"),
        queryset=UnitKerja.objects.order_by("name"),
        required=False,
        empty_label=_("All units"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Record status"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    terlambat = forms.BooleanField(
        label=_("Only overdue"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    def __init__(self, data=None, *, scope: Scope, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        data.setdefault("bulan", str(DEFAULT_MONTHS))
        super().__init__(data, **kwargs)
        self.fields["unit"].queryset = scope.filter(self.fields["unit"].queryset, "pk")
        # The usual windows, plus any other one asked for in the address (bulan=1 is a valid link).
        months = set(MONTH_CHOICES)
        requested = data.get("bulan", "")
        if requested.isdigit() and 1 <= int(requested) <= MAX_MONTHS:
            months.add(int(requested))
        self.fields["bulan"].choices = [
            (n, ngettext("%(n)d month", "%(n)d months", n) % {"n": n}) for n in sorted(months)
        ]
        self.fields["status"].choices = [
            ("", _("All")),
            (CASE_NONE, _("No record yet")),
            *CaseStatus.choices,
        ]

    def filters(self) -> dict:
        """The selector's keyword arguments; an invalid field is ignored, not an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        months = data.get("bulan") if "bulan" not in self.errors else None
        return {
            "months": months or DEFAULT_MONTHS,
            "unit_id": data["unit"].pk if data.get("unit") and "unit" not in self.errors else None,
            "case_status": data.get("status", "") if "status" not in self.errors else "",
            "only_overdue": bool(data.get("terlambat")) if "terlambat" not in self.errors else False,
        }
