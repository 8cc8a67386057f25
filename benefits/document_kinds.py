"""The recap of payouts (PDF and XLSX), made in the background (purna/generated.py) for the filters and
the units of the staff member who asked, and cached until its data changes.

The fingerprint: the payouts' history (its latest entry and its length: every change of a payout is
recorded there), the recap's own rows in one aggregate (count, sum, the employees' latest change), the
agency, the signatories and the day it is printed on. A fixed number of queries whatever the size.
"""

import datetime as dt

from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benefits import documents
from benefits.models import Payout
from benefits.selectors import CLOSED_STATUSES, payout_recap
from ceremonies.models import Event
from ceremonies.selectors import event_get
from employees.document_scope import scope_from_param, scope_matches, scope_param
from employees.scope import Scope, staff_scope
from purna.generated import DocumentKind, Progress, Rendered, document_response, fingerprint_of
from purna.models import Instansi

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERMISSION = "benefits.view_payout"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _filters(params: dict, scope: Scope) -> dict:
    event = event_get(pk=params["event"], scope=scope) if params["event"] else None
    return {"year": params["year"], "start": _date(params["start"]), "end": _date(params["end"]), "event": event}


def _allowed(user, params: dict) -> bool:
    if not scope_matches(user, params):
        return False
    try:
        _filters(params, staff_scope(user))
    except Event.DoesNotExist:
        return False
    return True


def _filename(extension: str) -> str:
    return f"rekap-tht-tali-asih-{timezone.localdate():%Y%m%d}.{extension}"


def _render(params: dict, progress: Progress) -> Rendered:
    scope = scope_from_param(params["units"])
    filters = _filters(params, scope)
    recap = payout_recap(scope=scope, **filters)
    total = len(recap.rows) + 1
    progress(0, total)
    title = documents.recap_title(**filters)
    instansi = documents.instansi_load()
    if params["format"] == "pdf":
        content = documents.recap_pdf(recap=recap, title=title, instansi=instansi, printed_on=timezone.localdate())
        return Rendered(content, _filename("pdf"), PDF)
    content = documents.recap_workbook(recap=recap, title=title, agency=instansi.name)
    return Rendered(content, _filename("xlsx"), XLSX)


RECAP = DocumentKind(_("Recap of THT and tali asih"), PERMISSION, _render, _allowed)


def recap_fingerprint(*, scope: Scope, filters: dict) -> str:
    """The state of what a recap prints (see the module's docstring): four queries."""
    history = Payout.history.aggregate(latest=Max("history_date"), entries=Count("history_id"))
    payouts = scope.filter(Payout.objects.exclude(status__in=CLOSED_STATUSES), "employee__unit")
    if filters["year"]:
        payouts = payouts.filter(tmt__year=filters["year"])
    if filters["start"]:
        payouts = payouts.filter(tmt__gte=filters["start"])
    if filters["end"]:
        payouts = payouts.filter(tmt__lte=filters["end"])
    if filters["event"] is not None:
        payouts = payouts.filter(event=filters["event"])
    rows = payouts.aggregate(
        count=Count("pk"), amount=Sum("amount"), employees=Max("employee__updated_at"), unit=Max("employee__unit__name")
    )
    instansi = Instansi.objects.filter(pk=1).values().first()
    return fingerprint_of(history, rows, instansi, documents.receipt_signatories(), timezone.localdate())


def recap_response(request: HttpRequest, *, fmt: str, filters: dict) -> HttpResponse:
    """The view's answer for the recap in `fmt` ("pdf" or "xlsx") with `filters` (year, start, end and an
    event read within the user's scope)."""
    scope = staff_scope(request.user)
    event = filters["event"]
    params = {
        "units": scope_param(scope),
        "format": fmt,
        "year": filters["year"],
        "start": filters["start"].isoformat() if filters["start"] else None,
        "end": filters["end"].isoformat() if filters["end"] else None,
        "event": event.pk if event is not None else None,
    }
    return document_response(
        request,
        kind=f"{__name__}.RECAP",
        params=params,
        fingerprint=recap_fingerprint(scope=scope, filters=filters),
    )
