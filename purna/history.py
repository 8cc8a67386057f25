"""Who changed a row, and why, in its django-simple-history record.

simple-history reads two attributes of the instance when the row is saved: `_history_user` (who) and
`_change_reason` (why). Every service sets them through history_note, so each history row says the same
thing the same way: no user for a system action or an anonymous visitor (a task, a management command,
a retiree answering by a link), and a reason cut to what `history_change_reason` holds.
"""

from django.db.models import Model

from purna.types import User

# The history tables' `history_change_reason` column (CharField(max_length=100)).
REASON_MAX_LENGTH = 100


def history_user(actor: User | None) -> User | None:
    """The user to store for an actor: None for a system action (no actor) or an anonymous visitor."""
    return actor if getattr(actor, "is_authenticated", False) else None


def history_note(instance: Model, *, actor: User | None, reason: str = "") -> None:
    """Note on `instance`, before it is saved, who changes it (`actor`) and why (`reason`, optional)."""
    # Private attributes that simple-history reads and the model classes do not declare.
    setattr(instance, "_history_user", history_user(actor))  # noqa: B010
    if reason:
        setattr(instance, "_change_reason", str(reason)[:REASON_MAX_LENGTH])  # noqa: B010
