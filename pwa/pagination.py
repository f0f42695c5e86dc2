"""Lists that grow with the organisation are shown a page at a time: one count and one page read, at any size."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

PAGE_SIZE = 50


@dataclass
class Page:
    """One page of a list (``page`` counts from 1), and how many pages and items the whole list has.

    When the count stopped at its limit (``counted_all`` is false), ``total`` and ``pages`` are
    only how far it went, and a full page says there may be a next one.
    """

    items: list[Any]
    page: int
    pages: int
    total: int
    per_page: int = PAGE_SIZE
    counted_all: bool = True

    @property
    def has_next(self) -> bool:
        return self.page < self.pages if self.counted_all else len(self.items) == self.per_page


def page_number(value: str) -> int:
    """A page number from the query string: a small positive integer, or 1."""
    if not value.isdigit() or len(value) > 6:
        return 1
    return max(1, int(value))


def page_of(
    session,
    query: Select,
    page: int,
    per_page: int = PAGE_SIZE,
    *,
    scalars: bool = False,
    count: Select | None = None,
    count_limit: int | None = None,
) -> Page:
    """The ``page``-th page of ``query`` (past the end: the last page); rows, or the first column with ``scalars``.

    Two statements whatever the size: a count of the matching rows (of ``count``, a cheaper query
    with the same rows, when given; no further than ``count_limit`` rows, when given), and the page.
    """
    counted = (query if count is None else count).order_by(None)
    if count_limit is not None:
        counted = counted.limit(count_limit + 1)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    counted_all = count_limit is None or total <= count_limit
    total = total if counted_all else count_limit
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages) if counted_all else max(1, page)
    result = session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = list(result.unique().scalars()) if scalars else list(result)
    return Page(items, page, pages, total, per_page, counted_all)
