"""Pagination for flask-smorest views returning a mongoengine queryset or a list: `@blp.paginate(QueryPage)`.

The total (for the `X-Pagination` header) is counted by the database, and only the requested page is read.
"""

from __future__ import annotations

from flask_smorest import Page


class QueryPage(Page):
    @property
    def item_count(self) -> int:
        return len(self.collection) if isinstance(self.collection, list) else self.collection.count()

    @property
    def items(self):
        first, size = self.page_params.first_item, self.page_params.page_size
        if isinstance(self.collection, list):
            return self.collection[first:first + size]
        return list(self.collection.skip(first).limit(size))
