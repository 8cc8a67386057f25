"""The forms' shared placing of a service's errors (purna/forms.py)."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from employees.exceptions import EmployeeError
from purna.forms import ServiceErrorsMixin


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
