"""pika connections: parameters with sane timeouts, a confirming publisher, a broker ping."""

from __future__ import annotations

import contextlib
import logging
import urllib.parse

import pika
from pika.adapters.blocking_connection import BlockingChannel

log = logging.getLogger(__name__)

CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    pika.exceptions.AMQPConnectionError,
    pika.exceptions.AMQPChannelError,
    pika.exceptions.StreamLostError,
    ConnectionError,
    OSError,
)


DEFAULT_HEARTBEAT_SECONDS = 30


def parameters(amqp_url: str, *, timeout: float = 5.0) -> pika.URLParameters:
    """Connection parameters; the heartbeat is `DEFAULT_HEARTBEAT_SECONDS` unless the URL sets `?heartbeat=`."""
    params = pika.URLParameters(amqp_url)
    params.socket_timeout = timeout
    params.blocked_connection_timeout = timeout * 6
    params.stack_timeout = timeout * 2
    params.connection_attempts = 1
    if "heartbeat" not in urllib.parse.parse_qs(urllib.parse.urlsplit(amqp_url).query):
        params.heartbeat = DEFAULT_HEARTBEAT_SECONDS
    return params


def connect(amqp_url: str, *, timeout: float = 5.0) -> pika.BlockingConnection:
    return pika.BlockingConnection(parameters(amqp_url, timeout=timeout))


def ping_broker(amqp_url: str) -> None:
    """Raise if the broker does not accept a connection within two seconds."""
    connect(amqp_url, timeout=2.0).close()


UNROUTED_LIMIT = 100_000


def declare_exchange(channel: BlockingChannel, exchange: str) -> None:
    """The events exchange, whose unroutable messages (no queue bound yet) are kept, not dropped.

    They land in `<exchange>.unrouted` (the newest UNROUTED_LIMIT), where an operator can see an
    event type nobody consumes, or one published before its consumer's queue was ever declared.
    """
    unrouted = f"{exchange}.unrouted"
    channel.exchange_declare(exchange=unrouted, exchange_type="fanout", durable=True)
    channel.queue_declare(queue=unrouted, durable=True,
                          arguments={"x-max-length": UNROUTED_LIMIT, "x-overflow": "drop-head"})
    channel.queue_bind(queue=unrouted, exchange=unrouted)
    channel.exchange_declare(exchange=exchange, exchange_type="topic", durable=True,
                             arguments={"alternate-exchange": unrouted})


class ConfirmingPublisher:
    """Publishes persistent messages and returns only once the broker has confirmed each one.

    The connection opens lazily and is dropped on any error, so the next call reconnects. A blocking
    connection answers the broker's heartbeats only while the caller lets pika read the socket: a caller that
    idles between publishes calls `keep_alive()` at least once per heartbeat interval, otherwise the broker
    closes the idle connection and the next publish fails.
    """

    def __init__(self, amqp_url: str, exchange: str):
        self.amqp_url = amqp_url
        self.exchange = exchange
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _ensure_channel(self) -> BlockingChannel:
        if self._channel is None or self._channel.is_closed or self._connection.is_closed:
            self.close()
            self._connection = connect(self.amqp_url)
            self._channel = self._connection.channel()
            self._channel.confirm_delivery()
            declare_exchange(self._channel, self.exchange)
        return self._channel

    def publish(self, routing_key: str, body: bytes, *, message_id: str, headers: dict | None = None,
                exchange: str | None = None) -> None:
        channel = self._ensure_channel()
        try:
            channel.basic_publish(
                exchange=self.exchange if exchange is None else exchange,
                routing_key=routing_key,
                body=body,
                properties=pika.BasicProperties(
                    content_type="application/cloudevents+json",
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=message_id,
                    headers=headers or {},
                ),
            )
        except BaseException:
            self.close()
            raise

    def keep_alive(self) -> None:
        """Exchange heartbeats on the idle connection; if the broker closed it, drop it so the next publish
        opens a new one (never an error: nothing was being published)."""
        if self._connection is None:
            return
        try:
            self._connection.process_data_events(time_limit=0)
        except CONNECTION_ERRORS as error:
            log.info("idle broker connection closed, the next publish reconnects: %s", error)
            self.close()

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            with contextlib.suppress(CONNECTION_ERRORS):
                connection.close()
