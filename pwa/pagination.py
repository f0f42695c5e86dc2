"""Lists that grow with the organisation are shown a page at a time (``db.paginate``)."""
from __future__ import annotations


def page_number(value: str) -> int:
    """A page number from the query string: a small positive integer, or 1."""
    if not value.isdigit() or len(value) > 6:
        return 1
    return max(1, int(value))
