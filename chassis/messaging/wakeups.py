"""What wakes the outbox relay: a change stream of the outbox's inserts, with polling as the fallback.

A transaction that emitted an event shows up in the change stream when it commits, so the relay publishes
the event at once instead of at its next poll (docs/adr/0092). The stream only says *that* something was
stored; the relay still reads what to publish from the outbox itself, so a change missed while the stream
was down (a database restart, a dropped connection) costs nothing but the wait until the next poll. Where
the server offers no change streams (a standalone MongoDB), the relay polls every `RELAY_POLL_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from pymongo.change_stream import CollectionChangeStream
from pymongo.errors import OperationFailure, PyMongoError

from chassis.messaging.outbox import OutboxMessage

log = logging.getLogger(__name__)

# The longest a wait blocks in the database at a time: between two, the relay answers a stop and lets its
# broker connection exchange heartbeats.
LONGEST_BLOCK_SECONDS = 0.5


class OutboxWakeups:
    def __init__(self, poll_seconds: float):
        self.poll_seconds = poll_seconds
        self.streaming = True  # until the server refuses a change stream
        self._stream: CollectionChangeStream | None = None

    @property
    def watching(self) -> bool:
        return self._stream is not None

    def open(self) -> None:
        """Start watching, if not already; call it before reading the outbox, so that nothing stored after
        that read goes unnoticed. A server without change streams leaves the relay polling."""
        if self._stream is not None or not self.streaming:
            return
        block_ms = max(1, round(min(self.poll_seconds, LONGEST_BLOCK_SECONDS) * 1000))
        try:
            self._stream = OutboxMessage._get_collection().watch(
                [{"$match": {"operationType": "insert"}}, {"$project": {"_id": 1}}], max_await_time_ms=block_ms)
        except OperationFailure as error:
            self.streaming = False
            log.warning("no change stream on the outbox, the relay polls every %ss: %s", self.poll_seconds, error)

    def wait(self, stop: threading.Event, idle: Callable[[], None]) -> None:
        """Return once an event was stored, `stop` is set, or the poll interval has passed; call `idle` about
        every `LONGEST_BLOCK_SECONDS` meanwhile."""
        if self._stream is None:
            stop.wait(self.poll_seconds)
            return
        deadline = time.monotonic() + self.poll_seconds
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                if self._stream.try_next() is not None:
                    return
                idle()
        except PyMongoError as error:
            log.info("outbox change stream lost, opened again on the next round: %s", error)
            self.close()

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.close()
            except PyMongoError:
                log.debug("closing a lost change stream failed", exc_info=True)
