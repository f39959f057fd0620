"""What the training pages share: the API's paths, who may author, reading every page of a list."""

from __future__ import annotations

import json
from urllib.parse import quote

from markupsafe import Markup

from chassis.richtext import clean_html
from portal import gateway
from portal.forms import expect_ok

API = "/api/training"
AUTHORS = ("training_coordinator", "trainer")
COORDINATORS = ("training_coordinator",)
REPORT_READERS = ("training_coordinator", "auditor", "tenant_admin", "platform_admin")


def segment(value: str) -> str:
    return quote(value, safe="")


def read(path: str, **params) -> dict | list:
    """One answer of the training API that has to succeed (otherwise the matching plain page)."""
    return expect_ok(gateway.get(f"{API}{path}", params=params or None)).json()


def read_all(path: str, **params) -> list:
    """Every row of a paginated list (pages of 100)."""
    rows, page = [], 1
    while True:
        response = expect_ok(gateway.get(f"{API}{path}", params={**params, "page": page, "page_size": 100}))
        rows += response.json()
        paging = json.loads(response.headers.get("X-Pagination") or "{}")
        if page >= paging.get("total_pages", 1):
            return rows
        page += 1


def rich_text(html: str | None) -> Markup:
    """A lesson's body as the page shows it: cleaned by the API when stored and served, and again here."""
    return Markup(clean_html(html or ""))


