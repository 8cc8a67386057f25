"""The register's forms (employees/forms/): shape of the input, and the services' errors put in place."""

import datetime as dt

import pytest
from crispy_forms.utils import render_crispy_form
from django.core.exceptions import NON_FIELD_ERRORS

from employees.exceptions import EmployeeError, NipError, NipFormatError
from employees.forms.projection import ProjectionFilterForm
from employees.forms.register import EmployeeForm
from employees.nip import NipMismatch, NipPart
from employees.scope import ALL_UNITS
from tests.factories import EmployeeFactory, UnitKerjaFactory

pytestmark = pytest.mark.django_db


def test_fields_are_grouped_in_fieldsets_with_date_pickers():
    html = render_crispy_form(EmployeeForm(scope=ALL_UNITS))

    assert html.count("<fieldset") == 5  # identity, position, dates, contact, special BUP
    for name in ("birth_date", "tmt_cpns", "tmt_pns", "contract_end", "bup_override_date"):
        assert f'type="date" name="{name}"' in html
    assert 'name="nip_mismatch_accepted"' not in html  # offered only after a mismatch


def test_golongan_choices_are_grouped_pns_and_pppk():
    groups = [
        label
        for label, options in EmployeeForm(scope=ALL_UNITS).fields["golongan"].choices
        if isinstance(options, list | tuple)
    ]

    assert [str(label) for label in groups] == ["PNS", "PPPK"]


def test_jenjang_rumpun_and_contract_end_are_marked_for_the_toggle():
    html = render_crispy_form(EmployeeForm(scope=ALL_UNITS))

    assert 'class="js-fungsional"' in html
    assert "js-pppk" in html


def test_nip_accepts_spaces_as_people_write_it():
    unit = UnitKerjaFactory()
    form = EmployeeForm(
        scope=ALL_UNITS,
        data={
            "asn_type": "PNS",
            "nip": "19700512 199503 2 001",
            "name": "Siti",
            "birth_date": "1970-05-12",
            "gender": "2",
            "jenis_jabatan": "pelaksana",
            "unit": unit.pk,
            "status": "aktif",
            "tmt_cpns": "1995-03-01",
            "prior_service_months": "0",
        },
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == dt.date(1970, 5, 12)


def test_nip_mismatch_adds_the_explanation_and_the_override_fieldset():
    form = EmployeeForm(data={}, scope=ALL_UNITS)
    form.is_valid()
    mismatch = NipMismatch(
        NipPart.BIRTH_DATE, "NIP memuat tanggal lahir 12 Mei 1970, padahal data mencatat 13 Mei 1970."
    )

    form.service_errors_add(NipError([mismatch]))

    assert mismatch.message in form.errors["nip"]
    assert form.non_field_errors()
    assert form.shows_nip_override
    assert 'name="nip_mismatch_reason"' in render_crispy_form(form)


def test_unreadable_nip_does_not_offer_the_override():
    form = EmployeeForm(data={}, scope=ALL_UNITS)
    form.is_valid()

    form.service_errors_add(NipFormatError("NIP harus terdiri atas 18 angka.", field="nip"))

    assert not form.shows_nip_override
    assert "NIP harus terdiri atas 18 angka." in form.errors["nip"]


def test_errors_of_fields_not_on_the_form_go_above_it_with_their_label():
    form = EmployeeForm(data={}, scope=ALL_UNITS)
    form.is_valid()

    form.service_errors_add(EmployeeError(errors={"bup": ["salah"], NON_FIELD_ERRORS: ["umum"]}))

    assert "umum" in form.non_field_errors()
    assert any(message.endswith(": salah") for message in form.non_field_errors())


def test_edit_form_keeps_an_employee_of_a_closed_unit_editable():
    closed = UnitKerjaFactory(is_active=False)
    employee = EmployeeFactory(unit=closed)

    assert closed in EmployeeForm(instance=employee, scope=ALL_UNITS).fields["unit"].queryset
    assert closed not in EmployeeForm(scope=ALL_UNITS).fields["unit"].queryset


def test_projection_filter_form_returns_the_selection():
    unit = UnitKerjaFactory()

    assert ProjectionFilterForm(scope=ALL_UNITS).selection() == (None, "")
    assert ProjectionFilterForm({"unit": unit.pk, "jenis_jabatan": "fungsional"}, scope=ALL_UNITS).selection() == (
        unit,
        "fungsional",
    )
    assert ProjectionFilterForm({"unit": "999999"}, scope=ALL_UNITS).selection() == (None, "")
