from django.contrib import admin
from django.http import HttpRequest

from purna.two_factor.policy import two_factor_pending


class TwoFactorAdminSite(admin.AdminSite):
    """The admin opens only to a session that has given its second factor, when the account needs one
    (the middleware already sends such a session to the code page: this holds even without it)."""

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not two_factor_pending(request)
