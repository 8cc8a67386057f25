from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from employees.selectors import dashboard_summary
from purna import health


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker are reachable, 503 otherwise (for load balancers)."""
    checks = {"database": health.database_ok(), "broker": health.broker_ok()}
    return JsonResponse(
        {"status": "ok" if all(checks.values()) else "error", **checks}, status=200 if all(checks.values()) else 503
    )


@permission_required("purna.view_dashboard", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "purna/dashboard.html", {"summary": dashboard_summary()})
