"""Errors raised by the benefits' services: bad input or a step not allowed, and nothing changed.

Shaped like the register's (employees/exceptions.py): messages by field, "__all__" for the whole, so a
view or an admin form (employees.admin.ServiceValidatedForm) can put them next to its fields.
"""

from employees.exceptions import EmployeeError


class PayoutError(EmployeeError):
    """A payout or THT claim action that is not allowed or has bad input: nothing changed."""


class RateError(EmployeeError):
    """A tali asih rate or its bands that cannot be saved (bad period, gaps or overlaps between slabs...):
    nothing changed."""
