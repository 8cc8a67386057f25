"""The offline side of the check-in page (static/js/checkin_offline.js): the participant list a phone keeps
in IndexedDB, the endpoint its queue of check-ins and souvenirs syncs to, and the service worker that keeps
the page and its files on the phone.

Same permission and scope as the check-in page: `ceremonies.change_event` and an event organised by one of
the user's units (else 404); participants outside the user's scope are neither sent nor accepted.
"""

import json

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import conditional_page, require_GET, require_POST

from ceremonies import rules, selectors
from ceremonies.checkin_sync import MAX_BODY_BYTES, CheckinSyncError, operations_parse
from ceremonies.models import Event
from ceremonies.services.checkin_sync import checkin_operations_apply
from employees.nip import format_nip
from employees.scope import staff_scope

# The name of the service worker's cache; the page stores itself there too (checkin.html's data-sw-cache).
CHECKIN_CACHE = "purna-checkin-v1"


def _event(request: HttpRequest, pk: int) -> Event:
    try:
        return selectors.event_get_for_change(pk=pk, scope=staff_scope(request.user))
    except Event.DoesNotExist as exc:
        raise Http404(_("No such event.")) from exc


@require_GET
# Kept by the phone's browser and asked again each time with the ETag of its copy (If-None-Match): when
# nothing changed since, the answer is a bodiless 304 instead of the whole list (130 KB for 600 people,
# each minute on each phone, often on a weak signal in the hall). The ETag is a hash of the answer
# (Django's ConditionalGetMiddleware, for this view only), so it changes exactly when the list does.
@conditional_page
@cache_control(private=True, no_cache=True)
@permission_required("ceremonies.change_event", raise_exception=True)
def checkin_data_view(request: HttpRequest, pk: int) -> JsonResponse:
    """The event's participants for the phone to keep (two queries: the event, the participants), and at an
    event held over several days its days or sessions with who is checked in for which (one query more,
    two when taken per session)."""
    event = _event(request, pk)
    participants = selectors.checkin_participants(event=event, scope=staff_scope(request.user))
    parts = selectors.attendance_parts(event=event)
    selectors.participants_attendance(participants=participants, parts=parts)
    return JsonResponse(
        {
            "event": event.pk,
            "attendance_open": rules.attendance_allowed(event.status),
            "parts": [
                {
                    "key": part.key,
                    "label": part.label,
                    "start": part.starts_at.isoformat(),
                    "end": part.ends_at.isoformat(),
                }
                for part in parts
            ],
            "participants": [
                {
                    "id": participant.pk,
                    "name": participant.employee.display_name,
                    "nip": format_nip(participant.employee.nip),
                    "unit": participant.employee.unit.name,
                    "code": participant.checkin_code,
                    "checked_in": participant.has_attended,
                    "checked_in_at": participant.checked_in_at.isoformat() if participant.checked_in_at else None,
                    "souvenir": participant.souvenir_at is not None,
                    "present": sorted(participant.present),
                }
                for participant in participants
            ],
        }
    )


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def checkin_sync_view(request: HttpRequest, pk: int) -> JsonResponse:
    """Record a phone's queued operations (JSON `{"operations": [...]}`) and answer each one."""
    event = _event(request, pk)
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        return _error(_("Too much data at once; the phone sends its queue in smaller parts."), 413)
    try:
        payload = json.loads(request.body)
        operations = operations_parse(payload)
    except (ValueError, UnicodeDecodeError) as error:
        message = str(error) if isinstance(error, CheckinSyncError) else _("The data sent is not valid JSON.")
        return _error(message, 400)
    results = checkin_operations_apply(event=event, actor=request.user, operations=operations)
    return JsonResponse({"results": results})


@require_GET
@permission_required("ceremonies.change_event", raise_exception=True)
def checkin_service_worker_view(request: HttpRequest) -> HttpResponse:
    """The service worker of the check-in pages, served under /acara/ so that its scope covers them.

    A view, not a static file: static files live under /static/, whose scope would not reach the page, and
    their hashed names are what the worker must precache."""
    assets = [
        static(path)
        for path in (
            "bootstrap/css/bootstrap.min.css",
            "css/purna.css",
            "bootstrap/js/bootstrap.bundle.min.js",
            "js/purna.js",
            "js/checkin_offline.js",
            "js/vendor/qr-scanner/qr-scanner.umd.min.js",
            "js/vendor/qr-scanner/qr-scanner-worker.min.js",
        )
    ]
    context = {
        "assets_json": json.dumps(assets),
        "pages_json": json.dumps([reverse("instansi_logo")]),
        "scope_json": json.dumps(reverse("ceremonies:list")),
        "cache_json": json.dumps(CHECKIN_CACHE),
    }
    response = render(request, "ceremonies/checkin_sw.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
