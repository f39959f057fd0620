"""Pagination of a mongoengine queryset or a list for flask-smorest's `@blp.paginate()`.

The total (for the `X-Pagination` header) is counted by the database and only the requested page is
read. A view either returns `page(items, pagination_parameters)` (when it must see the page, to log
access to it, say) or returns the whole queryset under `@blp.paginate(QueryPage)`.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_smorest import Page


def _count(items) -> int:
    """A sequence (a list, or a lazy one) knows its length; a queryset counts in the database."""
    return len(items) if isinstance(items, Sequence) else items.count()


def _slice(items, first: int, size: int) -> list:
    return list(items[first:first + size])  # on a queryset: skip and limit in the database


def page(items, pagination_parameters) -> list:
    """The requested page of `items`, after recording their total."""
    pagination_parameters.item_count = _count(items)
    return _slice(items, pagination_parameters.first_item, pagination_parameters.page_size)


class QueryPage(Page):
    @property
    def item_count(self) -> int:
        return _count(self.collection)

    @property
    def items(self) -> list:
        return _slice(self.collection, self.page_params.first_item, self.page_params.page_size)


MAX_PAGE = 10_000  # with the largest page size (100), a million records; narrower filters find the rest


def page_beyond_bounds(query) -> dict[str, list[str]]:
    """A `page` past MAX_PAGE, as a field error: its first record would lie beyond what a database can skip to
    (`?page=4611686018427387905` was a 500). Other malformed values are the pagination schema's to refuse."""
    raw = query.get("page", "")
    if raw.strip().isdigit() and int(raw) > MAX_PAGE:
        return {"page": [f"Must be at most {MAX_PAGE}"]}
    return {}
