"""Loop processes and probes through a broker outage: back within the configured back-off once it answers,
idle connections kept alive by heartbeats, and one concise log line instead of a traceback per attempt.

The outage is local to each test: its processes reach the shared RabbitMQ through a TCP proxy that the test
cuts and restores (chassis.testing.faults), so no other test or agent sees the broker go away.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse

import pymongo
import pytest
from pymongo.uri_parser import parse_uri

from chassis import db
from chassis.messaging.connection import ConfirmingPublisher
from chassis.messaging.consumer import Worker, list_dead_letters
from chassis.messaging.outbox import OutboxMessage
from chassis.messaging.relay import OutboxRelay
from chassis.testing.events import envelope, running, wait_until
from chassis.testing.faults import TcpProxy
from chassis.testing.infrastructure import free_port, rabbitmqctl
from chassis.tests import sample_service
from chassis.tests.sample_service import Tally

pytestmark = pytest.mark.integration

MAX_BACKOFF = 0.3  # above the test settings' relay poll (0.05 s), far below the 10 s back-off this replaced


@pytest.fixture
def settings(app, make_settings):
    return make_settings(sample_service.SERVICE)


def through(proxy: TcpProxy, amqp_url: str, **query: str) -> str:
    parts = urllib.parse.urlsplit(amqp_url)
    netloc = f"{parts.netloc.rpartition('@')[0]}@127.0.0.1:{proxy.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc, query=urllib.parse.urlencode(query)))


def broker_address(amqp_url: str) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(amqp_url)
    return parts.hostname or "127.0.0.1", parts.port or 5672


class RecordingStop(threading.Event):
    """A loop process's stop event that remembers every wait the process made on it."""

    def __init__(self):
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout=None):
        self.waits.append(timeout)
        return super().wait(timeout)


class Records(logging.Handler):
    """Every log record of this process from the moment it is attached (the app's setup replaces the root's
    handlers, so pytest's caplog would miss them)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> Records:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *_exc) -> None:
        logging.getLogger().removeHandler(self)

    def at_least(self, level: int) -> list[str]:
        return [f"{r.levelname} {r.name}: {r.getMessage()}" for r in self.records if r.levelno >= level]


def create_note(client, auth_headers, tenant: str) -> None:
    response = client.post("/notes", json={"title": "n"}, headers=auth_headers(tenant=tenant, roles=["case_officer"]))
    assert response.status_code == 201, response.get_json()


def publish(settings, event: dict) -> None:
    publisher = ConfirmingPublisher(settings.amqp_url, settings.events_exchange)
    publisher.publish(event["type"], json.dumps(event).encode(), message_id=event["id"])
    publisher.close()


def tally(tenant: str) -> int:
    record = Tally.objects(id=tenant).first()
    return record.count if record else 0


def test_relay_and_worker_retry_within_the_configured_backoff_and_resume_when_the_broker_answers(
        client, auth_headers, settings, make_settings):
    with TcpProxy(broker_address(settings.amqp_url)) as proxy:
        proxied = make_settings(sample_service.SERVICE, amqp_url=through(proxy, settings.amqp_url),
                                reconnect_max_backoff_seconds=MAX_BACKOFF)
        worker_stop, relay_stop = RecordingStop(), RecordingStop()
        with running(Worker(proxied, sample_service.subscriptions), worker_stop), \
                running(OutboxRelay(proxied), relay_stop):
            proxy.cut()
            create_note(client, auth_headers, "NZL")  # waits in the outbox while the broker is away
            attempts_before = proxy.accepted
            wait_until(lambda: proxy.accepted >= attempts_before + 10, timeout=60,
                       message="the relay and the worker to keep trying while the broker is away")
            assert tally("NZL") == 0
            proxy.restore()
            wait_until(lambda: tally("NZL") == 1, timeout=30, message="the event after the broker came back")
    assert max(worker_stop.waits) <= MAX_BACKOFF, worker_stop.waits
    assert max(relay_stop.waits) <= MAX_BACKOFF, relay_stop.waits


def test_a_worker_keeps_an_event_while_the_database_is_away_and_applies_it_once_it_is_back(
        settings, make_settings):
    """No attempt is spent on an outage: with the database away for longer than every retry of the event, it is
    not dead-lettered but applied once the database answers again."""
    consumer_log = logging.getLogger("chassis.messaging.consumer")
    with TcpProxy(parse_uri(settings.mongodb_uri)["nodelist"][0]) as database, Records() as logs:
        proxied = make_settings(sample_service.SERVICE, mongodb_uri=f"mongodb://127.0.0.1:{database.port}/"
                                "?directConnection=true", mongodb_timeout_ms=300,
                                reconnect_max_backoff_seconds=MAX_BACKOFF)
        db.connect(proxied)  # this process's database connection, the worker's included, goes through the proxy
        consumer_log.setLevel(logging.DEBUG)  # every failed attempt, not only the first
        try:
            with running(Worker(proxied, sample_service.subscriptions)):
                database.cut()
                publish(settings, envelope("sample.note.created", {"note_id": "w1"}, tenant="WSM"))
                wait_until(lambda: len(failed_attempts(logs)) > settings.consumer_max_attempts
                           or list_dead_letters(settings, sample_service.subscriptions), timeout=60, interval=0.5,
                           message="the worker to fail on the event more often than an event may fail")
                assert list_dead_letters(settings, sample_service.subscriptions) == []
                database.restore()
                wait_until(lambda: direct_tally(settings, "WSM") == 1, timeout=30,
                           message="the event once the database is back")
        finally:
            consumer_log.setLevel(logging.NOTSET)
            db.connect(settings)
    assert list_dead_letters(settings, sample_service.subscriptions) == []
    assert [r.getMessage() for r in logs.records if r.levelno >= logging.WARNING] == [failed_attempts(logs)[0]]


def test_a_relay_woken_by_the_outbox_watches_it_again_after_the_database_was_away(
        client, auth_headers, settings, make_settings):
    """The relay polls only every hour here: an event stored after the outage goes out because the relay opened
    its change stream again, not because it polled."""
    with TcpProxy(parse_uri(settings.mongodb_uri)["nodelist"][0]) as database:
        proxied = make_settings(sample_service.SERVICE, mongodb_uri=f"mongodb://127.0.0.1:{database.port}/"
                                "?directConnection=true", mongodb_timeout_ms=300,
                                reconnect_max_backoff_seconds=MAX_BACKOFF, relay_poll_seconds=3600.0)
        db.connect(proxied)
        try:
            relay = OutboxRelay(proxied)
            with running(Worker(settings, sample_service.subscriptions)), running(relay):
                create_note(client, auth_headers, "TON")
                wait_until(lambda: direct_tally(settings, "TON") == 1, message="the event before the outage")
                database.cut()
                accepted = database.accepted
                wait_until(lambda: database.accepted > accepted + 2, timeout=60,
                           message="the relay to try the database again while it is away")
                database.restore()
                wait_until(lambda: answers(db.ping) and relay.wakeups.watching, timeout=30,
                           message="the database back and the relay watching the outbox again")
                create_note(client, auth_headers, "TON")
                wait_until(lambda: direct_tally(settings, "TON") == 2, timeout=30,
                           message="the event stored after the outage, without a poll")
        finally:
            db.connect(settings)


def answers(ping) -> bool:
    try:
        ping()
        return True
    except pymongo.errors.PyMongoError:
        return False


def direct_tally(settings, tenant: str) -> int:
    """The tally read past the proxy (the test's own connection goes through it)."""
    with pymongo.MongoClient(settings.mongodb_uri) as client:
        record = client[settings.mongodb_database][Tally._meta["collection"]].find_one({"_id": tenant})
    return record["count"] if record else 0


def failed_attempts(logs: Records) -> list[str]:
    """The worker's log lines about a failed attempt to apply the event (a retry, a dead letter, an outage)."""
    return [record.getMessage() for record in logs.records if record.name == "chassis.messaging.consumer"
            and record.levelno >= logging.DEBUG and record.getMessage() != "consuming"]


def negotiated_heartbeats(amqp_url: str) -> list[str]:
    """The heartbeat of each connection to the vhost of `amqp_url` (list_connections lists every vhost's)."""
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(amqp_url).path.lstrip("/"))
    listing = rabbitmqctl("list_connections", "vhost", "timeout", "--no-table-headers")
    rows = (line.rsplit(None, 1) for line in listing.splitlines() if line.strip())
    return [timeout for name, timeout in rows if name == vhost]


def test_an_idle_relay_keeps_its_connection_past_the_heartbeat_and_publishes_on_it_without_an_error(
        client, auth_headers, settings, make_settings):
    heartbeat = 1
    with TcpProxy(broker_address(settings.amqp_url)) as proxy, Records() as logs:
        proxied = make_settings(sample_service.SERVICE, amqp_url=through(proxy, settings.amqp_url,
                                                                          heartbeat=str(heartbeat)))
        with running(OutboxRelay(proxied)):
            create_note(client, auth_headers, "FJI")
            wait_until(lambda: OutboxMessage.objects(published_at=None).count() == 0, message="the first event")
            assert negotiated_heartbeats(settings.amqp_url) == [str(heartbeat)]
            time.sleep(heartbeat * 4)  # idle: RabbitMQ closes a connection that misses two heartbeats
            create_note(client, auth_headers, "FJI")
            wait_until(lambda: OutboxMessage.objects(published_at=None).count() == 0, message="the second event")
    assert logs.at_least(logging.WARNING) == []
    assert proxy.accepted == 1, "both events went out on the relay's one connection"


def test_readiness_during_a_broker_outage_logs_one_warning_naming_it_and_no_traceback(make_app):
    app = make_app(sample_service.create_app, sample_service.SERVICE,
                   amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")
    with Records() as logs:
        for _ in range(3):
            response = app.test_client().get("/health/ready")
            assert response.status_code == 503 and response.get_json()["failing"] == ["broker"]
    assert logs.at_least(logging.ERROR) == []
    assert not [record for record in logs.records if record.exc_info]
    warnings = logs.at_least(logging.WARNING)
    assert len(warnings) == 1 and "broker" in warnings[0], warnings
