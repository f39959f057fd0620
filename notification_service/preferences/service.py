"""A person's choice of the notifications that reach them by e-mail."""

from __future__ import annotations

from chassis.access import system
from notification_service.messages import LABELS, label
from notification_service.preferences.models import EmailPreferences


def muted_kinds(tenant: str, user_id: str) -> set[str]:
    """What `user_id` of `tenant` turned off (the worker asks, for each person it is about to write to)."""
    found = system("the worker writes to people of every tenant").records(EmailPreferences).filter(
        tenant=tenant, user_id=user_id).first()
    return set(found.muted) if found else set()


def mine(user_id: str, language: str | None) -> dict:
    """The caller's choice (their tenant's record, by chassis tenancy): every kind, named in `language`."""
    found = EmailPreferences.objects(user_id=user_id).first()
    muted = set(found.muted) if found else set()
    return {"email": [{"kind": kind, "label": label(kind, language), "by_email": kind not in muted}
                      for kind in LABELS]}


def choose(user_id: str, by_email: list[str], language: str | None) -> dict:
    """Keep exactly the kinds in `by_email` going out by e-mail; the others only in the portal."""
    muted = [kind for kind in LABELS if kind not in set(by_email)]
    EmailPreferences.objects(user_id=user_id).update_one(set__muted=muted, upsert=True)
    return mine(user_id, language)
