"""What the staff pages' filter bars (django-filter) share."""

import django_filters
from django import forms


class FilterBar(django_filters.FilterSet):
    """A compact Bootstrap filter bar: small controls, labels kept for screen readers, and the search
    box `q` (if any) typed as a search field with `search_placeholder` in it."""

    search_placeholder = ""

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
