"""The Jinja2 environment of the staff pages' long row loops (settings.TEMPLATES' second engine).

The Django template language spends about 20 µs on each variable, tag and include it renders: a page of
50 work-list rows, or the projection's four tables of a few hundred cells, took 10-15 ms of CPU in the
template alone, as much as the page's queries (docs/benchmarks.md). Jinja2 compiles a template to Python
and renders the same rows in a fraction of that. The pages themselves stay in the Django template language
(base.html, forms, the admin); only a loop over many rows moves to a `.jinja` partial next to its page,
included with `{% jinja "employees/_worklist_rows.jinja" rows=rows %}` (purna/templatetags/purna_jinja.py),
which passes exactly what the partial uses.

The filters are the Django templates' own: every filter of every `templatetags` library is there under
its name (`tanggal`, `rupiah`, `nip`, `intcomma`, `case_badge`...), where Jinja2 has none of that name, so a
date, a NIP or an amount is written by one rule on every page. Translations: `{{ _("Record") }}`, which
`make messages` finds as it finds the Django templates' (the same `_()` syntax).
"""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import engines
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.formats import get_format
from django.utils.timezone import template_localtime
from jinja2 import Environment


def _local(filter_):
    """A date filter that shows an aware datetime in the current time zone, as `expects_localtime` does."""
    return lambda value, *args: filter_(template_localtime(value), *args)


def _django_filters() -> dict:
    """The filters of the Django template libraries ({% load %}'s), by name. Read at start from the Django
    engine, not imported: the apps' libraries are on floors above this module."""
    filters = {}
    for library in engines["django"].engine.template_libraries.values():
        for name, filter_ in library.filters.items():
            filters[name] = _local(filter_) if getattr(filter_, "expects_localtime", False) else filter_
    return filters


# A stand-in for the one integer argument of a row's link, unlikely in any other part of an address.
_PK_MARK = 918273645
_patterns: dict[tuple, tuple[str, str]] = {}


def url(name: str, *args) -> str:
    """`reverse` for the partials. A row's link has one integer argument (the row's id): its address is
    the pattern reversed once per process, around that integer. Reversing it for every link cost about
    40 µs each, 150 links on a page of the work list."""
    if len(args) != 1 or not isinstance(args[0], int):
        return reverse(name, args=args or None)
    key = (get_script_prefix(), get_urlconf(), name)
    pattern = _patterns.get(key)
    if pattern is None:
        before, mark, after = reverse(name, args=(_PK_MARK,)).partition(str(_PK_MARK))
        if not mark:  # a converter that changes how the number is written
            return reverse(name, args=args)
        pattern = _patterns[key] = (before, after)
    return f"{pattern[0]}{args[0]}{pattern[1]}"


def grouped(value) -> str:
    """humanize's `intcomma` ("21.648" in Indonesian, "21,648" in English), written by Python's own
    grouping for a whole number: humanize's goes through number_format, about 10 µs a number, and the
    projection shows some 360 numbers."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))
    return intcomma(value)


def environment(**options) -> Environment:
    options.pop("autoescape", None)  # Django's backend sets it on; it stays on whatever a setting says
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(translation.gettext, translation.ngettext, newstyle=True)
    env.globals["url"] = url
    env.filters.update({name: filter_ for name, filter_ in _django_filters().items() if name not in env.filters})
    env.filters["intcomma"] = grouped
    return env
