"""Events are never lost and never applied twice: outbox + relay, inbox, retries, dead letters, reconnects."""

import datetime as dt
import json
import subprocess
import urllib.parse

import pika
import pytest

from chassis import context
from chassis.messaging.connection import ConfirmingPublisher, declare_exchange
from chassis.messaging.consumer import Worker, list_dead_letters, replay_dead_letters
from chassis.messaging.outbox import OutboxMessage, OutsideTransaction, claim, emit
from chassis.messaging.relay import OutboxRelay
from chassis.testing.events import deliver, emitted, envelope, purge_queue, running, wait_until
from chassis.testing.infrastructure import free_port
from chassis.tests import sample_service
from chassis.tests.sample_service import Note, Tally

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(app, make_settings):
    return make_settings(sample_service.SERVICE)


def create_note(client, auth_headers, title="n", tenant="THA", **extra):
    response = client.post("/notes", json={"title": title, **extra},
                           headers=auth_headers(tenant=tenant, roles=["case_officer"]))
    return response


def tally(tenant: str) -> int:
    record = Tally.objects(id=tenant).first()
    return record.count if record else 0


def publish(settings, event_envelope: dict) -> None:
    publisher = ConfirmingPublisher(settings.amqp_url, settings.events_exchange)
    publisher.publish(event_envelope["type"], json.dumps(event_envelope).encode(), message_id=event_envelope["id"])
    publisher.close()


def test_state_change_and_event_commit_together(client, auth_headers):
    created = create_note(client, auth_headers, title="first")
    assert created.status_code == 201
    [event] = emitted("sample.note.created")
    assert event["data"]["note_id"] == created.get_json()["id"]
    assert event["tenantid"] == "THA"
    assert event["specversion"] == "1.0" and event["source"] == "sample"
    assert event["correlationid"] == created.headers["X-Request-ID"]


def test_a_failed_request_leaves_neither_state_nor_event(client, auth_headers):
    assert create_note(client, auth_headers, fail_after_write=True).status_code == 500
    assert Note.across_tenants("test").count() == 0
    assert emitted() == []


def test_emitting_outside_a_transaction_is_refused(app):
    with pytest.raises(OutsideTransaction):
        emit("sample.note.created", {})


def test_broker_down_request_succeeds_event_waits_then_is_delivered(client, auth_headers, settings, make_settings):
    dead_broker = make_settings(sample_service.SERVICE, amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")
    with running(OutboxRelay(dead_broker)):
        assert create_note(client, auth_headers).status_code == 201
        wait_until(lambda: OutboxMessage.objects.count() == 1, message="event stored")
    assert OutboxMessage.objects(published_at=None).count() == 1  # still waiting

    with running(Worker(settings, sample_service.subscriptions)), running(OutboxRelay(settings)):
        wait_until(lambda: tally("THA") == 1, message="the event to reach the handler")
        wait_until(lambda: OutboxMessage.objects(published_at=None).count() == 0, message="outbox drained")


HOUR = 3600.0  # a relay poll interval far beyond every wait of these tests: only its wake-up can be in time


def test_an_event_is_published_when_its_transaction_commits_although_the_relay_polls_every_hour(
        client, auth_headers, make_settings):
    slow_poll = make_settings(sample_service.SERVICE, relay_poll_seconds=HOUR)
    with running(Worker(slow_poll, sample_service.subscriptions)), running(OutboxRelay(slow_poll)):
        assert create_note(client, auth_headers, tenant="KHM").status_code == 201
        wait_until(lambda: tally("KHM") == 1, message="the first event")
        for count in (2, 3):  # the relay now waits for a wake-up: each event must bring one
            assert create_note(client, auth_headers, tenant="KHM").status_code == 201
            wait_until(lambda count=count: tally("KHM") == count, message=f"event {count} without a poll")
    assert OutboxMessage.objects(published_at=None).count() == 0


def test_events_stored_while_no_relay_runs_go_out_when_one_starts(
        client, auth_headers, make_settings):
    slow_poll = make_settings(sample_service.SERVICE, relay_poll_seconds=HOUR)
    with running(Worker(slow_poll, sample_service.subscriptions)):
        with running(OutboxRelay(slow_poll)):
            assert create_note(client, auth_headers, tenant="LAO").status_code == 201
            wait_until(lambda: tally("LAO") == 1, message="the first event")
        for _ in range(2):  # the relay is gone (killed): nothing wakes, the events wait in the outbox
            assert create_note(client, auth_headers, tenant="LAO").status_code == 201
        assert OutboxMessage.objects(published_at=None).count() == 2
        with running(OutboxRelay(slow_poll)):
            wait_until(lambda: tally("LAO") == 3, message="the events stored while no relay ran")
            assert create_note(client, auth_headers, tenant="LAO").status_code == 201
            wait_until(lambda: tally("LAO") == 4, message="an event after the new relay started")
    assert tally("LAO") == 4


def test_a_redelivered_event_changes_state_once(settings, app):
    event = envelope("sample.note.created", {"note_id": "n1"}, tenant="IDN")
    sentinel = envelope("sample.note.created", {"note_id": "last"}, tenant="SENTINEL")
    with running(Worker(settings, sample_service.subscriptions)):
        publish(settings, event)
        publish(settings, event)
        wait_until(lambda: tally("IDN") >= 1, message="first delivery")
        publish(settings, event)
        publish(settings, sentinel)
        # One consumer takes its queue in order: once the sentinel is applied, every copy before it was handled.
        wait_until(lambda: tally("SENTINEL") == 1, message="the sentinel after the duplicates")
    assert tally("IDN") == 1


def test_in_process_delivery_is_idempotent_too(app):
    event = envelope("sample.note.created", {"note_id": "n2"}, tenant="MYS")
    assert deliver(sample_service.subscriptions, event) == ["count_notes"]
    assert deliver(sample_service.subscriptions, event) == []
    assert tally("MYS") == 1


def test_a_failing_handler_ends_in_the_dead_letter_queue_and_replay_works(settings, app):
    sample_service.failing_handler_switch["fail"] = True
    event = envelope("sample.note.flagged", {"note_id": "n3"}, tenant="PHL")
    try:
        with running(Worker(settings, sample_service.subscriptions)):
            publish(settings, event)
            letters = wait_until(lambda: list_dead_letters(settings, sample_service.subscriptions, "flag_note"),
                                 message="the event to be dead-lettered")
        [letter] = letters
        assert letter.event_id == event["id"]
        assert letter.attempts == settings.consumer_max_attempts
        assert "this handler is broken" in letter.error
        assert tally("flagged:PHL") == 0

        sample_service.failing_handler_switch["fail"] = False
        assert replay_dead_letters(settings, sample_service.subscriptions, "flag_note") == 1
        with running(Worker(settings, sample_service.subscriptions)):
            wait_until(lambda: tally("flagged:PHL") == 1, message="the replayed event to be applied")
        assert list_dead_letters(settings, sample_service.subscriptions) == []
    finally:
        sample_service.failing_handler_switch["fail"] = True


def test_worker_and_relay_survive_the_broker_dropping_every_connection(client, auth_headers, settings):
    with running(Worker(settings, sample_service.subscriptions)), running(OutboxRelay(settings)):
        assert create_note(client, auth_headers, tenant="AUS").status_code == 201
        wait_until(lambda: tally("AUS") == 1, message="first event")
        _close_all_connections(settings)
        assert create_note(client, auth_headers, tenant="AUS").status_code == 201
        wait_until(lambda: tally("AUS") == 2, timeout=30, message="event after the broker dropped connections")
    assert tally("AUS") == 2


def test_events_carry_causation_from_the_event_being_handled(app):
    cause = envelope("sample.note.created", {"note_id": "n4"}, tenant="THA")
    from chassis import db

    with context.bound(tenant="THA", correlation_id=cause["correlationid"], causation_id=cause["id"]):
        effect = db.transaction(lambda: emit("sample.note.checked", {"note_id": "n4"}))
    assert effect["causationid"] == cause["id"]
    assert effect["correlationid"] == cause["correlationid"]


def _close_all_connections(settings) -> None:
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(settings.amqp_url).path.lstrip("/"))
    subprocess.run(["rabbitmqctl", "-q", "close_all_connections", "-p", vhost, "test: broker restart"],
                   check=True, capture_output=True, timeout=60)


def test_an_event_no_queue_is_bound_for_yet_is_kept_not_dropped(settings, app):
    before = _message_count(settings, "rso.events.unrouted")
    publish(settings, envelope("sample.note.archived", {"note_id": "n5"}, tenant="THA"))
    assert _message_count(settings, "rso.events.unrouted") == before + 1


def _message_count(settings, queue: str) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    try:
        return connection.channel().queue_declare(queue=queue, passive=True).method.message_count
    finally:
        connection.close()


def test_a_malformed_message_is_dead_lettered_without_retries(settings, app):
    with running(Worker(settings, sample_service.subscriptions)):
        publisher = ConfirmingPublisher(settings.amqp_url, settings.events_exchange)
        publisher.publish("sample.note.created", b"{not an event", message_id="junk-1")
        publisher.close()
        [letter] = wait_until(lambda: list_dead_letters(settings, sample_service.subscriptions, "count_notes"),
                              message="the malformed message to be dead-lettered")
    assert letter.attempts == 1
    assert letter.error.startswith("malformed event")
    purge_queue(settings.amqp_url, "sample.count_notes.dead")


def _published_ids(settings, queue: str) -> list[str]:
    """The message ids waiting in `queue`, taken off it."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    try:
        channel, ids = connection.channel(), []
        while (message := channel.basic_get(queue, auto_ack=True))[0] is not None:
            ids.append(message[1].message_id)
        return ids
    finally:
        connection.close()


def test_two_relays_woken_by_the_same_commits_publish_each_event_once(client, auth_headers, settings):
    """Every replica of a relay is woken by every commit; each claims what it publishes (`outbox.claim`)."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    channel = connection.channel()
    declare_exchange(channel, settings.events_exchange)
    queue = channel.queue_declare(queue="test.two-relays").method.queue
    channel.queue_bind(queue, settings.events_exchange, routing_key="sample.note.created")
    connection.close()
    try:
        with running(OutboxRelay(settings)), running(OutboxRelay(settings)):
            for _ in range(40):
                assert create_note(client, auth_headers, tenant="MNG").status_code == 201
            wait_until(lambda: OutboxMessage.objects(published_at=None).count() == 0, message="outbox drained")
        published = _published_ids(settings, queue)
        assert sorted(published) == sorted(message.id for message in OutboxMessage.objects)
    finally:
        connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
        connection.channel().queue_delete(queue)
        connection.close()


def test_events_a_stopped_relay_claimed_go_out_once_its_claim_ends(client, auth_headers, settings):
    for _ in range(2):
        assert create_note(client, auth_headers, tenant="BTN").status_code == 201
    held = claim(10, dt.timedelta(seconds=1))  # the relay then stops before publishing them
    assert len(held) == 2 and claim(10, dt.timedelta(hours=1)) == []  # nobody else may take them meanwhile
    with running(Worker(settings, sample_service.subscriptions)), running(OutboxRelay(settings)):
        wait_until(lambda: tally("BTN") == 2, message="the claimed events, once the claim ended")
