"""The notification settings, each with its default (purna/settings.py reads them from the environment)."""

import datetime as dt

from django.conf import settings

DEFAULTS = {
    "PURNA_EMAIL_QUEUE": "email",
    "PURNA_EMAIL_BATCH_SIZE": 200,
    "PURNA_EMAIL_TASK_SECONDS": 120,
    "PURNA_EMAIL_MAX_ATTEMPTS": 8,
    "PURNA_EMAIL_RETRY_BASE_SECONDS": 60,
    "PURNA_EMAIL_RETRY_MAX_SECONDS": 30 * 60,
    "PURNA_EMAIL_SENDING_TIMEOUT_SECONDS": 15 * 60,
    "PURNA_REMINDER_MONTHS": [12, 6, 3],
    "PURNA_DOCUMENTS_MISSING_MONTHS": 9,
    "PURNA_REMINDER_CATCH_UP_DAYS": 30,
    "PURNA_DIGEST_WEEKDAY": 0,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])


def email_queue() -> str:
    return get("PURNA_EMAIL_QUEUE")


def retry_delay(attempt: int) -> dt.timedelta:
    """Exponential backoff: base, 2 x base, 4 x base... capped at PURNA_EMAIL_RETRY_MAX_SECONDS.

    The cap stays below the broker's visibility timeout (one hour on Redis): a task that waits longer
    than that for its countdown is handed out a second time.
    """
    base = get("PURNA_EMAIL_RETRY_BASE_SECONDS")
    cap = get("PURNA_EMAIL_RETRY_MAX_SECONDS")
    return dt.timedelta(seconds=min(base * 2 ** max(attempt - 1, 0), cap))


def sending_timeout() -> dt.timedelta:
    return dt.timedelta(seconds=get("PURNA_EMAIL_SENDING_TIMEOUT_SECONDS"))
