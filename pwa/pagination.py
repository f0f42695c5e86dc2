"""Lists that grow with the organisation are shown a page at a time: one count and one page read, at any size."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

PAGE_SIZE = 50


@dataclass
class Page:
    """One page of a list (``page`` counts from 1), and how many pages and items the whole list has."""

    items: list[Any]
    page: int
    pages: int
    total: int


def page_number(value: str) -> int:
    """A page number from the query string: a small positive integer, or 1."""
    if not value.isdigit() or len(value) > 6:
        return 1
    return max(1, int(value))


def page_of(
    session, query: Select, page: int, per_page: int = PAGE_SIZE, *, scalars: bool = False, count: Select | None = None
) -> Page:
    """The ``page``-th page of ``query`` (past the end: the last page); rows, or the first column with ``scalars``.

    Two statements whatever the size: a count of the matching rows (of ``count``, a cheaper query
    with the same rows, when given), and the page itself.
    """
    counted = (query if count is None else count).order_by(None)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    result = session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = list(result.unique().scalars()) if scalars else list(result)
    return Page(items, page, pages, total)
