"""pika connections: parameters with sane timeouts, a confirming publisher, a broker ping."""

from __future__ import annotations

import contextlib

import pika
from pika.adapters.blocking_connection import BlockingChannel

CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    pika.exceptions.AMQPConnectionError,
    pika.exceptions.AMQPChannelError,
    pika.exceptions.StreamLostError,
    ConnectionError,
    OSError,
)


def parameters(amqp_url: str, *, timeout: float = 5.0, heartbeat: int = 30) -> pika.URLParameters:
    params = pika.URLParameters(amqp_url)
    params.socket_timeout = timeout
    params.blocked_connection_timeout = timeout * 6
    params.stack_timeout = timeout * 2
    params.connection_attempts = 1
    params.heartbeat = heartbeat
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

    The connection opens lazily and is dropped on any error, so the next call reconnects.
    """

    def __init__(self, amqp_url: str, exchange: str):
        self.amqp_url = amqp_url
        self.exchange = exchange
        self._connection: pika.BlockingConnection | None = None
        self._channel: BlockingChannel | None = None

    def _ensure_channel(self) -> BlockingChannel:
        if self._channel is None or self._channel.is_closed:
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

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            with contextlib.suppress(CONNECTION_ERRORS):
                connection.close()
