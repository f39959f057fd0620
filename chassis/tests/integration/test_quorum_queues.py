"""CONSUMER_QUORUM_QUEUES (docs/adr/0077): every queue of a handler is a quorum queue, and events still flow
through it, its retry queues and its dead-letter queue, on the local RabbitMQ in this run's own vhost."""

import urllib.parse

import pytest

from chassis.messaging.consumer import Subscriptions, Worker, list_dead_letters
from chassis.messaging.contracts import Reads
from chassis.testing.events import envelope, running, wait_until
from chassis.testing.infrastructure import rabbitmqctl
from chassis.tests import sample_service
from chassis.tests.integration.test_messaging import publish, tally

pytestmark = pytest.mark.integration

# Queues of a service name no other test uses: a queue's type cannot change once it exists.
quorum_subscriptions = Subscriptions("quorum-sample")
quorum_subscriptions.on("sample.note.created", reads=Reads, name="count_notes")(sample_service.count_notes)
quorum_subscriptions.on("sample.note.flagged", reads=Reads, name="flag_note")(sample_service.flag_note)


def queue_types(settings) -> dict[str, str]:
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(settings.amqp_url).path[1:])
    listing = rabbitmqctl("list_queues", "-p", vhost, "name", "type", "--no-table-headers")
    return dict(line.split() for line in listing.splitlines() if line.startswith("quorum-sample."))


def test_handler_queues_are_quorum_queues_and_events_flow_through_them(app, make_settings):
    settings = make_settings(sample_service.SERVICE, consumer_quorum_queues=True)
    sample_service.failing_handler_switch["fail"] = True
    created = envelope("sample.note.created", {"note_id": "q1"}, tenant="QUORUM")
    flagged = envelope("sample.note.flagged", {"note_id": "q2"}, tenant="QUORUM")
    with running(Worker(settings, quorum_subscriptions)):
        publish(settings, created)
        publish(settings, flagged)
        wait_until(lambda: tally("QUORUM") == 1, message="the event applied through a quorum queue")
        [letter] = wait_until(lambda: list_dead_letters(settings, quorum_subscriptions, "flag_note"),
                              message="the failing event through the retry queues into the dead-letter queue")
    assert letter.event_id == flagged["id"] and letter.attempts == settings.consumer_max_attempts

    types = queue_types(settings)
    expected = {"quorum-sample.count_notes", "quorum-sample.count_notes.dead", "quorum-sample.flag_note.dead",
                *(f"quorum-sample.flag_note.retry.{delay}ms" for delay in settings.consumer_retry_delays_ms)}
    assert expected <= set(types)
    assert set(types.values()) == {"quorum"}


def test_classic_queues_by_default(make_settings):
    assert make_settings(sample_service.SERVICE).consumer_quorum_queues is False
