"""Handing a task to the broker from a web request, without waiting on a broker that is down.

Celery's own `delay()` tries the broker again for several seconds (kombu's connection retries, then the
publish retry policy), and a host that drops packets holds it until the socket gives up: a staff member
clicking "print the certificates" while Redis is down would wait, then see a 500, although the work was
committed. Here a single attempt, bounded by PURNA_DISPATCH_TIMEOUT_SECONDS, either hands the task over or
says it could not; the work stays stored in the database (its status says "waiting"), and a periodic
sweep run by Celery beat hands it over once the broker is back.
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from celery import Task
from django.conf import settings

logger = logging.getLogger(__name__)


def task_dispatch(
    task: Task, *, args: Sequence[Any] = (), kwargs: Mapping[str, Any] | None = None, queue: str | None = None
) -> bool:
    """Send `task` with `args` and `kwargs` to the broker now (to `queue`, or the task's route); False, logged, when
    the broker cannot be reached within PURNA_DISPATCH_TIMEOUT_SECONDS. Never raises."""
    timeout = settings.PURNA_DISPATCH_TIMEOUT_SECONDS
    # One connection attempt (max_retries 0), on a connection of its own rather than the pool's, so that
    # these limits apply to this hand-over only. The socket timeouts bound a Redis that accepts the
    # connection but never answers; the SQLite broker of `make run` has no socket and ignores them.
    options: dict[str, Any] = {"max_retries": 0}
    broker_url = task.app.conf.broker_write_url or task.app.conf.broker_url or ""
    if broker_url.startswith(("redis://", "rediss://")):
        options.update(socket_connect_timeout=timeout, socket_timeout=timeout, retry_on_timeout=False)
    try:
        with task.app.connection_for_write(connect_timeout=timeout, transport_options=options) as connection:
            task.apply_async(
                args=list(args), kwargs=dict(kwargs or {}), queue=queue, retry=False, connection=connection
            )
    except Exception as exc:
        # The cause in one line: a broker that is down is expected here, not a bug with a traceback.
        logger.warning("Could not hand %s%r to the broker (%r); the sweep will.", task.name, tuple(args), exc)
        return False
    return True
