"""A value read from the database at most every `refresh_seconds` per process, shared by every request thread.

For lists checked on every request (the gateway's deny list, a service's suspended tenants): one small query
per interval whatever the load, and a change takes effect everywhere within the interval. If the value cannot
be reloaded the request answers 503 rather than proceed unchecked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import pymongo.errors

from chassis.problems import ServiceUnavailable

T = TypeVar("T")


class Snapshot(Generic[T]):
    def __init__(self, load: Callable[[], T], *, refresh_seconds: float = 0.5, empty: T,
                 unavailable: str = "A required check cannot be made right now", clock=time.monotonic):
        self._load = load
        self.refresh_seconds = refresh_seconds
        self._value = empty
        self._unavailable = unavailable
        self._clock = clock
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def current(self) -> T:
        if self._clock() - self._loaded_at < self.refresh_seconds:
            return self._value
        with self._lock:
            if self._clock() - self._loaded_at >= self.refresh_seconds:
                try:
                    self._value = self._load()
                except pymongo.errors.PyMongoError as error:
                    raise ServiceUnavailable(self._unavailable) from error
                self._loaded_at = self._clock()
        return self._value
