"""Shared pieces of the ceremonies' tests: a snapshot of a participant to prove that a refused action
changed nothing."""

from ceremonies.models import Participant
from purna.notifications.models import Message


def snapshot(participant: Participant) -> tuple:
    """What a refused link or action must leave as it was: the row, its history, the outbox."""
    row = Participant.objects.filter(pk=participant.pk).values().first()
    return row, participant.history.count(), Message.objects.count()


def tamper(token: str) -> str:
    """`token` with its last character changed (always changed: a fixed replacement could be the same)."""
    return token[:-1] + ("B" if token[-1] == "A" else "A")
