"""Helpers to see the events a test caused and to deliver events to a service's handlers."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import pika

from chassis import context
from chassis.messaging.consumer import Subscriptions, apply_once
from chassis.messaging.envelope import Event, make_envelope
from chassis.messaging.outbox import OutboxMessage


def emitted(event_type: str | None = None) -> list[dict[str, Any]]:
    """Envelopes this service's use cases wrote to its outbox, oldest first."""
    messages = OutboxMessage.objects.order_by("created_at")
    if event_type is not None:
        messages = messages.filter(routing_key=event_type)
    return [message.envelope for message in messages]


def envelope(event_type: str, data: dict[str, Any], *, tenant: str | None, source: str = "test",
             event_id: str | None = None) -> dict[str, Any]:
    with context.bound(correlation_id=None, causation_id=None):
        return make_envelope(event_type, data, source=source, tenant=tenant, event_id=event_id)


def deliver(subscriptions: Subscriptions, event_envelope: dict[str, Any]) -> list[str]:
    """Hand an event to every handler subscribed to its type, in-process (inbox included).

    Returns the names of the handlers that applied it (a repeat delivery returns none).
    """
    event = Event.from_envelope(event_envelope)
    return [handler.name for handler in subscriptions.handlers.values()
            if event.type in handler.event_types and apply_once(handler, event)]


class Runnable(Protocol):
    def run(self, stop: threading.Event) -> None: ...


@contextlib.contextmanager
def running(process: Runnable, stop: threading.Event | None = None) -> Iterator[threading.Event]:
    """Run a Worker or OutboxRelay in a background thread for the duration of a block (until `stop` is set).

    A process with a `ready` event (a Worker) is waited for, so its queues exist before the block runs.
    """
    stop = threading.Event() if stop is None else stop
    thread = threading.Thread(target=process.run, args=(stop,), daemon=True)
    thread.start()
    ready = getattr(process, "ready", None)
    if ready is not None and not ready.wait(15):
        stop.set()
        raise AssertionError(f"{type(process).__name__} did not become ready within 15s")
    try:
        yield stop
    finally:
        stop.set()
        thread.join(15)


def wait_until(condition: Callable[[], Any], *, timeout: float = 15.0, interval: float = 0.05,
               message: str | Callable[[], str] = "condition") -> Any:
    """Poll until `condition()` is truthy and return it; fail the test after `timeout` seconds, saying what it
    waited for (`message`, or what `message()` says then)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            waited_for = message() if callable(message) else message
            raise AssertionError(f"timed out after {timeout}s waiting for {waited_for}")
        time.sleep(interval)


def purge_queue(amqp_url: str, queue: str) -> None:
    """Empty `queue`: a test that dead-letters an event on purpose leaves no dead letter for the tests after it."""
    connection = pika.BlockingConnection(pika.URLParameters(amqp_url))
    try:
        connection.channel().queue_purge(queue)
    finally:
        connection.close()
