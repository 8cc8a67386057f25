"""The status page (superusers only; anyone else signed in gets 403)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from purna.status import selectors


def system_status_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    depths, unacknowledged = selectors.queue_depths()
    failed_count, failed = selectors.failed_tasks()
    beat_last, schedules = selectors.beat_last_run()
    context = {
        "queues": depths,
        "unacknowledged": unacknowledged,
        "failed_count": failed_count,
        "failed": failed,
        "outbox": selectors.outbox_health(),
        "beat_last": beat_last,
        "schedules": schedules,
        "disks": selectors.disk_use(),
    }
    return render(request, "purna/system_status.html", context)
