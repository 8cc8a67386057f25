"""The second step of a staff sign-in: the code page, the enrolment page (QR code), the recovery codes
shown once. Thin: each view validates, calls django-otp or one service, and answers."""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from purna.two_factor import services
from purna.two_factor.exceptions import TwoFactorError
from purna.two_factor.forms import CodeForm
from purna.two_factor.policy import has_confirmed_totp, two_factor_pending
from purna.two_factor.receivers import axes_failures_reset

RECOVERY_CODES_SESSION_KEY = "two_factor_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _credentials(request: HttpRequest) -> dict:
    # The same key the login form gives django-axes (AXES_USERNAME_FORM_FIELD), so wrong codes and wrong
    # passwords add up for one account and address (AXES_LOCKOUT_PARAMETERS).
    return {settings.AXES_USERNAME_FORM_FIELD: request.user.get_username()}


def _locked_out(request: HttpRequest, credentials: dict) -> HttpResponse:
    logout(request)
    return get_lockout_response(request, None, credentials)


def _verified(request: HttpRequest, device) -> HttpResponse:
    otp_login(request, device)
    # A new session key once the sign-in is complete: the half-signed-in one must not be worth anything.
    request.session.cycle_key()
    axes_failures_reset(request, request.user)
    return redirect(_next_url(request))


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the authenticator app, or a recovery code (each works once)."""
    if not two_factor_pending(request):
        return redirect(_next_url(request))
    if not has_confirmed_totp(request.user):
        return redirect("two_factor:enrol")
    credentials = _credentials(request)
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # Six digits are a TOTP code; anything else can only be a recovery code.
        model = TOTPDevice if code.isdigit() else StaticDevice
        device = None
        for candidate in model.objects.devices_for_user(request.user, confirmed=True):
            device = verify_token(request.user, candidate.persistent_id, code)
            if device is not None:
                break
        if device is not None:
            if isinstance(device, StaticDevice):
                left = services.recovery_code_used(user=request.user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d are left. If your phone is lost, "
                        "ask a superuser to reset your second factor."
                    )
                    % {"left": left},
                )
            return _verified(request, device)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, credentials)
        form.add_error("code", _("The code is wrong or has expired (or the recovery code was used already)."))
    return render(request, "two_factor/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    """No authenticator app yet: scan the QR code (or type the secret), confirm with the code it shows."""
    if not two_factor_pending(request):
        return redirect(_next_url(request))
    if has_confirmed_totp(request.user):
        # Enrolling a second app would let a password alone replace the first: it takes the code.
        return redirect("two_factor:verify")
    credentials = _credentials(request)
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    device = services.totp_device_for_enrolment(user=request.user)
    form = CodeForm(request.POST or None, digits_only=True)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.two_factor_enrol(user=request.user, token=form.cleaned_data["code"])
        except TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            otp_login(request, device)
            request.session.cycle_key()
            axes_failures_reset(request, request.user)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            request.session["two_factor_next"] = _next_url(request)
            return redirect("two_factor:recovery_codes")
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        # The otpauth:// address as an SVG drawn here, inside the page: the secret never goes to a QR service.
        "qr_svg": mark_safe(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, light="#fff")),  # noqa: S308 - segno's own markup
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "next": _next_url(request),
    }
    return render(request, "two_factor/enrol.html", context)


@never_cache
@require_GET
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The ten recovery codes, shown once right after enrolment (a reload no longer shows them)."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    next_url = request.session.pop("two_factor_next", None) or resolve_url(settings.LOGIN_REDIRECT_URL)
    return render(request, "two_factor/recovery_codes.html", {"codes": codes, "next": next_url})
