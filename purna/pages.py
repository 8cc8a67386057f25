"""The ground's own pages, which need no app: the health check for load balancers and the agency's logo.

The staff's dashboard and the retirees' portal read the apps, so they live on the roof (portal/).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from purna import health
from purna.models import Instansi


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker are reachable, 503 otherwise (for load balancers)."""
    checks = {"database": health.database_ok(), "broker": health.broker_ok()}
    return JsonResponse(
        {"status": "ok" if all(checks.values()) else "error", **checks}, status=200 if all(checks.values()) else 503
    )


@require_GET
@login_not_required
def instansi_logo(request: HttpRequest) -> HttpResponse:
    """The agency's logo (Instansi record, set in the admin), or Purna's own; shown on the login page too."""
    instansi = Instansi.objects.filter(pk=1).only("logo").first()
    if instansi and instansi.logo:
        try:
            response = FileResponse(instansi.logo.open("rb"))
        except FileNotFoundError:
            return redirect(static("img/logo.svg"))
        response["Cache-Control"] = "public, max-age=3600"
        return response
    return redirect(static("img/logo.svg"))
