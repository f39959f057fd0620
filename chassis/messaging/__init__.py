"""Events between services: CloudEvents envelope, transactional outbox + relay, idempotent consumers."""

from chassis.messaging.envelope import Event
from chassis.messaging.outbox import emit

__all__ = ["Event", "emit"]
