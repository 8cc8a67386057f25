"""Errors of the notifications services: bad input or a forbidden move, having changed nothing."""


class NotificationError(Exception):
    """A message cannot be queued, cancelled or sent again as asked; the text says why (translated)."""
