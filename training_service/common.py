"""Small helpers every training aggregate uses: clock, ids, paging, the acting principal."""

from __future__ import annotations

import datetime as dt
import uuid

from chassis.auth import Principal
from chassis.vocabulary import PLATFORM_TENANT

SYSTEM_ROLE = "training-service"
"""A role no token carries: workflow steps only the service itself takes (promotion, completion, expiry)."""
SERVICE_ONLY = (SYSTEM_ROLE,)
SYSTEM = Principal(sub="training-service", tenant=PLATFORM_TENANT, roles=frozenset({SYSTEM_ROLE}), scopes=frozenset())
"""The actor recorded for the steps the service takes itself."""


def short_id() -> str:
    """Identifier for an item inside a document (content item, question, option)."""
    return uuid.uuid4().hex[:12]


def add_months(start: dt.date, months: int) -> dt.date:
    """`start` plus whole months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
