"""Who needs a second factor, and whether a request has given it: the one place that decides."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import BooleanField as BooleanOutput
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q
from django.http import HttpRequest
from django_otp.plugins.otp_totp.models import TOTPDevice


def two_factor_required(user) -> bool:
    """Whether `user` must give a second factor after the password.

    Every account that can reach the Django admin (staff, superuser), every account with permissions of its
    own, and every member of a role whose policy requires it (a role without a policy row requires it:
    models.RolePolicy). Retirees hold no role and sign in to the portal only: they never need one.
    """
    if not settings.PURNA_TWO_FACTOR or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return get_user_model()._default_manager.filter(pk=user.pk).filter(_required_q()).exists()


def _required_q() -> Q:
    role_requires = Group.objects.filter(user=OuterRef("pk")).exclude(two_factor_policy__two_factor_required=False)
    return (
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(Exists(role_requires))
        | Q(Exists(Permission.objects.filter(user=OuterRef("pk"))))
    )


def two_factor_required_condition() -> ExpressionWrapper:
    """The same rule as two_factor_required, as an annotation of a user queryset (the admin's list)."""
    return ExpressionWrapper(_required_q(), output_field=BooleanOutput())


def two_factor_pending(request: HttpRequest) -> bool:
    """Whether the signed-in person still owes a second factor in this session (django-otp's OTPMiddleware
    gives `user.is_verified()`: a confirmed device of theirs is recorded in the session)."""
    user = request.user
    if not user.is_authenticated:
        return False
    if getattr(user, "is_verified", None) is not None and user.is_verified():
        return False
    return two_factor_required(user)


def has_confirmed_totp(user) -> bool:
    """Whether `user` has enrolled an authenticator app (then they verify, otherwise they enrol)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
