"""How long the outbox and the inbox keep their documents: TTL indexes, their periods from the settings.

A sent outbox event carries its payload (names, e-mails) only until `OUTBOX_RETENTION_DAYS` after it was
published; an unsent one is kept until the relay sends it. An inbox record (which event a handler applied)
is kept `INBOX_RETENTION_DAYS` after it was applied, longer than any redelivery can come: the broker
redelivers within the consumer's retry delays, the relay re-sends only events still unsent (docs/adr/0066).
"""

from __future__ import annotations

from chassis.messaging.consumer import InboxRecord
from chassis.messaging.outbox import OutboxMessage
from chassis.settings import ServiceSettings

SECONDS_PER_DAY = 86_400


def apply_retention(settings: ServiceSettings) -> None:
    """Create the TTL indexes, or change their period to the configured one (each service's relay does, when
    it starts: every service runs one, and it waits for the database)."""
    expire(OutboxMessage._get_collection(), "published_at", settings.outbox_retention_days)
    expire(InboxRecord._get_collection(), "applied_at", settings.inbox_retention_days)


def expire(collection, field: str, days: int) -> None:
    """Documents whose `field` is a date more than `days` ago are deleted by the server (a null never expires)."""
    name, seconds = f"{field}_retention", days * SECONDS_PER_DAY
    existing = collection.index_information().get(name)
    if existing is None:
        collection.create_index([(field, 1)], name=name, expireAfterSeconds=seconds)
    elif existing.get("expireAfterSeconds") != seconds:
        collection.database.command("collMod", collection.name, index={"name": name, "expireAfterSeconds": seconds})
