"""Waiting out a dependency (database, broker) that does not answer: which errors mean that, and how long to wait.

Every loop process (relay, worker, scheduled job) logs such an error in one line, waits, and tries again,
instead of exiting. The wait doubles from `initial` up to a low `maximum` (`RECONNECT_MAX_BACKOFF_SECONDS`), so
a dependency that answers again is used within about a second, while one that stays down costs one
connection attempt a second per process (docs/adr/0071).
"""

from __future__ import annotations

from pymongo.errors import ConnectionFailure

from chassis.messaging.connection import CONNECTION_ERRORS

# The database or the broker did not answer (refused, timed out, dropped); not a bug in the caller.
DEPENDENCY_ERRORS: tuple[type[BaseException], ...] = (*CONNECTION_ERRORS, ConnectionFailure)


class Backoff:
    """Delays between attempts: `initial`, doubling, never above `maximum`; `reset()` after a success."""

    def __init__(self, initial: float, maximum: float):
        self.initial = min(initial, maximum)
        self.maximum = maximum
        self._next = self.initial

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(delay * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial
