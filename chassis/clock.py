"""The time, always timezone-aware UTC: what every record's timestamps and every date rule use."""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return now().date()
