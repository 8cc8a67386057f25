"""Transient database errors: the ones that mean "try the same thing again in a moment", not "wrong".

SQLite (the embedded default of `make run`) answers "database is locked" when a writer waited its whole
busy timeout for another's lock; PostgreSQL (production) refuses a transaction with a serialization
failure (SQLSTATE 40001) or picks it as a deadlock's victim (40P01). Nothing of that transaction was
written, so it can be run again as it is: tasks retry it with backoff (purna.tasks.TransientRetryTask),
a bulk action reports the item as not done, and a page answers 503 "coba lagi"
(purna.middleware.TransientDatabaseErrorMiddleware) instead of a 500.
"""

from django.db import DatabaseError, InterfaceError
from django.utils.translation import gettext_lazy as _

# serialization_failure, deadlock_detected; admin_shutdown, crash_shutdown, cannot_connect_now (the server
# was restarted, or an administrator ended the connection: the next connection works)
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03"})
# Connection exceptions (SQLSTATE class 08), and the driver's words for a connection that went away
# without a code (psycopg2 gives none when the server closed the socket).
CONNECTION_SQLSTATE_CLASS = "08"
LOST_CONNECTION_TEXTS = (
    "server closed the connection unexpectedly",
    "connection already closed",
    "terminating connection",
)
# sqlite3 gives no error code before Python 3.11's sqlite_errorcode, and Django's wrapper drops it: the text.
SQLITE_BUSY_TEXTS = ("database is locked", "database table is locked", "database schema is locked")
# After an item's name, in the report of an action on many (admin actions).
BUSY_MESSAGE = _("The database was busy: this one was not changed. Try again.")


def is_transient(exc: BaseException) -> bool:
    """True when `exc` is a database error that running the same transaction again may not meet: a busy
    database, a serialization failure or deadlock, or a connection lost (PostgreSQL restarted; Django
    opens a new one for the next request or task, CONN_HEALTH_CHECKS in purna/settings.py)."""
    if isinstance(exc, InterfaceError):
        return True  # the connection was closed under us
    if not isinstance(exc, DatabaseError):
        return False
    # Django re-raises the driver's error as its own, with the driver's as the cause.
    for error in (exc, exc.__cause__):
        if error is None:
            continue
        code = getattr(error, "pgcode", None) or getattr(error, "sqlstate", None)
        if code in TRANSIENT_SQLSTATES or (code or "").startswith(CONNECTION_SQLSTATE_CLASS):
            return True
        text = str(error).lower()
        if any(busy in text for busy in (*SQLITE_BUSY_TEXTS, *LOST_CONNECTION_TEXTS)):
            return True
    return False
