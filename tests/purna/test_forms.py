"""The forms' shared placing of a service's errors, and their renderer (purna/forms.py)."""

import datetime as dt

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template.backends.jinja2 import Template as Jinja2Template
from django.test.html import parse_html

from employees.exceptions import EmployeeError
from purna.forms import FormRenderer, ServiceErrorsMixin


class NoteForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(required=False)


class LabelledNoteForm(NoteForm):
    def service_error_label(self, field: str) -> str:
        return field.upper()


def errors(form_class) -> dict:
    form = form_class(data={"note": "x"})
    form.is_valid()
    form.service_errors_add(EmployeeError("umum", errors={"note": ["kosong"], "amount": ["terlalu besar"]}))
    return form.errors


def test_messages_go_under_their_field_and_the_others_above_the_form():
    found = errors(NoteForm)
    assert found["note"] == ["kosong"]
    assert sorted(found[NON_FIELD_ERRORS]) == ["terlalu besar", "umum"]


def test_a_form_may_name_the_field_it_does_not_show():
    assert sorted(errors(LabelledNoteForm)[NON_FIELD_ERRORS]) == ["AMOUNT: terlalu besar", "umum"]


# --- The renderer (settings.FORM_RENDERER) ----------------------------------------------------------------


class EveryWidgetForm(forms.Form):
    unit = forms.ChoiceField(
        choices=[("", "Semua unit"), ("1", "Dinas <Kesehatan> & Sosial"), ("2", 'Badan "Keuangan"')],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    units = forms.MultipleChoiceField(choices=[("1", "Satu"), ("2", "Dua")], widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    overdue = forms.BooleanField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(widget=forms.Textarea, required=False)
    scan = forms.FileField(required=False)


def test_django_s_own_widgets_render_the_same_html_through_jinja2():
    data = {"unit": "1", "units": ["2"], "kind": "b", "overdue": "on", "day": "2026-12-07", "note": "<b>x</b>"}
    jinja2, django = EveryWidgetForm(data, renderer=FormRenderer()), EveryWidgetForm(data, renderer=DjangoTemplates())

    assert isinstance(FormRenderer().get_template("django/forms/widgets/select.html"), Jinja2Template)
    for name in EveryWidgetForm.base_fields:
        assert parse_html(str(jinja2[name])) == parse_html(str(django[name])), name
    assert 'value="1" selected' in str(jinja2["unit"])
    assert "Dinas &lt;Kesehatan&gt; &amp; Sosial" in str(jinja2["unit"])
    assert parse_html(str(jinja2)) == parse_html(str(django))


def test_the_admin_s_widgets_still_render_through_the_django_template_language():
    html = AdminDateWidget().render("day", dt.date(2026, 12, 7), renderer=FormRenderer())
    assert '<p class="date">' in html and 'class="vDateField"' in html and 'name="day"' in html


def test_every_form_uses_it():
    assert isinstance(get_default_renderer(), FormRenderer)
