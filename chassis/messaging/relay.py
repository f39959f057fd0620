"""The outbox relay: publishes stored events with publisher confirms, then marks them published.

Delivery is at-least-once: a crash between the broker's confirm and the mark republishes the event,
which the consumers' inbox makes harmless. When the broker or the database does not answer, the relay
waits (at most `RECONNECT_MAX_BACKOFF_SECONDS`) and retries; events simply wait in the outbox. It is woken as
soon as an event is stored (a change stream on the outbox, `chassis.messaging.wakeups`), and polls every
`RELAY_POLL_SECONDS` besides. While idle it keeps its broker connection alive (heartbeats), so the next event
goes out on it at once. Each replica claims the batch it publishes (`outbox.claim`), so replicas woken by the
same commit publish different events.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading

from pymongo.errors import PyMongoError

from chassis import metrics, tracing
from chassis.backoff import DependencyRetry
from chassis.messaging import outbox
from chassis.messaging.connection import CONNECTION_ERRORS, ConfirmingPublisher
from chassis.messaging.retention import apply_retention
from chassis.messaging.wakeups import OutboxWakeups
from chassis.settings import ServiceSettings

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(self, settings: ServiceSettings):
        self.settings = settings
        self.publisher = ConfirmingPublisher(settings.amqp_url, settings.events_exchange)
        self.wakeups = OutboxWakeups(settings.relay_poll_seconds)

    def report_metrics(self) -> None:
        """Let this process's scrapes show the outbox's pending events and the oldest one's age."""
        metrics.register_outbox_collector(self.settings.service_name, outbox.pending_summary)

    def publish_pending(self) -> int:
        """Publish every pending event no other relay holds, oldest first; return how many were published."""
        published = 0
        lease = dt.timedelta(seconds=self.settings.relay_claim_seconds)
        while batch := outbox.claim(self.settings.relay_batch_size, lease):
            for message in batch:
                with tracing.publishing(message.routing_key, message.envelope) as headers:
                    self.publisher.publish(
                        message.routing_key,
                        json.dumps(message.envelope).encode(),
                        message_id=message.id,
                        headers=headers,
                    )
                outbox.mark_published(message)
                published += 1
        return published

    def run(self, stop: threading.Event) -> None:
        """Publish until `stop`; first give the outbox and inbox their retention periods (ADR 0066), once the
        database answers."""
        self.report_metrics()
        retry = DependencyRetry(log, self.settings.reconnect_max_backoff_seconds)
        retention_applied = False
        while not stop.is_set():
            try:
                if not retention_applied:
                    apply_retention(self.settings)
                    retention_applied = True
                self.wakeups.open()
                published = self.publish_pending()
            except (*CONNECTION_ERRORS, PyMongoError) as error:
                retry.failed(error, stop)
                continue
            retry.succeeded()
            if published:
                log.info("relayed events", extra={"count": published})
                continue
            self.publisher.keep_alive()
            self.wakeups.wait(stop, idle=self.publisher.keep_alive)
        self.wakeups.close()
        self.publisher.close()
