"""Transactional outbox: an event is stored with the state change that caused it, in one transaction.

The relay (`chassis.messaging.relay`) publishes stored events afterwards, so a request never waits for
the broker and an event is never lost when the broker is down.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import mongoengine as me

from chassis import context, db, runtime
from chassis.clock import now
from chassis.messaging.contracts import contract_for
from chassis.messaging.envelope import make_envelope


class OutboxMessage(db.Document):
    meta = {
        "collection": "outbox",
        "indexes": [{"fields": ["published_at", "created_at"]}, {"fields": ["published_at", "claimed_until"]}],
    }

    id = me.StringField(primary_key=True)
    routing_key = me.StringField(required=True)
    envelope = me.DictField(required=True)
    created_at = me.DateTimeField(required=True)
    published_at = me.DateTimeField(null=True, default=None)
    # A relay publishing the event holds it until then (`claim`); an event is free from the moment it is stored.
    claimed_until = me.DateTimeField(required=True, default=now)
    claimed_by = me.StringField(null=True, default=None)

    @classmethod
    def ensure_derived_fields(cls) -> None:
        """Events stored before claims existed are free to claim (`ensure-indexes` runs this)."""
        cls._get_collection().update_many({"claimed_until": {"$exists": False}},
                                          [{"$set": {"claimed_until": "$created_at"}}])


class OutsideTransaction(RuntimeError):
    """emit() was called outside chassis.db.transaction(): the event could be lost or orphaned."""


def emit(event_type: str, data: dict[str, Any], *, tenant: str | None = None, dataversion: str = "1",
         ) -> dict[str, Any]:
    """Record an event in the outbox as part of the current transaction; return its envelope.

    `data` must satisfy the contract its producer declared for the type and version (chassis.messaging.contracts).

    `tenant` defaults to the caller's tenant from the current request or event.
    """
    if not db.in_transaction():
        raise OutsideTransaction(f"emit({event_type!r}) must run inside chassis.db.transaction()")
    contract_for(event_type, dataversion).check(data)
    envelope = make_envelope(
        event_type, data, source=runtime.settings().service_name,
        tenant=tenant if tenant is not None else context.tenant.get(), dataversion=dataversion,
    )
    OutboxMessage(
        id=envelope["id"], routing_key=event_type, envelope=envelope, created_at=dt.datetime.now(dt.UTC),
    ).save(force_insert=True)
    return envelope


def claim(limit: int, lease: dt.timedelta) -> list[OutboxMessage]:
    """Up to `limit` unpublished events, oldest first, that no relay holds, now held by the caller for `lease`.

    Every replica of a relay is woken by the same commit: without claims each would publish the same events.
    A relay that stops mid-batch holds its events only until the lease ends; another then publishes them (a
    consumer's inbox makes a second copy harmless, so a lease that ends while its relay still publishes loses
    nothing either).
    """
    started = now()
    free = OutboxMessage.objects(published_at=None, claimed_until__lte=started)
    ids = [message.id for message in free.order_by("created_at").only("id").limit(limit)]
    if not ids:
        return []
    token = uuid.uuid4().hex
    free.filter(id__in=ids).update(set__claimed_by=token, set__claimed_until=started + lease)
    return list(OutboxMessage.objects(id__in=ids, claimed_by=token).order_by("created_at"))


def pending_summary() -> tuple[int, dt.datetime | None]:
    """How many events wait to be published, and when the oldest of them was stored."""
    waiting = OutboxMessage.objects(published_at=None)
    oldest = waiting.order_by("created_at").only("created_at").first()
    return waiting.count(), oldest.created_at if oldest else None


def mark_published(message: OutboxMessage) -> None:
    OutboxMessage.objects(id=message.id, published_at=None).update_one(set__published_at=dt.datetime.now(dt.UTC))


def redact(match: dict[str, Any], fields: list[str]) -> int:
    """Blank `fields` (paths inside the envelope, e.g. `data.email`) of every stored event matching `match`
    (a filter on envelope paths), sent or not; inside the caller's transaction. Return how many events matched.

    For personal data that must go at once: a sent event otherwise keeps its payload until the outbox's
    retention deletes it, and an unsent one would still carry it to the consumers.
    """
    if not db.in_transaction():
        raise OutsideTransaction("redact() must run inside chassis.db.transaction(), with the change it follows")
    outbox = OutboxMessage._get_collection()
    ids = [hit["_id"] for hit in outbox.find({f"envelope.{path}": value for path, value in match.items()}, {"_id": 1})]
    for field in fields:
        path = f"envelope.{field}"
        outbox.update_many({"_id": {"$in": ids}, path: {"$exists": True, "$ne": None}}, {"$set": {path: None}})
    return len(ids)
