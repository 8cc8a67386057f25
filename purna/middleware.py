import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation

from purna.db import is_transient

logger = logging.getLogger(__name__)


class IndonesianFirstLocaleMiddleware(LocaleMiddleware):
    """Indonesian unless the person chose another language with the selector (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs run an
    English browser: staff would get English pages they never asked for.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class TransientDatabaseErrorMiddleware:
    """A page that meets a transient database error (purna/db.py: "database is locked" after the busy
    timeout on SQLite, a serialization failure or deadlock on PostgreSQL) answers 503 with "try again",
    not a 500: the transaction was rolled back, nothing of the request was saved, and the same click a
    moment later works."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_transient(exception):
            return None
        logger.warning("Busy database on %s %s: %s", request.method, request.path, exception)
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
