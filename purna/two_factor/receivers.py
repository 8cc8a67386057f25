"""django-axes counts wrong passwords and wrong codes alike (settings: AXES_RESET_ON_SUCCESS is off):
its failures are reset here once a sign-in is complete, after the password when no second factor is
needed, after the code otherwise (views.verify)."""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from purna.two_factor.policy import two_factor_required


def axes_failures_reset(request, user) -> None:
    """Forget the failed attempts of this account from this address (AXES_LOCKOUT_PARAMETERS)."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.reset_attempts(username=user.get_username(), ip_address=request.axes_ip_address)


@receiver(user_logged_in, dispatch_uid="purna.two_factor.axes_reset")
def reset_axes_after_complete_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and not two_factor_required(user):
        axes_failures_reset(request, user)
