"""Reachability checks for /healthz: the database and the Celery broker.

Both read Django settings at call time (not the Celery app's cached configuration), so the check
follows the deployment's real broker, and a test can point it elsewhere with the `settings` fixture.
"""

import os
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import Connection

# A load balancer calls /healthz every few seconds: an unreachable broker must answer quickly.
BROKER_TIMEOUT = 2.0


def database_ok() -> bool:
    """True when the default database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def broker_ok(timeout: float = BROKER_TIMEOUT) -> bool:
    """True when the Celery broker named in settings accepts a connection within `timeout` seconds."""
    url: str = settings.CELERY_BROKER_URL
    options: dict = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    if url.startswith("filesystem:"):
        return _filesystem_broker_ok(options)
    # The socket timeouts bound a host that drops packets; retries are off so a refused port fails at once.
    options.update(socket_connect_timeout=timeout, socket_timeout=timeout, retry_on_timeout=False)
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        return True
    except Exception:
        return False


def _filesystem_broker_ok(options: dict) -> bool:
    # The filesystem transport has no server: it is up when its folders exist (or can be made) and are writable.
    folders = {options.get("data_folder_in"), options.get("data_folder_out")} - {None, ""}
    try:
        for folder in folders:
            path = Path(folder)
            path.mkdir(parents=True, exist_ok=True)
            if not os.access(path, os.W_OK | os.X_OK):
                return False
        return True
    except OSError:
        return False
