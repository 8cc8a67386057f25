from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from purna.two_factor.policy import has_confirmed_totp, two_factor_pending

# What a session that still owes its second factor may open: the second step itself and signing out.
OPEN_BEFORE_SECOND_FACTOR = {"logout", "two_factor:verify", "two_factor:enrol"}


class TwoFactorMiddleware:
    """Until an account that needs a second factor has given it in this session, every page but the code
    page, the enrolment page and sign-out sends it there: staff pages and the admin alike.

    Public pages (marked @login_not_required: the login page, certificate verification, the retirees'
    portal) stay as they are; the admin's own login page is the exception, the admin being staff-only.
    Placed after AuthenticationMiddleware and django-otp's OTPMiddleware.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if not getattr(view_func, "login_required", True) and not (match and match.namespace == "admin"):
            return None
        if not two_factor_pending(request):
            return None
        step = "two_factor:verify" if has_confirmed_totp(request.user) else "two_factor:enrol"
        url = reverse(step)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(url)
        return redirect(url)
