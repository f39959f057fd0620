"""Consumers: one durable queue per handler, idempotent through an inbox, retried, then dead-lettered.

Topology for a handler `h` of service `s` (queue `s.h`):
- `s.h` is bound to the topic exchange for each event type the handler takes;
- `s.h.retry.<ms>ms` queues hold a failed message for a delay, then dead-letter it back to `s.h`;
- `s.h.dead` keeps messages that failed every attempt, for an operator to inspect and replay.

A handler runs inside one database transaction together with its inbox record (handler, event id),
so a redelivered event is recognised and changes nothing, and a failed handler leaves no trace.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping

import marshmallow as ma
import mongoengine as me
import pika
from pika.adapters.blocking_connection import BlockingChannel

from chassis import context, db, metrics, tracing
from chassis.backoff import DATABASE_UNAVAILABLE, DEPENDENCY_ERRORS, DependencyRetry
from chassis.messaging.connection import CONNECTION_ERRORS, connect, declare_exchange
from chassis.messaging.envelope import Event, MalformedEvent
from chassis.settings import ServiceSettings

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-rso-attempt"
ERROR_HEADER = "x-rso-error"


class InboxRecord(db.Document):
    """One per (handler, event id) that a handler has applied."""

    meta = {"collection": "inbox"}

    id = me.StringField(primary_key=True)
    handler = me.StringField(required=True)
    event_id = me.StringField(required=True)
    event_type = me.StringField(required=True)
    applied_at = me.DateTimeField(required=True)


@dataclasses.dataclass(frozen=True)
class Handler:
    name: str
    event_types: tuple[str, ...]
    function: Callable[[Event], None]
    reads: Mapping[str, type[ma.Schema]]  # per event type, the part of `data` the handler reads

    def read(self, event: Event) -> Event:
        """The event as the handler sees it: `data` loaded through the schema it declared for the type.

        Data that does not load fails like the handler: retried (what it refers to may not have arrived yet),
        then dead-lettered."""
        return dataclasses.replace(event, data=self.reads[event.type]().load(event.data))


class Subscriptions:
    """The handlers a service registers for other services' events (its `subscriptions.py`)."""

    def __init__(self, service: str):
        self.service = service
        self.handlers: dict[str, Handler] = {}

    def on(self, *event_types: str, reads: type[ma.Schema] | Mapping[str, type[ma.Schema]],
           name: str | None = None) -> Callable:
        """Register a handler of `event_types`; `reads` is the schema of the part of `data` it reads
        (a `chassis.messaging.contracts.Reads`), one for every type or one per type."""
        per_type = reads if isinstance(reads, Mapping) else dict.fromkeys(event_types, reads)
        if missing := set(event_types) - set(per_type):
            raise ValueError(f"say what the handler reads of {sorted(missing)}")

        def register(function: Callable[[Event], None]) -> Callable[[Event], None]:
            handler_name = name or function.__name__
            if handler_name in self.handlers:
                raise ValueError(f"handler {handler_name!r} registered twice")
            self.handlers[handler_name] = Handler(handler_name, tuple(event_types), function,
                                                  {event_type: per_type[event_type] for event_type in event_types})
            return function

        return register

    def queue_name(self, handler: Handler) -> str:
        return f"{self.service}.{handler.name}"


def apply_once(handler: Handler, event: Event) -> bool:
    """Run `handler` for `event` unless it already did; return whether it ran.

    Safe under concurrent redelivery: the inbox record is written in the handler's own transaction,
    so of two racing deliveries only one commits.
    """
    record_id = f"{handler.name}:{event.id}"
    if InboxRecord.objects(id=record_id).first() is not None:
        return False

    def work() -> None:
        InboxRecord(id=record_id, handler=handler.name, event_id=event.id, event_type=event.type,
                    applied_at=dt.datetime.now(dt.UTC)).save(force_insert=True)
        handler.function(handler.read(event))  # read afresh by each attempt of a retried transaction

    with context.bound(tenant=event.tenant, correlation_id=event.correlation_id or event.id,
                       causation_id=event.id, request_id=None):
        try:
            db.transaction(work)
        except me.NotUniqueError:
            return False
    return True


@dataclasses.dataclass(frozen=True)
class HandlerQueues:
    handler: str
    main: str
    retries: tuple[str, ...]
    dead: str


def handler_queues(subscriptions: Subscriptions, handler: Handler, settings: ServiceSettings) -> HandlerQueues:
    main = subscriptions.queue_name(handler)
    return HandlerQueues(
        handler=handler.name,
        main=main,
        retries=tuple(f"{main}.retry.{delay}ms" for delay in settings.consumer_retry_delays_ms),
        dead=f"{main}.dead",
    )


def declare_topology(channel: BlockingChannel, subscriptions: Subscriptions, settings: ServiceSettings,
                     ) -> dict[str, HandlerQueues]:
    declare_exchange(channel, settings.events_exchange)
    queue_type = {"x-queue-type": "quorum"} if settings.consumer_quorum_queues else {}
    topology = {}
    for handler in subscriptions.handlers.values():
        queues = handler_queues(subscriptions, handler, settings)
        channel.queue_declare(queue=queues.main, durable=True, arguments=queue_type)
        for event_type in handler.event_types:
            channel.queue_bind(queue=queues.main, exchange=settings.events_exchange, routing_key=event_type)
        for queue, delay in zip(queues.retries, settings.consumer_retry_delays_ms, strict=True):
            channel.queue_declare(queue=queue, durable=True, arguments={
                **queue_type,
                "x-message-ttl": delay,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": queues.main,
            })
        channel.queue_declare(queue=queues.dead, durable=True, arguments=queue_type)
        topology[handler.name] = queues
    return topology


class Worker:
    """Consumes every handler's queue of one service until `stop` is set; survives broker restarts."""

    def __init__(self, settings: ServiceSettings, subscriptions: Subscriptions):
        self.settings = settings
        self.subscriptions = subscriptions
        self.ready = threading.Event()  # set once every queue is declared, bound and consumed

    def run(self, stop: threading.Event) -> None:
        """Consume until `stop`, through outages (docs/adr/0071): a lost or refused broker connection is retried,
        waiting at most `RECONNECT_MAX_BACKOFF_SECONDS` between attempts, so the worker is back soon after the
        broker. A database that does not answer while a handler runs is no failure of the event (no attempt
        counted, never dead-lettered): the worker lets go of its messages, waits the same way, and takes
        them again."""
        retry = DependencyRetry(log, self.settings.reconnect_max_backoff_seconds)
        while not stop.is_set():
            try:
                self._consume_until(stop, retry)
            except DEPENDENCY_ERRORS as error:
                retry.failed(error, stop)

    def _consume_until(self, stop: threading.Event, retry: DependencyRetry) -> None:
        connection = connect(self.settings.amqp_url)
        try:
            channel = connection.channel()
            publish_channel = connection.channel()
            publish_channel.confirm_delivery()
            topology = declare_topology(channel, self.subscriptions, self.settings)
            channel.basic_qos(prefetch_count=self.settings.consumer_prefetch)
            for name, queues in topology.items():
                handler = self.subscriptions.handlers[name]
                channel.basic_consume(
                    queue=queues.main,
                    on_message_callback=self._callback(handler, queues, publish_channel, retry),
                )
            log.info("consuming", extra={"queues": [q.main for q in topology.values()]})
            retry.succeeded("broker")
            self.ready.set()
            while not stop.is_set():
                connection.process_data_events(time_limit=0.2)
        finally:
            self.ready.clear()
            if connection.is_open:
                with contextlib.suppress(CONNECTION_ERRORS):
                    connection.close()

    def _callback(self, handler: Handler, queues: HandlerQueues, publish_channel: BlockingChannel,
                  retry: DependencyRetry):
        def on_message(channel: BlockingChannel, method, properties: pika.BasicProperties, body: bytes):
            headers = dict(properties.headers or {})
            attempt = int(headers.get(ATTEMPT_HEADER, 1))
            try:
                event = Event.from_bytes(body)
            except MalformedEvent as error:
                self._forward(publish_channel, queues.dead, body, properties, headers,
                              error=f"malformed event: {error}")
                metrics.instruments().events_dead_lettered.labels(self.settings.service_name, handler.name).inc()
                channel.basic_ack(method.delivery_tag)
                return
            with tracing.consuming(queues.main, event, headers):  # its log lines and the events it emits too
                started = time.perf_counter()
                labels = (self.settings.service_name, handler.name)
                try:
                    applied = apply_once(handler, event)
                except DATABASE_UNAVAILABLE:
                    raise  # not the event's fault: run() drops the connection (the broker requeues it) and waits
                except Exception as error:  # any handler failure is retried, then dead-lettered
                    self._observe(labels, "failed", started)
                    self._retry_or_bury(publish_channel, queues, body, properties, headers, attempt, error, event)
                else:
                    retry.succeeded("database")
                    self._observe(labels, "applied" if applied else "duplicate", started)
                    log.info("event handled" if applied else "duplicate event ignored", extra={
                        "handler": handler.name, "event_id": event.id, "event_type": event.type,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2)})
            channel.basic_ack(method.delivery_tag)

        return on_message

    @staticmethod
    def _observe(labels: tuple[str, str], outcome: str, started: float) -> None:
        instruments = metrics.instruments()
        instruments.events_consumed.labels(*labels, outcome).inc()
        instruments.event_handling.labels(*labels).observe(time.perf_counter() - started)

    def _retry_or_bury(self, publish_channel, queues: HandlerQueues, body, properties, headers, attempt: int,
                       error: Exception, event: Event) -> None:
        description = f"{type(error).__name__}: {error}"[:1000]
        if attempt < self.settings.consumer_max_attempts and queues.retries:
            metrics.instruments().events_retried.labels(self.settings.service_name, queues.handler).inc()
            retry_queue = queues.retries[min(attempt, len(queues.retries)) - 1]
            log.warning("handler failed, will retry", extra={
                "queue": queues.main, "event_id": event.id, "attempt": attempt, "error": description})
            self._forward(publish_channel, retry_queue, body, properties,
                          {**headers, ATTEMPT_HEADER: attempt + 1}, error=description)
        else:
            metrics.instruments().events_dead_lettered.labels(self.settings.service_name, queues.handler).inc()
            log.error("handler failed for the last time, dead-lettered", extra={
                "queue": queues.main, "event_id": event.id, "attempt": attempt, "error": description})
            self._forward(publish_channel, queues.dead, body, properties,
                          {**headers, ATTEMPT_HEADER: attempt}, error=description)

    @staticmethod
    def _forward(publish_channel: BlockingChannel, queue: str, body: bytes, properties: pika.BasicProperties,
                 headers: dict, *, error: str) -> None:
        """Publish a copy to `queue` (confirmed) before the original is acked: nothing is lost."""
        publish_channel.basic_publish(
            exchange="", routing_key=queue, body=body,
            properties=pika.BasicProperties(
                content_type=properties.content_type, delivery_mode=pika.DeliveryMode.Persistent,
                message_id=properties.message_id, headers={**headers, ERROR_HEADER: error},
            ),
        )


@dataclasses.dataclass(frozen=True)
class DeadLetter:
    queue: str
    event_id: str | None
    event_type: str | None
    attempts: int
    error: str | None


def _dead_queues(subscriptions: Subscriptions, settings: ServiceSettings,
                 handler_name: str | None) -> list[HandlerQueues]:
    handlers = subscriptions.handlers.values()
    if handler_name is not None:
        if handler_name not in subscriptions.handlers:
            raise KeyError(f"no handler named {handler_name!r}; known: {sorted(subscriptions.handlers)}")
        handlers = [subscriptions.handlers[handler_name]]
    return [handler_queues(subscriptions, handler, settings) for handler in handlers]


def list_dead_letters(settings: ServiceSettings, subscriptions: Subscriptions,
                      handler_name: str | None = None) -> list[DeadLetter]:
    """Every dead-lettered message, left in place (fetched unacknowledged, requeued on close)."""
    found: list[DeadLetter] = []
    connection = connect(settings.amqp_url)
    try:
        channel = connection.channel()
        declare_topology(channel, subscriptions, settings)
        for queues in _dead_queues(subscriptions, settings, handler_name):
            while True:
                method, properties, body = channel.basic_get(queues.dead, auto_ack=False)
                if method is None:
                    break
                found.append(_describe_dead(queues.dead, properties, body))
        channel.close()
    finally:
        connection.close()
    return found


def replay_dead_letters(settings: ServiceSettings, subscriptions: Subscriptions,
                        handler_name: str | None = None, event_id: str | None = None) -> int:
    """Move dead letters back to their handler's queue with a fresh attempt count; return how many."""
    replayed = 0
    connection = connect(settings.amqp_url)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        declare_topology(channel, subscriptions, settings)
        for queues in _dead_queues(subscriptions, settings, handler_name):
            skipped = []
            while True:
                method, properties, body = channel.basic_get(queues.dead, auto_ack=False)
                if method is None:
                    break
                letter = _describe_dead(queues.dead, properties, body)
                if event_id is not None and letter.event_id != event_id:
                    skipped.append(method.delivery_tag)
                    continue
                headers = {k: v for k, v in (properties.headers or {}).items()
                           if k not in (ATTEMPT_HEADER, ERROR_HEADER)}
                channel.basic_publish(exchange="", routing_key=queues.main, body=body, properties=pika.BasicProperties(
                    content_type=properties.content_type, delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=properties.message_id, headers=headers))
                channel.basic_ack(method.delivery_tag)
                replayed += 1
            for tag in skipped:
                channel.basic_nack(tag, requeue=True)
        channel.close()
    finally:
        connection.close()
    return replayed


def _describe_dead(queue: str, properties: pika.BasicProperties, body: bytes) -> DeadLetter:
    headers = properties.headers or {}
    try:
        envelope = json.loads(body)
        event_id, event_type = envelope.get("id"), envelope.get("type")
    except (ValueError, AttributeError):
        event_id, event_type = properties.message_id, None
    error = headers.get(ERROR_HEADER)
    return DeadLetter(queue=queue, event_id=event_id, event_type=event_type,
                      attempts=int(headers.get(ATTEMPT_HEADER, 1)),
                      error=error.decode() if isinstance(error, bytes) else error)
