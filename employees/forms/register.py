"""Forms of the register's staff pages: they check the shape of the input; the services decide.

EmployeeForm does not validate the record itself (no model validation, no uniqueness check): the
services in employees/services/register.py do, and their errors (EmployeeError, NipError) are put next
to the form's fields with service_errors_add (purna/forms.py), so a rule lives in one place and speaks with one voice.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from employees.exceptions import EmployeeError, NipError, NipFormatError
from employees.filters import UnitChoiceField
from employees.models import Employee, UnitKerja
from employees.scope import Scope
from purna.forms import ServiceErrorsMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

IDENTITY_FIELDS = [
    "asn_type",
    "nip",
    "nip_lama",
    "front_title",
    "name",
    "back_title",
    "birth_place",
    "birth_date",
    "gender",
]
POSITION_FIELDS = ["golongan", "jenis_jabatan", "jenjang", "rumpun", "jabatan", "unit", "status"]
DATE_FIELDS = ["tmt_cpns", "tmt_pns", "contract_end", "prior_service_months", "tmt_golongan", "last_basic_salary"]
CONTACT_FIELDS = ["email", "phone", "personal_email", "personal_phone", "address"]
BUP_OVERRIDE_FIELDS = ["bup_override", "bup_override_decree", "bup_override_date", "bup_override_reason"]
NIP_OVERRIDE_FIELDS = ["nip_mismatch_accepted", "nip_mismatch_reason"]

NIP_MISMATCH_EXPLANATION = _(
    "The NIP does not agree with the data entered (see the NIP field). Usually one of them has a typing "
    "error: check the NIP against the SK and correct the NIP or the data. Only for a proven legacy case, "
    "accept the mismatch at the bottom of the form. Nothing has been saved."
)
NIP_OVERRIDE_HELP = _(
    "Only if the NIP is the one BKN issued and the data is proven right (a legacy case) may the mismatch "
    "be accepted: tick the box and give the reason and its proof. The acceptance is recorded in the "
    "history with your name."
)


class EmployeeForm(ServiceErrorsMixin, forms.ModelForm):
    """Add or change an employee; on POST the view passes cleaned_data to employee_create/update."""

    # Spaces are allowed as people write NIPs ("19860926 201505 1 001"); the service normalises them.
    nip = forms.CharField(
        label=Employee._meta.get_field("nip").verbose_name,
        max_length=30,
        help_text=_("18 digits; spaces are ignored. For a PPPK, the NI PPPK."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "19860926 201505 1 001"}
        ),
    )
    nip_lama = forms.CharField(
        label=Employee._meta.get_field("nip_lama").verbose_name,
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    unit = UnitChoiceField(
        label=_("Work unit"), queryset=UnitKerja.objects.filter(is_active=True).select_related("parent")
    )

    class Meta:
        model = Employee
        fields = (
            IDENTITY_FIELDS + POSITION_FIELDS + DATE_FIELDS + CONTACT_FIELDS + BUP_OVERRIDE_FIELDS + NIP_OVERRIDE_FIELDS
        )
        widgets = {
            "birth_date": DATE_WIDGET,
            "tmt_cpns": DATE_WIDGET,
            "tmt_pns": DATE_WIDGET,
            "tmt_golongan": DATE_WIDGET,
            "contract_end": DATE_WIDGET,
            "bup_override_date": DATE_WIDGET,
            "address": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "jenjang": _("Only for a jabatan fungsional."),
            "rumpun": _("Only for a jabatan fungsional whose own law sets the BUP (guru, dosen, peneliti...)."),
            "contract_end": _("Only for a PPPK: the last day of the contract."),
        }

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only the units the user works on (employees/scope.py); an employee stays editable when their
        # unit has since been closed.
        units = UnitKerja.objects.filter(Q(is_active=True) | Q(pk=self.instance.unit_id or None))
        self.fields["unit"].queryset = scope.filter(units, "pk").select_related("parent")
        self.nip_mismatches: list = []
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self._layout()

    @property
    def shows_nip_override(self) -> bool:
        """The NIP-mismatch override is offered only once a mismatch was found, or when already given."""
        accepted = self["nip_mismatch_accepted"].value()
        return bool(self.nip_mismatches or accepted or self.instance.nip_mismatch_accepted)

    def _layout(self) -> None:
        def columns(*names: str, width: str = "col-md") -> Row:
            return Row(*(Column(name, css_class=width) for name in names))

        parts = [
            Fieldset(
                _("Identity"),
                columns("asn_type", "nip", "nip_lama"),
                columns("front_title", "name", "back_title"),
                columns("birth_place", "birth_date", "gender"),
            ),
            Fieldset(
                _("Position"),
                columns("golongan", "jenis_jabatan", "status"),
                # Shown only for a jabatan fungsional (static/js/employee_form.js); checked by the service.
                Div(columns("jenjang", "rumpun"), css_class="js-fungsional"),
                columns("jabatan", "unit"),
            ),
            Fieldset(
                _("Service dates"),
                Row(
                    Column("tmt_cpns", css_class="col-md"),
                    Column("tmt_pns", css_class="col-md"),
                    Column("contract_end", css_class="col-md js-pppk"),
                    Column("prior_service_months", css_class="col-md"),
                ),
                # What the DPCP prints beside the rank (ceremonies/pension_documents.py).
                columns("tmt_golongan", "last_basic_salary"),
            ),
            Fieldset(_("Contact"), columns("email", "phone"), columns("personal_email", "personal_phone"), "address"),
            Fieldset(
                _("Special BUP (by decree)"),
                HTML(
                    '<p class="form-text mt-0">{}</p>'.format(
                        _("Only when a decree sets this person's retirement age; leave empty otherwise.")
                    )
                ),
                columns("bup_override", "bup_override_decree", "bup_override_date"),
                "bup_override_reason",
            ),
        ]
        if self.shows_nip_override:
            parts.append(
                Fieldset(
                    _("NIP that disagrees with the record"),
                    HTML(f'<p class="form-text mt-0">{NIP_OVERRIDE_HELP}</p>'),
                    "nip_mismatch_accepted",
                    "nip_mismatch_reason",
                    css_class="border border-warning rounded p-3 bg-warning-subtle",
                )
            )
        self.helper.layout = Layout(*parts)

    def _post_clean(self) -> None:
        # No model validation here: the service validates the record (see the module docstring).
        pass

    def service_errors_add(self, error: EmployeeError) -> None:
        """Put a service's errors next to their fields (the others above the form); a NIP that disagrees
        with the record also brings the explanation and the override fieldset."""
        if isinstance(error, NipError) and not isinstance(error, NipFormatError):
            self.nip_mismatches = error.mismatches
            self.add_error(None, NIP_MISMATCH_EXPLANATION)
            self._layout()  # now with the override fieldset
        super().service_errors_add(error)

    def service_error_label(self, field: str) -> str:
        try:
            return str(Employee._meta.get_field(field).verbose_name)
        except FieldDoesNotExist:
            return field
