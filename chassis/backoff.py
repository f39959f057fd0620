"""Waiting out a dependency (database, broker) that does not answer: which errors mean that, how long to wait,
and what to log.

Every loop process (relay, worker, scheduled job) logs such an outage in one WARNING line, waits, and tries
again, instead of exiting; once the dependency answers, one INFO line says so. The wait doubles from
RETRY_INITIAL_SECONDS up to a low maximum (`RECONNECT_MAX_BACKOFF_SECONDS`), so a dependency that answers
again is used within about a second, while one that stays down costs one attempt a second per process
(docs/adr/0071).
"""

from __future__ import annotations

import logging
import threading

from pymongo.errors import ConnectionFailure, PyMongoError

from chassis.messaging.connection import CONNECTION_ERRORS

# The database did not answer (refused, timed out, dropped), so no query could tell anything.
DATABASE_UNAVAILABLE = ConnectionFailure
# The database or the broker did not answer; not a bug in the caller.
DEPENDENCY_ERRORS: tuple[type[BaseException], ...] = (*CONNECTION_ERRORS, DATABASE_UNAVAILABLE)
RETRY_INITIAL_SECONDS = 0.1


class Backoff:
    """Delays between attempts: `initial`, doubling, never above `maximum`; `reset()` after a success."""

    def __init__(self, initial: float, maximum: float):
        self.initial = min(initial, maximum)
        self.maximum = maximum
        self.failures = 0  # attempts that failed since the last success
        self._next = self.initial

    def next_delay(self) -> float:
        self.failures += 1
        delay = self._next
        self._next = min(delay * 2, self.maximum)
        return delay

    def reset(self) -> None:
        self.failures = 0
        self._next = self.initial


def dependency_of(error: BaseException) -> str:
    """Which dependency an error of DEPENDENCY_ERRORS (or any pymongo error) comes from."""
    return "database" if isinstance(error, PyMongoError) else "broker"


class DependencyRetry:
    """How one loop process waits out an outage of the database or the broker, logged once per outage."""

    def __init__(self, logger: logging.Logger, maximum: float):
        self.log = logger
        self.backoff = Backoff(RETRY_INITIAL_SECONDS, maximum)
        self._unavailable = ""

    def failed(self, error: BaseException, stop: threading.Event) -> None:
        """Log the outage (WARNING on the first failed attempt, DEBUG after), then wait before the next try."""
        delay = self.backoff.next_delay()
        self._unavailable = dependency_of(error)
        level = logging.WARNING if self.backoff.failures == 1 else logging.DEBUG
        self.log.log(level, "%s unavailable, retrying every %g s at most: %s", self._unavailable,
                     self.backoff.maximum, f"{type(error).__name__}: {error}"[:300],
                     extra={"dependency": self._unavailable, "attempt": self.backoff.failures})
        stop.wait(delay)

    def succeeded(self, reached: str | None = None) -> None:
        """A try worked. `reached` names the one dependency it reached, when it did not need both (a worker's
        broker connection says nothing about the database): a success elsewhere does not end the outage."""
        if reached is not None and self.backoff.failures and reached != self._unavailable:
            return
        if self.backoff.failures:
            self.log.info("%s available again after %d failed attempts", self._unavailable, self.backoff.failures,
                          extra={"dependency": self._unavailable})
        self.backoff.reset()
