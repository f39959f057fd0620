"""People the platform must forget, as every service learns it from `roster.expert.erased` (consent withdrawn).

A service calls `follow_erasure(subscriptions, erase)` once. Its worker then records each erased person
(by the roster's expert id only) and calls `erase(expert_id, user_id)` in the same transaction, so the service
anonymises what it holds. Events about the person that were already on their way (published before the
erasure, consumed after it) are handled with `is_erased()`: a handler keeps no identity of an erased person.
What each service erases and what it keeps: docs/adr/0067.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import marshmallow as ma
import mongoengine as me

from chassis import db
from chassis.messaging.consumer import Subscriptions
from chassis.messaging.contracts import Reads
from chassis.messaging.envelope import Event

PERSON_ERASED = "roster.expert.erased"
ERASED_NAME = "Erased person"


class ErasedPerson(db.Document):
    """A platform-wide fact, owned by no tenant and holding no personal data."""

    meta = {"collection": "erased_people"}

    expert_id = me.StringField(primary_key=True)
    erased_at = me.DateTimeField(required=True)


def erased_email(expert_id: str) -> str:
    """A stand-in where a record needs an e-mail: unique per person, deliverable nowhere (RFC 2606 `.invalid`)."""
    return f"erased-{expert_id}@erased.invalid"


def is_erased(expert_id: str | None) -> bool:
    return bool(expert_id) and ErasedPerson.objects(expert_id=expert_id).first() is not None


class ErasureRead(Reads):
    expert_id = ma.fields.String(required=True)
    user_id = ma.fields.String(allow_none=True)


def follow_erasure(subscriptions: Subscriptions, erase: Callable[[str, str | None], None]) -> None:
    """Register the handler that records erased people and has the service forget them."""

    @subscriptions.on(PERSON_ERASED, reads=ErasureRead, name="forget_erased_person")
    def forget(event: Event) -> None:
        expert_id = event.data["expert_id"]
        ErasedPerson.objects(expert_id=expert_id).update_one(
            upsert=True, set_on_insert__erased_at=dt.datetime.now(dt.UTC))
        erase(expert_id, event.data.get("user_id"))
