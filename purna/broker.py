"""The embedded Celery broker of `make run` and of the tests without REDIS_URL: kombu's SQLAlchemy
transport on a SQLite file under var/, so no broker server is needed.

Why not kombu's filesystem transport (the earlier choice): it writes a message file in place, and a worker
listing the folder can read it before the writer has finished; `json.loads` of the half-written file
raises in the worker's consumer loop and Celery stops the worker ("Unrecoverable error:
JSONDecodeError"; kombu issue #1551, still open). A row in SQLite appears whole when its transaction
commits, and the transport takes the next message under `BEGIN IMMEDIATE`, so two consumers cannot
take the same one.

What this subclass adds: a broker error never stops a worker. Celery restarts its consumer (logging a
warning and reconnecting) only for the transport's `connection_errors`; kombu lists only
`OperationalError` ("database is locked"), so any other database error, such as the
`PendingRollbackError` that follows a failed read, would end the worker. And a message that cannot be
decoded is logged and dropped instead of raised. And the file is in WAL mode, so that queueing a task
(the web server) and taking one (the workers) do not block each other's reads. And delivered messages, which the transport keeps (marked
invisible), are deleted once they are an hour old, so the file of a `make run` left on for months stays
small.
"""

import contextlib
import datetime as dt
import logging
import sqlite3
import time
from queue import Empty

from kombu.transport import sqlalchemy as kombu_sqlalchemy
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

DRAIN_SECONDS = 0.5
PRUNE_EVERY_SECONDS = 600
PRUNE_AFTER = dt.timedelta(hours=1)


def _sqlite_wal(dbapi_connection, connection_record) -> None:
    # As the application's database (purna/settings.py): in WAL mode the web server's inserts (a task
    # queued) and the workers' reads do not wait for each other; only writers take turns, within the
    # busy timeout (connect_args "timeout").
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.OperationalError:
        # The switch needs the file to itself (once: WAL stays set in the file); with another process
        # in it, this connection works in the old mode and a later one switches.
        logger.debug("The broker file stays in its journal mode for now.", exc_info=True)
    finally:
        cursor.close()


class Channel(kombu_sqlalchemy.Channel):
    _pruned_at = 0.0

    def _engine_from_config(self):
        engine = super()._engine_from_config()
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_wal)
        return engine

    def _prune(self) -> None:
        """Delete the messages delivered more than PRUNE_AFTER ago (at most every PRUNE_EVERY_SECONDS)."""
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        # kombu stamps sent_at with the naive local time when it marks a message delivered (onupdate).
        cutoff = dt.datetime.now() - PRUNE_AFTER  # noqa: DTZ005 (kombu's sent_at is naive local time)
        model = self.message_cls
        self.session.query(model).filter(model.visible == False, model.sent_at < cutoff).delete(  # noqa: E712
            synchronize_session=False
        )
        self.session.commit()

    def _get(self, queue):
        try:
            self._prune()
            return super()._get(queue)
        except SQLAlchemyError:
            # The session is unusable until rolled back (Celery then reconnects with a new channel anyway).
            with contextlib.suppress(SQLAlchemyError):
                self.session.rollback()
            raise
        except ValueError as exc:
            # The row is already marked delivered (the transport commits before decoding): drop it, go on.
            logger.error("Dropped an undecodable message from queue %s: %r", queue, exc)
            raise Empty() from exc


class Transport(kombu_sqlalchemy.Transport):
    Channel = Channel
    connection_errors = (SQLAlchemyError,)

    def drain_events(self, connection, timeout=None):
        # Celery's worker loop (synloop, for transports without an event loop) drains for 2 s at a time,
        # and once more after a stop was asked: with shorter drains Ctrl-C stops the worker about 2 s sooner.
        if timeout is not None:
            timeout = min(timeout, DRAIN_SECONDS)
        return super().drain_events(connection, timeout=timeout)
