"""The NIP as people read it, on every page and document that shows one: {{ employee.nip|nip }} gives
"19860926 201505 1 001" (birth date, TMT CPNS, gender, sequence; employees.nip.format_nip is the one
place of that grouping). A value that is not an 18-digit NIP is shown as given."""

from django import template

from employees.nip import format_nip

register = template.Library()


@register.filter
def nip(value) -> str:
    return format_nip(str(value)) if value else ""
