"""The instructors' page and the employee form's contact fields in a real browser (screenshots under
var/screenshots)."""

import pytest
from django.conf import settings

from ceremonies.models import Instructor
from purna import roles
from tests.benefits.test_browser import PASSWORD, sign_in
from tests.factories import EmployeeFactory, UserFactory

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


@pytest.fixture
def operator(db):
    return UserFactory(username="operator-narasumber", roles=[roles.OPERATOR], password=PASSWORD)


def test_an_operator_adds_an_instructor_from_the_events_page(page, live_server, operator):
    sign_in(page, live_server, "operator-narasumber")
    page.goto("/acara/")
    page.get_by_role("link", name="Narasumber").click()
    page.get_by_role("link", name="Narasumber baru").click()
    page.fill("#id_name", "Dra. Sri Wahyuni, M.Psi., Psikolog")
    page.fill("#id_institution", "RSUD Kota Contoh")
    page.fill("#id_expertise", "Kesiapan psikologis purna tugas")
    page.fill("#id_email", "sri@")
    page.get_by_role("button", name="Simpan").click()
    assert "Masukkan alamat email yang valid." in page.content()
    assert not Instructor.objects.exists()
    page.fill("#id_email", "sri.wahyuni@rsud.contoh.go.id")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"{live_server.url}/acara/instruktur/")
    assert "Dra. Sri Wahyuni" in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "ceremonies_instructors.png", full_page=True)


def test_the_employee_form_has_office_and_personal_contact(page, live_server, operator):
    employee = EmployeeFactory(email="ani@rsud.go.id", personal_email="ani@gmail.com", address="Jl. Melati 5")
    sign_in(page, live_server, "operator-narasumber")
    page.goto(f"/pegawai/{employee.pk}/")
    content = page.content()
    assert "Email kantor" in content and "ani@gmail.com" in content and "Alamat rumah" in content
    page.screenshot(path=SCREENSHOTS / "employees_contact_detail.png", full_page=True)
