"""Issue 17's bad input on the staff pages, in Indonesian, each answered with a clear message on the page
and nothing changed (no row, no history): a child born before its parent, a marriage after the employee's
death, a spouse already the current spouse of another employee, and an unknown NIP in a SIASN list (listed
as unknown, nothing applied)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from employees.models import Child, Employee, RetirementCase, SiasnReconciliation, Spouse
from employees.services.family import spouse_add
from purna import roles
from tests.employees.siasn_fixtures import siasn_csv, upload
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory, UserFactory

D = dt.date
pytestmark = pytest.mark.django_db
UNKNOWN_NIP = "197001012000011999"


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")


@pytest.fixture
def staff_client(client, unit):
    """An operator of the unit, reading the pages in Indonesian."""
    client.force_login(UserFactory(username="operator-id", roles=[roles.OPERATOR], units=[unit]))
    client.cookies["django_language"] = "id"
    with translation.override("id"):
        yield client


@pytest.fixture
def employee(unit):
    return EmployeeFactory(unit=unit, name="Budi Santoso", birth_date=D(1966, 5, 12))


def family_state() -> tuple:
    return (
        list(Spouse.objects.order_by("pk").values()),
        list(Child.objects.order_by("pk").values()),
        Spouse.history.count(),
        Child.history.count(),
        Employee.history.count(),
    )


def refused(response, message: str) -> str:
    assert response.status_code == 200, "the form is shown again, not a redirect"
    html = response.content.decode()
    assert message in html, message
    return html


def test_a_child_born_before_the_employee_is_refused(staff_client, employee):
    before = family_state()
    url = reverse("employees:family_add", args=[employee.pk, "anak"])

    response = staff_client.post(
        url, {"name": "Dewi", "gender": "2", "birth_date": "1960-01-01", "relation": "kandung"}
    )

    refused(response, "Anak lahir sebelum pegawai.")
    assert family_state() == before


def test_a_child_born_before_the_other_parent_is_refused(staff_client, employee):
    wife = spouse_add(employee=employee, actor=None, name="Siti Aminah", birth_date=D(1985, 1, 1))
    before = family_state()
    url = reverse("employees:family_add", args=[employee.pk, "anak"])

    data = {"name": "Dewi", "gender": "2", "birth_date": "1984-06-01", "relation": "kandung", "other_parent": wife.pk}
    response = staff_client.post(url, data)

    refused(response, "Anak lahir sebelum orang tua lainnya.")
    assert family_state() == before


def test_a_marriage_after_the_employees_death_is_refused(staff_client, employee):
    RetirementCaseFactory(employee=employee, died_on=D(2024, 3, 10))
    before = family_state()
    url = reverse("employees:family_add", args=[employee.pk, "pasangan"])

    response = staff_client.post(url, {"name": "Siti Aminah", "order": 1, "marriage_date": "2024-03-11"})

    refused(response, "Tanggal menikah sesudah pegawai meninggal dunia.")
    assert family_state() == before


def test_a_spouse_of_another_employee_is_refused(staff_client, employee, unit):
    other = EmployeeFactory(unit=unit, name="Joko Widodo")
    spouse_add(employee=other, actor=None, name="Siti Aminah", nik="3374015203700002")
    before = family_state()
    url = reverse("employees:family_add", args=[employee.pk, "pasangan"])

    response = staff_client.post(url, {"name": "Siti Aminah", "order": 1, "nik": "3374015203700002"})

    refused(response, "NIK ini sudah tercatat sebagai suami/istri pegawai lain")
    assert family_state() == before
    assert not Spouse.objects.filter(employee=employee).exists()


def test_an_unknown_nip_in_a_siasn_list_is_listed_and_nothing_is_applied(staff_client, employee, private_media):
    case = RetirementCaseFactory(employee=employee)
    cases_before = list(RetirementCase.objects.values())
    employees_before = (list(Employee.objects.values()), Employee.history.count(), RetirementCase.history.count())
    data = siasn_csv([{"NIP": UNKNOWN_NIP, "status usulan": "SK Terbit", "nomor SK": "SK-1/2026"}])

    response = staff_client.post(reverse("employees:siasn_create"), {"file": upload(data)}, follow=True)

    html = response.content.decode()
    assert "NIP tidak dikenal" in html and "tidak ada di register atau bukan di unit kerja Anda" in html
    assert html.split('data-testid="siasn-unknown"')[1].split("</div>")[0].count("1970") == 1
    reconciliation = SiasnReconciliation.objects.get()
    assert (reconciliation.unknown_count, reconciliation.update_count, reconciliation.conflict_count) == (1, 0, 0)

    applied = staff_client.post(reverse("employees:siasn_apply", args=[reconciliation.pk]), follow=True)

    assert "Tidak ada yang perlu diterapkan dari daftar ini." in applied.content.decode()
    assert list(RetirementCase.objects.values()) == cases_before
    assert (list(Employee.objects.values()), Employee.history.count(), RetirementCase.history.count()) == (
        employees_before
    )
    assert not Employee.objects.filter(nip=UNKNOWN_NIP).exists() and case.employee_id == employee.pk
