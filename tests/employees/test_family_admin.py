"""The family in the admin: read-only inlines on the employee's page, correction requests as records."""

import datetime as dt

import pytest
from django.urls import reverse

from employees.services.family import child_add, family_correction_request, parent_add, spouse_add
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory

D = dt.date
pytestmark = pytest.mark.django_db


def test_hr_admins_see_the_family_on_the_employee_page_read_only(admin_client):
    employee = EmployeeFactory(birth_date=D(1966, 1, 1))
    wife = spouse_add(employee=employee, actor=None, name="Fatimah Azzahra", nik="6471051270010003")
    child_add(employee=employee, actor=None, name="Rahmat Hidayat", other_parent=wife)
    parent_add(employee=employee, actor=None, name="Sukardi Wiryo", relation="ayah")

    page = admin_client.get(reverse("admin:employees_employee_change", args=[employee.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Fatimah Azzahra" in html and "Rahmat Hidayat" in html and "Sukardi Wiryo" in html
    assert 'name="spouses-0-name"' not in html  # shown, not editable


def test_correction_requests_are_records_in_the_admin_within_the_scope(client):
    unit, other = UnitKerjaFactory(), UnitKerjaFactory()
    mine = family_correction_request(employee=EmployeeFactory(unit=unit), actor=None, text="Punya unit saya")
    theirs = family_correction_request(employee=EmployeeFactory(unit=other), actor=None, text="Punya unit lain")
    admin = UserFactory(roles=["Admin Kepegawaian"], units=[unit], is_staff=True)
    client.force_login(admin)

    listing = client.get(reverse("admin:employees_familycorrection_changelist")).content.decode()

    assert str(mine.employee) in listing and str(theirs.employee) not in listing
    assert client.get(reverse("admin:employees_familycorrection_change", args=[theirs.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:employees_familycorrection_add")).status_code == 403
