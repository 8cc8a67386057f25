"""In a real browser: staff record a family, the retiree sees it in the portal and asks for a correction,
staff reject it with a reason; screenshots of each page."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from sesame.utils import get_query_string

from employees.models import FamilyCorrection
from employees.services.accounts import employee_portal_account_ensure
from employees.services.imports import import_job_run
from employees.tasks import employee_import_task
from portal.notifications import SCOPE
from purna import roles
from tests.factories import EmployeeFactory, UnitKerjaFactory
from tests.workers import instead_of_broker

D = dt.date


@pytest.mark.browser
def test_staff_record_a_family_and_the_retiree_asks_for_a_correction(page, live_server, role_user, monkeypatch):
    queued: list[int] = []
    instead_of_broker(monkeypatch, employee_import_task, queued.append)
    shots = settings.BASE_DIR / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    role_user(roles.OPERATOR, username="operator-keluarga", password="rahasia-uji-123")
    unit = UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")
    employee = EmployeeFactory(unit=unit, name="Ahmad Yani", birth_date=D(1965, 5, 12), email="ahmad@example.id")

    page.goto(f"/akun/masuk/?next=/pegawai/{employee.pk}/")
    page.fill("#id_username", "operator-keluarga")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"**/pegawai/{employee.pk}/")

    page.get_by_role("link", name="Tambah suami/istri").click()
    page.fill("#id_name", "Fatimah")
    page.fill("#id_nik", "6471 0512 7001 0003")
    page.fill("#id_birth_date", "1968-02-02")
    page.fill("#id_marriage_date", "1990-06-01")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/pegawai/{employee.pk}/**")

    page.get_by_role("link", name="Tambah anak").click()
    page.fill("#id_name", "Rahmat")
    page.fill("#id_birth_date", "1960-01-01")  # before the employee: refused
    page.get_by_role("button", name="Simpan").click()
    assert "Anak lahir sebelum pegawai." in page.content()
    page.screenshot(path=shots / "family_child_error.png", full_page=True)
    page.fill("#id_birth_date", f"{timezone.localdate().year - 20}-01-01")
    page.select_option("#id_other_parent", label="Fatimah")
    page.get_by_role("button", name="Simpan").click()
    page.wait_for_url(f"**/pegawai/{employee.pk}/**")
    assert page.get_by_test_id("child-pension").inner_text() == "ya"  # 19 or 20, unmarried, no income
    page.get_by_test_id("family").screenshot(path=shots / "family_section.png")

    # The employee page's history shows the family's changes, with who made them.
    history = page.get_by_test_id("history")
    assert "Anak: Rahmat" in history.inner_text() and "Suami/istri: Fatimah" in history.inner_text()
    history.screenshot(path=shots / "family_history.png")

    # The family import runs in the background: the job's page waits, then lists the errors by row, and
    # nothing is saved.
    page.goto("/pegawai/impor-keluarga/")
    csv = f"nip,hubungan,nama,tanggal_lahir\n{employee.nip},ayah,Sukardi,01-01-1940\n199001012015031001,istri,X,\n"
    page.set_input_files("#id_file", files=[{"name": "keluarga.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.get_by_role("button", name="Unggah").click()
    page.get_by_test_id("import-progress").wait_for()
    page.screenshot(path=shots / "family_import_waiting.png", full_page=True)
    import_job_run(job_id=queued[0])  # the worker's part, run here: the page polls and shows the result
    page.get_by_test_id("import-result").wait_for(timeout=10_000)
    assert "tidak terdaftar di unit kerja Anda" in page.get_by_test_id("import-errors").inner_text()
    page.screenshot(path=shots / "family_import_errors.png", full_page=True)
    assert not employee.parents.exists()

    account = employee_portal_account_ensure(employee=employee)
    retiree = page.context.browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844}
    )
    phone = retiree.new_page()
    phone.goto(f"/portal/masuk/tautan/{get_query_string(account, scope=SCOPE)}")
    phone.locator("form button[type=submit]").click()
    phone.wait_for_url("**/portal/")
    phone.get_by_test_id("family-link").click()
    phone.wait_for_url("**/portal/keluarga/")
    assert "Fatimah" in phone.content() and "Rahmat" in phone.content()
    phone.fill("#id_text", "Nama istri saya Siti Fatimah.")
    phone.get_by_role("button", name="Kirim permohonan").click()
    phone.wait_for_url("**/portal/keluarga/")
    phone.screenshot(path=shots / "portal_family.png", full_page=True)

    page.goto("/pegawai/koreksi-keluarga/")
    page.fill("textarea[name=decision_reason]", "Mohon kirim kartu keluarga.")
    page.get_by_role("button", name="Tolak").click()
    page.wait_for_url("**/koreksi-keluarga/")
    assert FamilyCorrection.objects.get().decision_reason == "Mohon kirim kartu keluarga."

    phone.get_by_test_id("portal-correction-row").get_by_role("link").click()
    phone.wait_for_url("**/portal/keluarga/koreksi/*/")
    assert "Mohon kirim kartu keluarga." in phone.content()
    phone.screenshot(path=shots / "portal_family_correction.png", full_page=True)
    retiree.close()
