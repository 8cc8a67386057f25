"""The recap of payouts (PDF and XLSX), and the preview of a preparation too large for its page (XLSX),
made in the background (purna/generated.py) for the filters and the units of the staff member who asked,
and cached until their data changes.

The fingerprint: the payouts' history (its latest entry and its length: every change of a payout is
recorded there), the recap's own rows in one aggregate (count, sum, the employees' latest change), the
agency, the signatories and the day it is printed on. A fixed number of queries whatever the size.
"""

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benefits import documents
from benefits.models import BenefitType, Payout, TaliAsihRate, TaliAsihRateBand, ThtClaim
from benefits.selectors import CLOSED_STATUSES, payout_candidates, payout_recap
from benefits.services.payout_preparation import PreviewRow, payouts_preview
from ceremonies.models import Event
from ceremonies.selectors import event_get
from employees.document_scope import scope_from_param, scope_matches, scope_param
from employees.models import RetirementCase
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


# --- The preview of a preparation -------------------------------------------------------------------------

PREPARE_PERMISSION = "benefits.add_payout"
# Retirees previewed at once: a few queries per chunk (payouts_preview), and its rows held in memory.
PREVIEW_CHUNK = 1000


def _preview_selection(params: dict, scope: Scope) -> dict:
    event = event_get(pk=params["event"], scope=scope) if params["event"] else None
    return {"period_from": _date(params["tmt_from"]), "period_until": _date(params["tmt_until"]), "event": event}


def _preview_allowed(user, params: dict) -> bool:
    if not scope_matches(user, params):
        return False
    try:
        _preview_selection(params, staff_scope(user))
    except Event.DoesNotExist:
        return False
    return True


def _preview_rows(params: dict, progress: Progress) -> Iterator[PreviewRow]:
    candidates = payout_candidates(
        scope=scope_from_param(params["units"]), **_preview_selection(params, scope_from_param(params["units"]))
    )
    ids = list(candidates.values_list("pk", flat=True))
    progress(0, len(ids))
    for start in range(0, len(ids), PREVIEW_CHUNK):
        chunk = list(candidates.filter(pk__in=ids[start : start + PREVIEW_CHUNK]))
        yield from payouts_preview(employees=chunk, benefit_type=params["benefit_type"]).rows
        progress(min(start + PREVIEW_CHUNK, len(ids)), len(ids))


def _preview_render(params: dict, progress: Progress) -> Rendered:
    selection = _preview_selection(params, scope_from_param(params["units"]))
    if selection["event"] is not None:
        title = selection["event"].title
    else:
        title = f"TMT {selection['period_from']:%m/%Y} - {selection['period_until']:%m/%Y}"
    title = f"{BenefitType(params['benefit_type']).label}: {title}"
    content = documents.prepare_preview_workbook(
        rows=_preview_rows(params, progress), title=title, agency=documents.instansi_load().name
    )
    return Rendered(content, f"pratinjau-{params['benefit_type']}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


PREPARE_PREVIEW = DocumentKind(
    _("Preview of the payouts to prepare"), PREPARE_PERMISSION, _preview_render, _preview_allowed
)


def prepare_preview_fingerprint(*, candidates) -> str:
    """The state of what a preview prints: the candidates (their count and latest change), the payouts'
    history, the rates and their bands, the THT claims and the retirement records. Six queries."""
    history = Payout.history.aggregate(latest=Max("history_date"), entries=Count("history_id"))
    people = candidates.order_by().aggregate(count=Count("pk"), changed=Max("updated_at"))
    rates = [
        model.history.aggregate(latest=Max("history_date"), entries=Count("history_id"))
        for model in (TaliAsihRate, TaliAsihRateBand, RetirementCase)
    ]
    claims = ThtClaim.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    return fingerprint_of(history, people, rates, claims, timezone.localdate())


def prepare_preview_response(request: HttpRequest, *, choice: dict, candidates) -> HttpResponse:
    """The view's answer for the preview of `choice` (PrepareForm's cleaned data) as a workbook."""
    scope = staff_scope(request.user)
    params = {
        "units": scope_param(scope),
        "benefit_type": choice["benefit_type"],
        "tmt_from": choice["tmt_from"].isoformat() if choice["tmt_from"] else None,
        "tmt_until": choice["tmt_until"].isoformat() if choice["tmt_until"] else None,
        "event": choice["event"].pk if choice["event"] is not None else None,
    }
    return document_response(
        request,
        kind=f"{__name__}.PREPARE_PREVIEW",
        params=params,
        fingerprint=prepare_preview_fingerprint(candidates=candidates),
    )
