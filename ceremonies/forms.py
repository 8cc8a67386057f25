"""Forms of the ceremonies' staff pages: they check the shape of the input; the services decide.

The services' errors (CeremonyError, field by field) are put next to the fields with service_errors_add (purna/forms.py),
so a rule lives in ceremonies/rules.py or the services and speaks with one voice.
"""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ceremonies import certificates as certificate_texts
from ceremonies.models import OFFSET_VALIDATORS, AttendanceBy, Event, Instructor, Official, Participant, Session
from employees.filters import MONTH_WIDGET, MonthField, UnitChoiceField
from employees.models import UnitKerja
from employees.scope import Scope
from purna.forms import ServiceErrorsMixin

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"]
# An event's own certificate logo: a picture WeasyPrint prints well, small enough to embed in each PDF.
LOGO_TYPES = {"image/png", "image/jpeg"}
LOGO_MAX_BYTES = 2 * 1024 * 1024
# Pixels, not bytes, are what a picture costs once decoded (4 bytes each): a 250 KB PNG can declare
# 8000 x 8000 and take 256 MB in every certificate's rendering. 3000 x 3000 prints sharp on A4.
LOGO_MAX_PIXELS = 3000 * 3000
OFFSET_FIELDS = ["print_offset_x_mm", "print_offset_y_mm"]


def _bootstrap(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        widget.attrs.setdefault("class", css)


class EventForm(ServiceErrorsMixin, forms.ModelForm):
    """Plan or change an event; the view passes cleaned_data to event_create / event_update."""

    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)
    organizer = UnitChoiceField(label=_("Organising unit"), queryset=UnitKerja.objects.none())
    signatories = forms.ModelMultipleChoiceField(
        label=_("Certificate signatories"),
        queryset=Official.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "attendance_by",
            "venue",
            "organizer",
            "capacity",
            "presiding_official",
            "signatories",
            "description",
            "certificate_wording",
            "certificate_logo",
            "print_offset_x_mm",
            "print_offset_y_mm",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "certificate_wording": forms.Textarea(attrs={"rows": 3}),
            "certificate_logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = UnitKerja.objects.filter(is_active=True) | UnitKerja.objects.filter(pk=self.instance.organizer_id or 0)
        self.fields["organizer"].queryset = scope.filter(units, "pk").select_related("parent").order_by("name")
        self.fields["presiding_official"].queryset = Official.objects.filter(is_active=True)
        # Left out (an older form, a script): per day, the model's default.
        self.fields["attendance_by"].required = False
        for name in OFFSET_FIELDS:  # left empty: no nudge
            self.fields[name].required = False
            self.fields[name].validators.extend(OFFSET_VALIDATORS)
            self.fields[name].widget.attrs.update(min=-30, max=30)
        _bootstrap(self)

    def _offset(self, name: str) -> int:
        value = self.cleaned_data.get(name)
        return 0 if value is None else value

    def clean_attendance_by(self) -> str:
        return self.cleaned_data.get("attendance_by") or (self.instance.attendance_by or AttendanceBy.DAY)

    def clean_print_offset_x_mm(self) -> int:
        return self._offset("print_offset_x_mm")

    def clean_print_offset_y_mm(self) -> int:
        return self._offset("print_offset_y_mm")

    def clean_certificate_wording(self) -> str:
        # Checked here too (the service checks again), so it is said with the form's other mistakes.
        wording = self.cleaned_data.get("certificate_wording", "")
        errors = certificate_texts.wording_template_errors(wording)
        if errors:
            raise forms.ValidationError(errors)
        return wording

    def clean_certificate_logo(self):
        logo = self.cleaned_data.get("certificate_logo")
        if not logo:  # none, or "clear" ticked (False): the agency's logo
            return ""
        if logo and getattr(logo, "content_type", None) is not None:  # a new upload
            if logo.content_type not in LOGO_TYPES:
                raise forms.ValidationError(_("The logo must be a PNG or JPEG picture."))
            if logo.size > LOGO_MAX_BYTES:
                raise forms.ValidationError(
                    _("The logo is too large (at most %(size)s).") % {"size": filesizeformat(LOGO_MAX_BYTES)}
                )
            # forms.ImageField has read the header (Pillow, not decoded): its declared size.
            width, height = getattr(getattr(logo, "image", None), "size", (0, 0))
            if width * height > LOGO_MAX_PIXELS:
                raise forms.ValidationError(
                    _("The logo is %(width)s x %(height)s pixels: at most 3000 x 3000, please make it smaller.")
                    % {"width": width, "height": height}
                )
        return logo

    def _post_clean(self) -> None:
        # No model validation here: the service validates (and says why, once).
        pass


class SessionForm(ServiceErrorsMixin, forms.ModelForm):
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS)

    class Meta:
        model = Session
        fields = ["starts_at", "ends_at", "topic", "instructor", "notes"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)

    def _post_clean(self) -> None:
        pass


class CohortForm(forms.Form):
    """Who to look for: a TMT window (months, both included), a unit, or a name/NIP."""

    tmt_from = MonthField(label=_("TMT from (month)"), widget=MONTH_WIDGET, required=False)
    tmt_until = MonthField(label=_("TMT until (month)"), widget=MONTH_WIDGET, required=False)
    unit = UnitChoiceField(
        label=_("Work unit"), queryset=UnitKerja.objects.none(), required=False, empty_label=_("All")
    )
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)

    def __init__(self, *args, scope: Scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = UnitKerja.objects.select_related("parent").order_by("name")
        self.fields["unit"].queryset = scope.filter(units, "pk")
        _bootstrap(self)

    def clean(self):
        data = super().clean()
        start, until = data.get("tmt_from"), data.get("tmt_until")
        if start and until and until < start:
            self.add_error("tmt_until", _("The end month must not be before the start month."))
        if not (start and until) and not data.get("q", "").strip() and not self.errors:
            raise forms.ValidationError(_("Choose a TMT period (from and until), or search a name or NIP."))
        return data


class CompanionForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["companion_name", "companion_relation"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class InstructorForm(ServiceErrorsMixin, forms.ModelForm):
    """An instructor's details; the view passes cleaned_data to instructor_create / instructor_update."""

    class Meta:
        model = Instructor
        fields = ["name", "institution", "expertise", "email", "phone"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
