"""Errors raised by the ceremonies' services: bad input or a step not allowed, and nothing changed.

Shaped like the register's (employees/exceptions.py): messages by field, "__all__" for the whole, so a
view can put them next to its form's fields.
"""

from employees.exceptions import EmployeeError


class CeremonyError(EmployeeError):
    """An event or participant action that is not allowed or has bad input: nothing changed."""


class RsvpError(CeremonyError):
    """An invitation link that is expired, tampered with, meant for someone else or no longer valid."""


class RsvpGoneError(RsvpError):
    """An invitation link that was valid once: expired, replaced by a newer invitation, or the event can
    no longer be answered (HTTP 410 rather than 400)."""


class PensionPaperError(CeremonyError):
    """A pension paper (DPCP, cover letter, SK receipt, Word template) that cannot be made: nothing changed."""


class PensionTemplateError(PensionPaperError):
    """A Word template of a pension paper that does not render; the message says why."""
