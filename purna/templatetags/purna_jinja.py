"""{% jinja "app/_rows.jinja" name=value ... %}: a Jinja2 partial inside a Django template (purna/jinja.py
says why). The partial sees only the names passed, and the current language."""

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def jinja(template_name: str, **context) -> SafeString:
    # Jinja2 escapes what it writes (autoescape is on), so its output is safe HTML.
    return mark_safe(engines["jinja2"].get_template(template_name).render(context))  # noqa: S308
