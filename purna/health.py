"""Reachability checks for /healthz: the database and the Celery broker.

Both read Django settings at call time (not the Celery app's cached configuration), so the check
follows the deployment's real broker, and a test can point it elsewhere with the `settings` fixture.
"""

from django.conf import settings
from django.db import connection
from kombu import Connection
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

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
    transport: str | None = getattr(settings, "CELERY_BROKER_TRANSPORT", None)
    options: dict = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    with Connection(url, transport=transport) as parsed:
        if parsed.transport.driver_type == "sql":
            return _sql_broker_ok(parsed.hostname, timeout)
    # The socket timeouts bound a host that drops packets; retries are off so a refused port fails at once.
    options.update(socket_connect_timeout=timeout, socket_timeout=timeout, retry_on_timeout=False)
    try:
        with Connection(url, transport=transport, connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        return True
    except Exception:
        return False


def _sql_broker_ok(database_url: str, timeout: float) -> bool:
    # The embedded broker has no server, and kombu opens its database only on the first message: it is up
    # when a writer can take the database's write lock within the timeout (the file is made if missing).
    engine = create_engine(database_url, poolclass=NullPool, connect_args={"timeout": timeout})
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.exec_driver_sql("ROLLBACK")
        return True
    except Exception:
        return False
    finally:
        engine.dispose()
