"""The write path of the second factor: enrolment, recovery codes, reset. Verification of a code at sign-in
is django-otp's (views.verify), which also throttles repeated failures per device."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from purna.models import User
from purna.two_factor.exceptions import TwoFactorError
from purna.two_factor.models import TwoFactorEvent

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator device whose secret the enrolment page shows (the same one across
    reloads, so the QR code scanned first stays valid until confirmed)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise TwoFactorError(_("This account already has an authenticator app."))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def two_factor_enrol(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator app with a code it shows, and make the account's recovery codes.

    Returns the confirmed device and the recovery codes, in clear text for the only time: only they can
    be shown to the person; the database keeps them to compare, and each works once.
    """
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        else None
    )
    if device is None:
        raise TwoFactorError(_("Open the enrolment page again: there is no authenticator app waiting for a code."))
    if not device.verify_token(token):
        raise TwoFactorError(_("The code is wrong or has expired. Enter the code your app shows now."))
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _recovery_codes_create(user=user)
    TwoFactorEvent.objects.create(user=user, kind=TwoFactorEvent.Kind.ENROLLED, actor=user)
    return device, codes


def _recovery_codes_create(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_code_used(*, user: User) -> int:
    """Record that a recovery code was spent (django-otp has deleted it); returns how many are left."""
    TwoFactorEvent.objects.create(user=user, kind=TwoFactorEvent.Kind.RECOVERY_CODE_USED, actor=user)
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def two_factor_reset(*, user: User, actor: User) -> int:
    """Remove every second-factor device of `user` (a lost phone): their next sign-in enrols again, and a
    session verified with a removed device is no longer verified. Only a superuser may do it.

    Returns the number of devices removed.
    """
    if not actor.is_superuser:
        raise TwoFactorError(_("Only a superuser can reset another account's second factor."))
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        _total, per_model = model.objects.filter(user=user).delete()
        removed += per_model.get(model._meta.label, 0)
    TwoFactorEvent.objects.create(user=user, kind=TwoFactorEvent.Kind.RESET, actor=actor)
    return removed
