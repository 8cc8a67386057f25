"""A paginator for lists that grow with the register, whose pages stay cheap at 1,000,000 rows.

A page N deep makes PostgreSQL walk (OFFSET) every row before it: page 200 of the employee list cost
about 400 ms at 100,000 employees, and ten times more at 1,000,000; and an exact total of a broad
search counts every match (160 ms for three letters of a name). Nobody reads page 200: staff narrow
the list by unit, status, golongan, name or NIP. So the pages stop at `max_pages` (1,000 rows at 50 a
page), a page asked past the last is the last, and the total is counted up to that limit only: exact
below it, "more than 1,000" beyond (one query, which reads at most 1,001 rows whatever the register).
"""

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.utils.functional import cached_property

MAX_PAGES = 20


class CappedPage(Page):
    def end_index(self) -> int:
        """The last row's number on this page (the parent's takes the count's, one past the limit)."""
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


class CappedPaginator(Paginator):
    """Pages up to `max_pages` deep over a count that stops at the rows those pages hold (`limit`).

    `counter(queryset)` counts the limited queryset (queryset.count by default; the register's list
    passes its cached count, employees.counts.queryset_count).
    """

    # None: every page, over an exact count (the work list: its pages stay cheap however deep, and its
    # total, how many must be proposed, is wanted exactly).
    max_pages: int | None = MAX_PAGES

    def __init__(self, *args: Any, counter: Callable[[models.QuerySet], int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counter = counter

    @property
    def limit(self) -> int | None:
        return None if self.max_pages is None else self.per_page * self.max_pages

    @cached_property
    def count(self) -> int:
        """The rows up to `limit` + 1: more than `limit` means the list is cut (see `capped`)."""
        if not isinstance(self.object_list, models.QuerySet):
            return len(self.object_list) if self.limit is None else min(len(self.object_list), self.limit + 1)
        # Unordered: which rows are counted does not matter, and the order may need a join or a sort.
        limited = self.object_list.order_by()
        if self.limit is not None:
            limited = limited[: self.limit + 1]
        return self.counter(limited) if self.counter else limited.count()

    @property
    def capped(self) -> bool:
        """Whether there are more rows than the pages show."""
        return self.limit is not None and self.count > self.limit

    @cached_property
    def num_pages(self) -> int:
        return super().num_pages if self.max_pages is None else min(super().num_pages, self.max_pages)

    def validate_number(self, number: Any) -> int:
        """A page past the last is the last one: of a cut list, its text says to narrow the search; of a
        short one, a link kept from before the list shrank (a filter, a record moved away) still opens."""
        try:
            if int(number) > self.num_pages:
                return max(self.num_pages, 1)
        except (TypeError, ValueError):
            pass  # the parent says why (PageNotAnInteger)
        return super().validate_number(number)

    def page(self, number: Any):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page if self.limit is None else min(bottom + self.per_page, self.limit)
        if not self.capped and top + self.orphans >= self.count:
            top = self.count
        return CappedPage(self.rows(bottom, top), number, self)

    def rows(self, bottom: int, top: int) -> Any:
        """Rows `bottom` to `top` of the list: a slice, unless a list knows a cheaper way to its pages."""
        return self.object_list[bottom:top]
