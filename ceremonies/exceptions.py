"""Errors raised by the ceremonies' services: bad input or a step not allowed, and nothing changed.

Shaped like the register's (employees/exceptions.py): messages by field, "__all__" for the whole, so a
view can put them next to its form's fields.
"""

from employees.exceptions import EmployeeError


class CeremonyError(EmployeeError):
    """An event or participant action that is not allowed or has bad input: nothing changed."""


class RsvpError(CeremonyError):
    """An invitation link that is expired, tampered with, meant for someone else or no longer valid."""
