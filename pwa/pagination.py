"""Lists that grow with the organisation are shown a page at a time: one count and one page read, at any size."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import Integer, Select, Subquery, bindparam, func, select

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


@dataclass(frozen=True)
class Paged:
    """A list's two statements, built once: the count, and one page whose limit and offset are bound at each read.

    A list whose statement is the same on every request keeps its ``Paged`` and reads it with
    ``read_page``: SQLAlchemy then finds the compiled SQL in its cache without rebuilding anything.
    """

    count: Select
    page: Select
    count_limit: int | None = None


def paged(
    query: Select, *, count: Select | None = None, count_limit: int | None = None, around: Callable[[Subquery], Select] | None = None
) -> Paged:
    """The count and page statements of ``query`` (see ``page_of`` for ``count`` and ``count_limit``).

    ``around``, when given, makes the statement read from one page (a subquery): for what a row
    shows but no order needs, worked out for the page's rows only.
    """
    counted = (query if count is None else count).order_by(None)
    if count_limit is not None:
        counted = counted.limit(count_limit + 1)
    page = query.limit(bindparam("page_limit", type_=Integer)).offset(bindparam("page_offset", type_=Integer))
    return Paged(select(func.count()).select_from(counted.subquery()), page if around is None else around(page.subquery()), count_limit)


def read_page(session, statements: Paged, page: int, per_page: int = PAGE_SIZE, *, scalars: bool = False, params: dict | None = None) -> Page:
    """The ``page``-th page of a ``Paged`` list (past the end: the last page), with ``params`` for its bound values."""
    params = params or {}
    count_limit = statements.count_limit
    total = session.scalar(statements.count, params) or 0
    counted_all = count_limit is None or total <= count_limit
    total = total if counted_all else count_limit
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages) if counted_all else max(1, page)
    result = session.execute(statements.page, {**params, "page_limit": per_page, "page_offset": (page - 1) * per_page})
    items = list(result.unique().scalars()) if scalars else list(result)
    return Page(items, page, pages, total, per_page, counted_all)


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
    return read_page(session, paged(query, count=count, count_limit=count_limit), page, per_page, scalars=scalars)
