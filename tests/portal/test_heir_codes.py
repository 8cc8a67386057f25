"""One-time sign-in codes for heirs without email (employees/services/sign_in_codes.py, portal/outreach.py):
staff issue one to a living spouse or child of an employee who died, from the employee's page; the heir
types the deceased's NIP and the code and lands on the heir's portal. Logged, expiring, single use, a
printed slip; refused for a living employee, a deceased heir, another employee's family, other units."""

import datetime as dt
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from employees.choices import EmployeeStatus
from employees.models import SignInCode
from employees.services.family import child_add, spouse_add
from employees.services.sign_in_codes import heir_key, sign_in_code_issue, sign_in_code_redeem
from purna import roles
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory
from tests.portal.conftest import SITE

SHOTS = Path(__file__).resolve().parents[2] / "var" / "test-shots"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator-dinkes", roles=[roles.OPERATOR], units=[unit])


@pytest.fixture
def staff(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def deceased(unit):
    return EmployeeFactory(
        unit=unit,
        name="Ahmad Yani",
        gender="1",
        nip="196505121990031004",
        birth_date=dt.date(1965, 5, 12),
        status=EmployeeStatus.MENINGGAL,
        email="",
        personal_email="",
    )


@pytest.fixture
def widow(deceased):
    return spouse_add(employee=deceased, actor=None, name="Siti Aminah", phone="0812 3456 7890")


@pytest.fixture
def son(deceased, widow):
    return child_add(employee=deceased, actor=None, name="Rudi", birth_date=dt.date(2000, 1, 1), other_parent=widow)


def heir_url(name: str, employee, kind: str, member) -> str:
    return reverse(f"outreach:heir_{name}", args=[employee.pk, kind, member.pk])


def issue(staff, employee, kind, member) -> str:
    response = staff.post(heir_url("sign_in_code_create", employee, kind, member))
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["raw_code"]


def test_the_widow_gets_a_code_from_the_employee_page_and_signs_in_with_the_deceaseds_nip(staff, deceased, widow, son):
    page = staff.get(reverse("employees:detail", args=[deceased.pk])).content.decode()
    heirs = page.split('data-testid="heir-codes"')[1].split("</ul>")[0]
    assert "Siti Aminah" in heirs and "Rudi" in heirs
    assert 'data-testid="issue-code"' not in page  # the deceased gets no code of their own

    code = issue(staff, deceased, "pasangan", widow)

    row = SignInCode.objects.get()
    widow.refresh_from_db()
    assert (row.user, row.employee, row.heir_key) == (widow.user, deceased, f"spouse:{widow.pk}")
    page = staff.get(reverse("employees:detail", args=[deceased.pk])).content.decode()
    log = page.split('data-testid="code-log"')[1].split("</ul>")[0]
    assert "Siti Aminah" in log and "(ahli waris)" in log and operator_name(staff) in log
    assert 'data-testid="revoke-heir-code"' in page

    heir = Client()
    response = heir.post(reverse("portal:sign_in_code"), {"nip": "19650512 199003 1 004", "code": code})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    home = heir.get(reverse("portal:home")).content.decode()
    assert "Almarhum" in home and "Ahmad Yani" in home
    # Single use: the same code again, in another browser, is refused.
    again = Client().post(reverse("portal:sign_in_code"), {"nip": deceased.nip, "code": code})
    assert again.status_code == 400 and "_auth_user_id" not in again.wsgi_request.session


def test_two_heirs_hold_codes_at_once_and_a_wrong_code_counts_against_both(deceased, widow, son, operator, settings):
    settings.PURNA_SIGN_IN_CODE_ATTEMPTS = 3
    for_widow = sign_in_code_issue(employee=deceased, heir=widow, actor=operator, now=NOW)
    for_son = sign_in_code_issue(employee=deceased, heir=son, actor=operator, now=NOW)
    wrong = next(f"{n:08d}" for n in range(10**8) if f"{n:08d}" not in (for_widow.code, for_son.code))

    assert sign_in_code_redeem(nip=deceased.nip, code=wrong, now=NOW) is None
    assert sorted(SignInCode.objects.values_list("failed_attempts", flat=True)) == [1, 1]
    son.refresh_from_db()
    widow.refresh_from_db()
    assert sign_in_code_redeem(nip=deceased.nip, code=for_son.code, now=NOW) == son.user
    assert sign_in_code_redeem(nip=deceased.nip, code=for_widow.code, now=NOW) == widow.user
    assert heir_key(son) == f"child:{son.pk}"


def test_an_expired_heir_code_does_not_sign_in(deceased, widow, operator, settings):
    settings.PURNA_SIGN_IN_CODE_DAYS = 7
    issued = sign_in_code_issue(employee=deceased, heir=widow, actor=operator, now=NOW)

    assert sign_in_code_redeem(nip=deceased.nip, code=issued.code, now=NOW + dt.timedelta(days=7)) is None
    assert SignInCode.objects.get().used_at is None


def test_a_new_code_revokes_the_heirs_previous_one_and_staff_can_revoke(staff, deceased, widow, son):
    first = issue(staff, deceased, "pasangan", widow)
    second = issue(staff, deceased, "pasangan", widow)
    for_son = issue(staff, deceased, "anak", son)

    assert Client().post(reverse("portal:sign_in_code"), {"nip": deceased.nip, "code": first}).status_code == (
        400 if first != second else 302
    )
    response = staff.post(heir_url("sign_in_code_cancel", deceased, "pasangan", widow))
    assert response.status_code == 302
    assert Client().post(reverse("portal:sign_in_code"), {"nip": deceased.nip, "code": second}).status_code == 400
    # The son's code is his own: revoking the widow's left it open.
    assert Client().post(reverse("portal:sign_in_code"), {"nip": deceased.nip, "code": for_son}).status_code == 302


def test_the_heirs_slip_names_the_heir_and_the_deceaseds_nip(staff, deceased, widow, tmp_path):
    code = issue(staff, deceased, "pasangan", widow)

    response = staff.post(heir_url("sign_in_code_slip", deceased, "pasangan", widow), {"code": code})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "Bapak/Ibu Siti Aminah" in flat and "ahli waris Almarhum Bapak Ahmad Yani" in flat
    assert "19650512 199003 1 004" in flat and f"{code[:4]} {code[4:]}" in flat
    assert f"{SITE}/portal/masuk/kode/" in flat
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(SHOTS / "heir-code-slip")], check=True)


def test_the_heirs_code_by_whatsapp_goes_to_the_heirs_phone(staff, deceased, widow):
    code = issue(staff, deceased, "pasangan", widow)

    response = staff.post(heir_url("sign_in_code_whatsapp", deceased, "pasangan", widow), {"code": code})

    assert response.status_code == 303 and "6281234567890" in response["Location"]
    [text] = parse_qs(urlsplit(response["Location"]).query)["text"]
    assert "Siti Aminah" in text and "NIP Almarhum Bapak Ahmad Yani" in text and deceased.nip in text


def test_no_heir_code_while_the_employee_lives_nor_for_a_deceased_heir(staff, unit):
    alive = EmployeeFactory(unit=unit, status=EmployeeStatus.PENSIUN)
    wife = spouse_add(employee=alive, actor=None, name="Masih Bersuami")
    response = staff.post(heir_url("sign_in_code_create", alive, "pasangan", wife), follow=True)
    assert "Hanya ahli waris pegawai yang telah meninggal" in response.content.decode()

    dead = EmployeeFactory(unit=unit, status=EmployeeStatus.MENINGGAL)
    late_wife = spouse_add(employee=dead, actor=None, name="Sudah Wafat", died_on=dt.date(2020, 1, 1))
    response = staff.post(heir_url("sign_in_code_create", dead, "pasangan", late_wife), follow=True)
    assert "Sudah Wafat tercatat telah meninggal" in response.content.decode()
    assert not SignInCode.objects.exists()


def test_heir_codes_are_refused_outside_the_scope_and_the_family(client, staff, deceased, widow, unit, no_role_user):
    other = EmployeeFactory(unit=unit, status=EmployeeStatus.MENINGGAL)
    strangers_wife = spouse_add(employee=other, actor=None, name="Istri Orang Lain")
    names = ("sign_in_code_create", "sign_in_code_slip", "sign_in_code_whatsapp", "sign_in_code_cancel")
    # Another employee's spouse under this employee's URL, an unknown kind of member: 404.
    assert all(staff.post(heir_url(name, deceased, "pasangan", strangers_wife)).status_code == 404 for name in names)
    assert staff.post(heir_url("sign_in_code_create", deceased, "sepupu", widow)).status_code == 404
    urls = [heir_url(name, deceased, "pasangan", widow) for name in names]
    client.force_login(no_role_user)
    assert all(client.post(url).status_code == 403 for url in urls)
    client.force_login(UserFactory(username="lain", roles=[roles.OPERATOR], units=[UnitKerjaFactory()]))
    assert all(client.post(url).status_code == 404 for url in urls)
    assert not SignInCode.objects.exists()


def operator_name(staff) -> str:
    user = staff.get(reverse("employees:list")).wsgi_request.user
    return user.get_full_name() or user.get_username()


@pytest.mark.browser
def test_staff_give_the_widow_a_code_and_she_signs_in_on_her_phone(page, live_server, role_user, deceased, widow):
    shots = Path(__file__).resolve().parents[2] / "var" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    role_user(roles.OPERATOR, username="operator-waris", password="rahasia-uji-123", units=[deceased.unit])
    page.goto(f"/akun/masuk/?next=/pegawai/{deceased.pk}/")
    page.fill("#id_username", "operator-waris")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"**/pegawai/{deceased.pk}/")

    page.get_by_test_id("heir-codes").screenshot(path=shots / "heir_codes_section.png")
    page.get_by_test_id("issue-heir-code").click()
    code = page.get_by_test_id("issued-code").inner_text().replace(" ", "")
    assert "Siti Aminah" in page.get_by_test_id("code-heir").inner_text()
    page.screenshot(path=shots / "heir_code_issued.png", full_page=True)

    phone = page.context.browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844}
    ).new_page()
    phone.goto("/portal/masuk/kode/")
    phone.fill("#id_nip", "19650512 199003 1 004")
    phone.fill("#id_code", code)
    phone.locator("form button[type=submit]").click()
    phone.wait_for_url("**/portal/")
    assert "Ahmad Yani" in phone.get_by_test_id("deceased").inner_text()
    phone.screenshot(path=shots / "heir_portal_by_code.png", full_page=True)
    phone.context.close()
