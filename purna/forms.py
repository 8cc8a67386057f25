"""What every app's forms share: putting a service's errors next to the fields they are about, and the
renderer of every form's widgets.

The services raise errors that carry their messages by field (employees.exceptions.EmployeeError and
its subclasses in every app: `errors`, shaped like ValidationError.message_dict, with "__all__" for the
whole), so a rule is written once, in the service, and the form only places its messages.
"""

from collections.abc import Mapping, Sequence
from typing import Protocol

from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.renderers import DjangoTemplates, Jinja2


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


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's own form and widget templates (django/forms/...) through Jinja2,
    every other one (the admin's widgets, crispy's layouts) through the Django template language.

    The Django template language renders each option of a select through two template includes: 19 ms
    of CPU for a select of 480 units, and 3 of the register list's 22 ms with a dozen units
    (bench/mix_requests.py). Django ships a Jinja2 copy of each of its own form templates, which renders
    the same HTML in half the time (9 ms for the 480 units). The admin's widgets exist only in the Django
    template language, hence not Jinja2 for every template."""

    jinja2 = Jinja2()

    def get_template(self, template_name: str):
        if template_name.startswith("django/forms/"):
            return self.jinja2.get_template(template_name)
        return super().get_template(template_name)
