"""The training API's states and kinds as the reader's language says them."""

from __future__ import annotations

import datetime as dt

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

TRAINING_STATES = {
    "draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived"),
    "pending_approval": _l("Waiting for approval"), "waitlisted": _l("On the waitlist"), "enrolled": _l("Enrolled"),
    "completed": _l("Completed"), "withdrawn": _l("Withdrawn"), "rejected": _l("Rejected"),
    "valid": _l("Valid"), "expired": _l("Expired"), "revoked": _l("Revoked"),
    "self_paced": _l("Self-paced online"), "virtual": _l("Virtual classroom"), "in_person": _l("In person"),
    "invited": _l("Invited (no account seen yet)"), "failed": _l("Failed"),
    "lesson": _l("Lesson"), "document": _l("Document"), "assessment": _l("Quiz"),
}


def training_state(value: str | None) -> str:
    return str(TRAINING_STATES.get(value, value or ""))


def day(value: str | dt.date | None) -> str:
    """An API date (ISO 8601) as the reader's locale writes it."""
    if not value:
        return ""
    return format_date(value if isinstance(value, dt.date) else dt.date.fromisoformat(value), "medium")
