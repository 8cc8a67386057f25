"""Forms of the family pages and of the correction requests: they check the input's shape; the services
in employees/services/family.py decide, and their errors are put next to the fields."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from employees.family import CHILD_FIELDS, PARENT_FIELDS, SPOUSE_FIELDS
from employees.models import Child, Employee, Parent, Spouse
from employees.services.family import CORRECTION_MAX_LENGTH
from purna.forms import ServiceErrorsMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NIK_WIDGET = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "20"})


class _FamilyForm(ServiceErrorsMixin, forms.ModelForm):
    """No model validation here: the service validates (one place for the rules)."""

    nik = forms.CharField(label=_("NIK"), max_length=20, required=False, widget=NIK_WIDGET, help_text=_("16 digits."))

    def __init__(self, *args, employee: Employee, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.employee = employee
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def _post_clean(self) -> None:
        # ModelForm would validate the model here; employees.services.family does, with the family rules.
        pass


class SpouseForm(_FamilyForm):
    class Meta:
        model = Spouse
        fields = SPOUSE_FIELDS
        widgets = {
            "birth_date": DATE_WIDGET,
            "died_on": DATE_WIDGET,
            "marriage_date": DATE_WIDGET,
            "ended_on": DATE_WIDGET,
            "address": forms.Textarea(attrs={"rows": 2}),
        }


class ChildForm(_FamilyForm):
    class Meta:
        model = Child
        fields = CHILD_FIELDS
        widgets = {"birth_date": DATE_WIDGET, "died_on": DATE_WIDGET, "address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, employee: Employee, **kwargs) -> None:
        super().__init__(*args, employee=employee, **kwargs)
        other_parent = self.fields["other_parent"]
        assert isinstance(other_parent, forms.ModelChoiceField)
        other_parent.queryset = Spouse.objects.filter(employee=employee)
        other_parent.help_text = _("The spouse this child comes from (one share of the pension per set of parents).")


class ParentForm(_FamilyForm):
    class Meta:
        model = Parent
        fields = PARENT_FIELDS
        widgets = {"birth_date": DATE_WIDGET, "died_on": DATE_WIDGET, "address": forms.Textarea(attrs={"rows": 2})}


FORMS: dict[type, type[_FamilyForm]] = {Spouse: SpouseForm, Child: ChildForm, Parent: ParentForm}


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=100, required=False)


class CorrectionDecisionForm(ServiceErrorsMixin, forms.Form):
    """Staff's answer to a correction request: applied (with an optional note) or rejected (with a reason)."""

    decision_reason = forms.CharField(
        label=_("Reason or note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to reject: the retiree reads it in the portal."),
    )


class CorrectionRequestForm(ServiceErrorsMixin, forms.Form):
    """The retiree's request, in their own words."""

    text = forms.CharField(
        label=_("What should be corrected?"),
        max_length=CORRECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: the name or date of birth of a child, a marriage that is missing."),
    )
