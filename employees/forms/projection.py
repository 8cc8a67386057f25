"""The projection's filter form: which unit and position category the projection counts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from employees.choices import JenisJabatan
from employees.filters import UnitChoiceField
from employees.models import UnitKerja
from employees.scope import Scope


class ProjectionFilterForm(forms.Form):
    """The projection's optional narrowing: one unit (with its sub-units) and/or one position category."""

    unit = UnitChoiceField(
        label=_("Work unit"),
        queryset=UnitKerja.objects.select_related("parent").order_by("name"),
        required=False,
        empty_label=_("All units"),
    )
    jenis_jabatan = forms.ChoiceField(
        label=_("Position category"), choices=[("", _("All categories")), *JenisJabatan.choices], required=False
    )

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope.filter(self.fields["unit"].queryset, "pk")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def selection(self) -> tuple[UnitKerja | None, str]:
        """The unit and position category chosen (None and "" when not, or when the input is bad)."""
        if not self.is_bound or not self.is_valid():
            return None, ""
        return self.cleaned_data["unit"], self.cleaned_data["jenis_jabatan"]
