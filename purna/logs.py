"""One log line per event, carrying the id of the request or the Celery task it belongs to.

The web server's lines say `request=<id>` (the X-Request-ID header a proxy sent, else a new one, given
back in the response's X-Request-ID); the worker's lines say `task=<id>` while a task runs. So an error
seen by staff (the id is in the response) or in a task's stored result leads to every line about it,
with a plain grep. A traceback stays on its line (its line breaks written as "\\n"), so log collectors
that read one event per line keep it whole. Configured in purna/settings.py LOGGING.
"""

import contextvars
import logging
import re
import uuid

from celery import current_task
from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# An id from a proxy is kept only when it is short and plain: it is written into every log line.
ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


class RequestIdMiddleware:
    """Give the request an id (the proxy's X-Request-ID when it looks sane, else a new one), for the log
    lines written while it is handled, and return it in the response's X-Request-ID."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        request_id = given if ACCEPTED_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Left set until the response is closed: Django logs a 404 or a 500 after the middleware returns.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _request_done(**kwargs) -> None:
    request_id_var.set("")


request_finished.connect(_request_done, dispatch_uid="purna.logs.request_done")


class ContextFilter(logging.Filter):
    """Adds `request_id` and `task_id` ("-" when none) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        task_id = None
        if current_task:
            task_id = getattr(current_task.request, "id", None)
        record.task_id = task_id or "-"
        return True


class OneLineFormatter(logging.Formatter):
    """Django's and Celery's records, tracebacks included, each on a single line."""

    def format(self, record: logging.LogRecord) -> str:
        for name in ("request_id", "task_id"):
            if not hasattr(record, name):
                record.__dict__[name] = "-"
        return super().format(record).replace("\r", "").replace("\n", "\\n")
