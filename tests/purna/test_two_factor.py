"""Staff two-factor sign-in (purna/two_factor): who needs it, the wall before every staff and admin page,
enrolment with its recovery codes, the code step with django-axes' lock-out, the superuser's reset with
its trace, and the whole flow in a real browser (codes computed here, as the phone's app would)."""

import importlib
import re
import time

import pytest
from django.apps import apps as global_apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from employees.services.accounts import employee_portal_account_ensure
from purna import roles
from purna.two_factor.exceptions import TwoFactorError
from purna.two_factor.models import RolePolicy, TwoFactorEvent
from purna.two_factor.policy import two_factor_required
from purna.two_factor.services import two_factor_reset
from tests.factories import EmployeeFactory, UserFactory

PASSWORD = "rahasia-uji-123"
LOGIN = "/akun/masuk/"


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows for `device`, now or `steps_ahead` periods of 30 s later.

    A code is accepted once: a second sign-in within the same 30 s takes the next period's code (the
    device accepts one period either side of its clock)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def password_sign_in(client, username: str) -> None:
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """An account with a confirmed authenticator app and its ten recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [f"kode{n:04d}" for n in range(10)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return device, codes


# --- Who needs it ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", roles.ROLE_NAMES)
def test_every_staff_role_needs_a_second_factor(db, two_factor, role):
    assert two_factor_required(UserFactory(roles=[role]))


def test_admin_accounts_and_own_permissions_need_it_retirees_do_not(db, two_factor):
    assert two_factor_required(UserFactory(username="staf-admin", is_staff=True))
    assert two_factor_required(UserFactory(username="super", is_superuser=True))
    direct = UserFactory(username="izin-sendiri")
    direct.user_permissions.add(Permission.objects.get(codename="view_employee"))
    assert two_factor_required(direct)

    retiree = employee_portal_account_ensure(employee=EmployeeFactory(email="pensiun@example.id"))
    assert not two_factor_required(retiree)
    assert not two_factor_required(UserFactory(username="tanpa-peran"))


def test_the_requirement_is_set_per_role_and_a_role_without_a_policy_needs_it(db, two_factor):
    pimpinan = UserFactory(username="pimpinan", roles=[roles.PIMPINAN])
    RolePolicy.objects.update_or_create(
        group=Group.objects.get(name=roles.PIMPINAN), defaults={"two_factor_required": False}
    )
    assert not two_factor_required(pimpinan)

    new_role = Group.objects.create(name="Peran Baru")
    newcomer = UserFactory(username="baru")
    newcomer.groups.add(new_role)
    assert two_factor_required(newcomer)
    # One role that needs it is enough.
    pimpinan.groups.add(new_role)
    assert two_factor_required(pimpinan)


def test_the_staff_roles_are_seeded_with_the_requirement_on(db):
    # Transactional tests flush the migration's rows: seeded again, as tests/conftest.py does for its own.
    importlib.import_module("purna.two_factor.migrations.0002_seed_role_policies").seed(global_apps, None)
    policies = dict(RolePolicy.objects.values_list("group__name", "two_factor_required"))
    assert policies == dict.fromkeys(roles.ROLE_NAMES, True)


# --- The wall ----------------------------------------------------------------------------------------

GUARDED = ["/", "/pegawai/", "/tht-tali-asih/pembayaran/", "/kotak-keluar/", "/akun/kata-sandi/", "/admin/"]


@pytest.mark.parametrize("path", GUARDED)
def test_a_password_alone_opens_no_staff_or_admin_page(db, client, two_factor, path):
    user = UserFactory(username="admin-bkd", roles=[roles.ADMIN], is_staff=True, is_superuser=True)
    password_sign_in(client, "admin-bkd")

    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("two_factor:enrol") + "?next=" + path.replace("/", "%2F")

    enrolled(user)
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor:verify") + "?next=")


def test_the_admin_site_itself_refuses_an_unverified_session(db, two_factor):
    superuser = UserFactory(username="super", is_staff=True, is_superuser=True)
    device, _codes = enrolled(superuser)
    request = RequestFactory().get("/admin/")
    request.session = {}
    request.user = superuser
    OTPMiddleware(lambda request: None)._install_lazy_accessors(request)
    assert not admin.site.has_permission(request)

    request.session = {DEVICE_ID_SESSION_KEY: device.persistent_id}
    request.user = superuser
    OTPMiddleware(lambda request: None)._install_lazy_accessors(request)
    assert admin.site.has_permission(request)


def test_the_admin_login_page_sends_an_unverified_session_to_the_code(db, client, two_factor):
    user = UserFactory(username="super", is_staff=True, is_superuser=True)
    enrolled(user)
    password_sign_in(client, "super")
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor:verify"))


def test_htmx_requests_are_sent_to_the_code_page_whole(client, two_factor, operator):
    enrolled(operator)
    password_sign_in(client, "operator")
    response = client.get("/pegawai/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("two_factor:verify")


def test_public_pages_and_the_retirees_portal_are_not_affected(db, client, two_factor):
    retiree = employee_portal_account_ensure(employee=EmployeeFactory(email="pensiun@example.id"))
    client.force_login(retiree)
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("dashboard")).url == reverse("portal:home")

    UserFactory(username="operator", roles=[roles.OPERATOR])
    password_sign_in(client, "operator")
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert client.get(reverse("instansi_logo")).get("Location", "") == "/static/img/logo.svg"
    assert client.get(reverse("login")).get("Location", "").startswith(reverse("dashboard"))


def test_signing_out_is_open_before_the_second_factor(client, two_factor, operator):
    password_sign_in(client, "operator")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


# --- Enrolment -----------------------------------------------------------------------------------------


def test_enrolment_confirms_the_app_with_a_code_and_shows_ten_recovery_codes_once(client, two_factor, operator):
    password_sign_in(client, "operator")
    page = client.get(reverse("two_factor:enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=operator, confirmed=False)
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', html)[1].replace(" ", "")
    assert device.config_url.startswith("otpauth://totp/") and f"secret={secret}" in device.config_url
    assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
    # A reload shows the same secret: the QR code scanned first stays good.
    assert client.get(reverse("two_factor:enrol")).content.decode().count(secret[:4]) >= 1
    assert TOTPDevice.objects.filter(user=operator).count() == 1

    wrong = client.post(reverse("two_factor:enrol"), {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/pegawai/").status_code == 302

    response = client.post(reverse("two_factor:enrol"), {"code": code_for(device), "next": "/pegawai/"})
    assert response.status_code == 302 and response.url == reverse("two_factor:recovery_codes")
    shown = client.get(reverse("two_factor:recovery_codes"))
    codes = shown.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=operator).values_list("token", flat=True))
    assert all(code in shown.content.decode() for code in codes)
    assert 'href="/pegawai/"' in shown.content.decode()
    again = client.get(reverse("two_factor:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)

    assert client.get("/pegawai/").status_code == 200
    assert TwoFactorEvent.objects.filter(user=operator, kind=TwoFactorEvent.Kind.ENROLLED).count() == 1


def test_an_enrolled_account_cannot_enrol_another_app_with_its_password(client, two_factor, operator):
    enrolled(operator)
    password_sign_in(client, "operator")
    assert client.get(reverse("two_factor:enrol")).url == reverse("two_factor:verify")
    assert client.post(reverse("two_factor:enrol"), {"code": "123456"}).url == reverse("two_factor:verify")
    assert TOTPDevice.objects.filter(user=operator).count() == 1


# --- The code step, axes ----------------------------------------------------------------------------------


def test_sign_in_takes_the_apps_code_and_each_recovery_code_once(client, two_factor, operator):
    device, codes = enrolled(operator)
    password_sign_in(client, "operator")
    response = client.post(reverse("two_factor:verify"), {"code": code_for(device), "next": "/pegawai/"})
    assert response.status_code == 302 and response.url == "/pegawai/"
    assert client.get("/pegawai/").status_code == 200

    client.post(reverse("logout"))
    password_sign_in(client, "operator")
    response = client.post(reverse("two_factor:verify"), {"code": codes[0].upper()})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    assert StaticToken.objects.filter(device__user=operator).count() == 9
    assert TwoFactorEvent.objects.filter(user=operator, kind=TwoFactorEvent.Kind.RECOVERY_CODE_USED).exists()

    client.post(reverse("logout"))
    password_sign_in(client, "operator")
    again = client.post(reverse("two_factor:verify"), {"code": codes[0]})
    assert again.status_code == 200 and again.context["form"].errors
    assert client.get("/pegawai/").status_code == 302


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, two_factor, operator, settings):
    device, _codes = enrolled(operator)
    # A second session, past the password before the lock-out.
    other = Client()
    password_sign_in(other, "operator")
    password_sign_in(client, "operator")
    verify = reverse("two_factor:verify")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(verify, {"code": "000000"}).status_code == 200

    locked = client.post(verify, {"code": "000000"})

    with translation.override("id"):
        lockout_text = gettext("Too many failed sign-in attempts")
    assert locked.status_code == 429 and lockout_text in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Neither the password nor the right code in the other session signs in now (past django-otp's own
    # slow-down after wrong codes, which would refuse it too).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post(LOGIN, {"username": "operator", "password": PASSWORD}).status_code == 429
    assert other.post(verify, {"code": code_for(device)}).status_code == 429
    assert other.get("/pegawai/").url == LOGIN + "?next=/pegawai/"


def test_a_password_sign_in_does_not_wipe_the_wrong_codes(client, two_factor, operator, settings):
    enrolled(operator)
    verify = reverse("two_factor:verify")
    password_sign_in(client, "operator")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(verify, {"code": "kodesalah"})
    client.post(reverse("logout"))
    password_sign_in(client, "operator")

    assert client.post(verify, {"code": "kodesalah"}).status_code == 429


def test_a_complete_sign_in_forgets_earlier_failures(client, two_factor, operator, settings):
    device, _codes = enrolled(operator)
    verify = reverse("two_factor:verify")
    password_sign_in(client, "operator")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(verify, {"code": "kodesalah"})
    assert client.post(verify, {"code": code_for(device)}).status_code == 302
    client.post(reverse("logout"))
    password_sign_in(client, "operator")
    assert client.post(verify, {"code": "kodesalah"}).status_code == 200


# --- Reset ------------------------------------------------------------------------------------------------


def verified_client(client, user, device):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_a_superuser_resets_an_accounts_second_factor_with_a_trace(client, two_factor, operator):
    superuser = UserFactory(username="super", is_staff=True, is_superuser=True)
    super_device, _codes = enrolled(superuser)
    enrolled(operator)
    verified_client(client, superuser, super_device)

    changelist = reverse("admin:two_factor_twofactoraccount_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and "operator" in page.content.decode()
    response = client.post(changelist, {"action": "reset_second_factor", "_selected_action": [operator.pk]})
    assert response.status_code == 302

    assert not TOTPDevice.objects.filter(user=operator).exists()
    assert not StaticDevice.objects.filter(user=operator).exists()
    event = TwoFactorEvent.objects.get(user=operator, kind=TwoFactorEvent.Kind.RESET)
    assert event.actor == superuser and event.at is not None
    history = client.get(reverse("admin:two_factor_twofactoraccount_change", args=[operator.pk])).content.decode()
    assert "super" in history


def test_a_reset_ends_the_verified_sessions_of_the_account(client, two_factor, operator):
    device, _codes = enrolled(operator)
    verified_client(client, operator, device)
    assert client.get("/pegawai/").status_code == 200

    two_factor_reset(user=operator, actor=UserFactory(username="super", is_superuser=True))

    response = client.get("/pegawai/")
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor:enrol"))


def test_only_a_superuser_resets_or_sees_the_second_factors(client, two_factor, operator):
    hr_admin = UserFactory(username="admin-bkd", roles=[roles.ADMIN], is_staff=True)
    hr_device, _codes = enrolled(hr_admin)
    enrolled(operator)
    verified_client(client, hr_admin, hr_device)

    assert client.get(reverse("admin:index")).status_code == 200
    for name in [
        "two_factor_twofactoraccount_changelist",
        "two_factor_rolepolicy_changelist",
        "two_factor_twofactorevent_changelist",
    ]:
        assert client.get(reverse(f"admin:{name}")).status_code == 403, name
    assert (
        client.post(
            reverse("admin:two_factor_twofactoraccount_changelist"),
            {"action": "reset_second_factor", "_selected_action": [operator.pk]},
        ).status_code
        == 403
    )
    with pytest.raises(TwoFactorError):
        two_factor_reset(user=operator, actor=hr_admin)
    assert TOTPDevice.objects.filter(user=operator).exists()
    # django-otp's own device pages (which show secrets and delete without a trace) are not there.
    assert not admin.site.is_registered(TOTPDevice) and not admin.site.is_registered(StaticDevice)


# --- In a real browser ---------------------------------------------------------------------------------------


@pytest.mark.browser
def test_enrol_sign_out_sign_in_with_a_code_and_a_recovery_code_once(page, live_server, two_factor):
    user = UserFactory(username="bendahara", roles=[roles.BENDAHARA], password=PASSWORD)

    def sign_out() -> None:
        page.locator("#mainnav .dropdown-toggle").last.click()
        page.locator("#mainnav form[action='/akun/keluar/'] button").click()
        page.wait_for_url(f"{live_server.url}/akun/masuk/")

    def sign_in_with_password() -> None:
        page.goto("/")
        page.fill("#id_username", "bendahara")
        page.fill("#id_password", PASSWORD)
        page.click("form button[type=submit]")

    sign_in_with_password()
    page.wait_for_url(f"{live_server.url}/akun/dua-faktor/daftar/?next=%2F")
    assert page.get_by_test_id("qr-code").locator("svg").count() == 1
    secret = page.get_by_test_id("secret").inner_text().replace(" ", "")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert f"secret={secret}" in device.config_url
    page.screenshot(path=screenshot("two_factor_enrol.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot("two_factor_enrol_phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.fill("#id_code", code_for(device))
    page.get_by_test_id("enrol-form").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/akun/dua-faktor/kode-cadangan/")
    codes = page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=screenshot("two_factor_recovery_codes.png"), full_page=True)
    page.get_by_test_id("continue").click()
    page.wait_for_url(f"{live_server.url}/")

    sign_out()

    # Signed in again: the password, then a wrong code (refused), then the app's next code.
    sign_in_with_password()
    page.wait_for_url(f"{live_server.url}/akun/dua-faktor/?next=%2F")
    page.screenshot(path=screenshot("two_factor_verify.png"), full_page=True)
    page.fill("#id_code", "000000" if code_for(device, 1) != "000000" else "111111")
    page.get_by_test_id("verify-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/akun/dua-faktor/")
    assert page.locator(".invalid-feedback").count() == 1
    page.goto("/")
    assert page.url.startswith(f"{live_server.url}/akun/dua-faktor/")
    # django-otp slows down guessing: a second after a wrong code, the device listens again.
    time.sleep(1.1)
    page.fill("#id_code", code_for(device, 1))
    page.get_by_test_id("verify-form").locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    sign_out()

    # A recovery code works once.
    for attempt in range(2):
        sign_in_with_password()
        page.wait_for_url(f"{live_server.url}/akun/dua-faktor/?next=%2F")
        page.fill("#id_code", codes[0])
        page.get_by_test_id("verify-form").locator("button[type=submit]").click()
        if attempt == 0:
            page.wait_for_url(f"{live_server.url}/")
            sign_out()
        else:
            page.wait_for_load_state()
            assert page.url.startswith(f"{live_server.url}/akun/dua-faktor/")
            assert page.locator(".invalid-feedback").count() == 1


def screenshot(name: str):
    from tests.purna.test_browser import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / name


# --- Settings -----------------------------------------------------------------------------------------------


def test_production_refuses_to_start_with_the_second_factor_off(tmp_path):
    from tests.purna.test_settings import production_env, run_python

    start = "import django; django.setup(); from django.conf import settings; print(settings.PURNA_TWO_FACTOR)"
    refused = run_python("-c", start, env=production_env(tmp_path, PURNA_TWO_FACTOR="false"))
    assert refused.returncode != 0 and "PURNA_TWO_FACTOR" in refused.stderr

    assert run_python("-c", start, env=production_env(tmp_path)).stdout.strip() == "True"
    development = {**production_env(tmp_path, PURNA_TWO_FACTOR="false"), "DEBUG": "true"}
    assert run_python("-c", start, env=development).stdout.strip() == "False"
