"""What every app's forms share: putting a service's errors next to the fields they are about.

The services raise errors that carry their messages by field (employees.exceptions.EmployeeError and
its subclasses in every app: `errors`, shaped like ValidationError.message_dict, with "__all__" for the
whole), so a rule is written once, in the service, and the form only places its messages.
"""

from collections.abc import Mapping, Sequence
from typing import Protocol

from django.core.exceptions import NON_FIELD_ERRORS


class ServiceError(Protocol):
    errors: Mapping[str, Sequence[str]]


class ServiceErrorsMixin:
    """For a Django form: `service_errors_add(error)` puts each of a service's messages under its field,
    and the messages about the whole, or about a field the form does not show, above the form."""

    def service_error_label(self, field: str) -> str:
        """The name to put before a message about `field`, which the form does not show ("" for none)."""
        return ""

    def service_errors_add(self, error: ServiceError) -> None:
        """Put a service's errors next to their fields (the others above the form)."""
        for field, messages in error.errors.items():
            shown = field in self.fields and field != NON_FIELD_ERRORS
            label = "" if shown or field == NON_FIELD_ERRORS else self.service_error_label(field)
            for message in messages:
                self.add_error(field if shown else None, f"{label}: {message}" if label else message)
