"""What the staff pages' filter bars (django-filter) share."""

import django_filters
from django import forms
from django.utils.translation import gettext as _


class FilterBar(django_filters.FilterSet):
    """A compact Bootstrap filter bar: small controls, labels kept for screen readers, and the search
    box `q` (if any) typed as a search field with `search_placeholder` in it.

    A period given by two filters `<name>_from` and `<name>_until` is checked: an "until" before its
    "from" would find nothing, so the "until" is refused with a message saying so (and left out of the
    filtering) instead of an empty list."""

    search_placeholder = ""

    def get_form_class(self):
        base = super().get_form_class()
        periods = [
            (name, name.removesuffix("_from") + "_until")
            for name in base.base_fields
            if name.endswith("_from") and name.removesuffix("_from") + "_until" in base.base_fields
        ]
        if not periods:
            return base

        class PeriodCheckedForm(base):  # type: ignore[misc,valid-type]
            def clean(self):
                data = super().clean()
                for start_name, until_name in periods:
                    start, until = data.get(start_name), data.get(until_name)
                    if start and until and until < start:
                        self.add_error(
                            until_name,
                            _("“%(until)s” is before “%(from)s”: nothing can be found between them.")
                            % {"until": self.fields[until_name].label, "from": self.fields[start_name].label},
                        )
                return data

        return PeriodCheckedForm

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)
            if name == "q":
                field.widget.attrs.setdefault("placeholder", self.search_placeholder)
                field.widget.input_type = "search"
