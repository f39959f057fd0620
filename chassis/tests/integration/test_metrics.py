"""Prometheus metrics (docs/adr/0075): what a scrape of each kind of process shows after real requests and
events."""

import os
import subprocess
import sys
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from chassis import metrics
from chassis.messaging.consumer import Worker
from chassis.messaging.relay import OutboxRelay
from chassis.testing.events import envelope, purge_queue, running, wait_until
from chassis.testing.infrastructure import free_port
from chassis.tests import sample_service
from chassis.tests.integration.test_messaging import create_note, publish, tally

pytestmark = pytest.mark.integration


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(text: str, name: str, **labels) -> float:
    return samples(text).get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def settings(app, make_settings):
    return make_settings(sample_service.SERVICE)


@pytest.fixture(scope="module")
def metrics_url():
    """A loop process's metrics port, as `METRICS_PORT` opens it."""
    port = free_port()
    metrics.serve_on_port(port, "127.0.0.1")
    return f"http://127.0.0.1:{port}/metrics"


def scrape_port(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_requests_are_counted_and_timed_by_route_template_and_status(client, auth_headers):
    before = client.get("/metrics").get_data(as_text=True)
    created = create_note(client, auth_headers)
    note_id = created.get_json()["id"]
    assert client.get(f"/notes/{note_id}", headers=auth_headers(tenant="THA")).status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    after = response.get_data(as_text=True)

    def grew(name, **labels):
        return value(after, name, service="sample", **labels) - value(before, name, service="sample", **labels)

    assert grew("rso_http_requests_total", method="POST", route="/notes", status="201") == 1
    assert grew("rso_http_requests_total", method="GET", route="/notes/<note_id>", status="200") == 1
    assert grew("rso_http_request_duration_seconds_count", method="GET", route="/notes/<note_id>") == 1
    assert note_id not in after  # the route template, never the raw path


def test_unmatched_paths_share_one_series_and_token_refusals_are_counted(client, auth_headers):
    before = client.get("/metrics").get_data(as_text=True)
    assert client.get("/no/such/path-123").status_code == 404
    assert client.get("/notes/abc").status_code == 401
    assert client.get("/notes/abc", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    after = client.get("/metrics").get_data(as_text=True)
    assert "path-123" not in after
    assert (value(after, "rso_http_requests_total", service="sample", method="GET", route="unmatched", status="404")
            - value(before, "rso_http_requests_total", service="sample", method="GET", route="unmatched",
                    status="404")) == 1
    for reason in ("missing_token", "invalid_token"):
        assert (value(after, "rso_token_refusals_total", service="sample", reason=reason)
                - value(before, "rso_token_refusals_total", service="sample", reason=reason)) == 1


def test_a_worker_counts_events_applied_duplicate_retried_and_dead_lettered(settings, metrics_url):
    sample_service.failing_handler_switch["fail"] = True
    before = scrape_port(metrics_url)
    note_event = envelope("sample.note.created", {"note_id": "m1"}, tenant="METRICS")
    flagged = envelope("sample.note.flagged", {"note_id": "m2"}, tenant="METRICS")
    with running(Worker(settings, sample_service.subscriptions)):
        publish(settings, note_event)
        wait_until(lambda: tally("METRICS") == 1, message="the event applied")
        publish(settings, note_event)
        publish(settings, flagged)
        wait_until(lambda: value(scrape_port(metrics_url), "rso_events_dead_lettered_total", service="sample",
                                 handler="flag_note") > value(before, "rso_events_dead_lettered_total",
                                                              service="sample", handler="flag_note"),
                   message="the failing event dead-lettered")
        wait_until(lambda: value(scrape_port(metrics_url), "rso_events_consumed_total", service="sample",
                                 handler="count_notes", outcome="duplicate") > value(
                       before, "rso_events_consumed_total", service="sample", handler="count_notes",
                       outcome="duplicate"), message="the duplicate seen")
    after = scrape_port(metrics_url)

    def grew(name, **labels):
        return value(after, name, service="sample", **labels) - value(before, name, service="sample", **labels)

    assert grew("rso_events_consumed_total", handler="count_notes", outcome="applied") == 1
    assert grew("rso_events_consumed_total", handler="count_notes", outcome="duplicate") == 1
    assert grew("rso_event_handling_seconds_count", handler="count_notes") == 2
    assert grew("rso_events_consumed_total", handler="flag_note", outcome="failed") == settings.consumer_max_attempts
    assert grew("rso_events_retried_total", handler="flag_note") == settings.consumer_max_attempts - 1
    assert grew("rso_events_dead_lettered_total", handler="flag_note") == 1
    purge_queue(settings.amqp_url, "sample.flag_note.dead")


def test_a_relay_reports_its_pending_events_and_the_oldest_ones_age(client, auth_headers, settings, make_settings,
                                                                     metrics_url):
    dead_broker = make_settings(sample_service.SERVICE, amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")
    assert create_note(client, auth_headers).status_code == 201
    with running(OutboxRelay(dead_broker)):
        wait_until(lambda: value(scrape_port(metrics_url), "rso_outbox_pending_events", service="sample") == 1,
                   message="the relay reporting its outbox")
        waiting = scrape_port(metrics_url)
    assert value(waiting, "rso_outbox_pending_events", service="sample") == 1
    assert value(waiting, "rso_outbox_oldest_pending_age_seconds", service="sample") > 0

    with running(OutboxRelay(settings)):
        wait_until(lambda: value(scrape_port(metrics_url), "rso_outbox_pending_events", service="sample") == 0,
                   message="the outbox drained")
    assert value(scrape_port(metrics_url), "rso_outbox_oldest_pending_age_seconds", service="sample") == 0


SAMPLE_WEB = ("from chassis.cli import main; from chassis.tests import sample_service as s; "
              "main(s.SERVICE, s.create_app, s.subscriptions, ['web'])")


def test_a_gunicorn_group_reports_all_its_workers_at_metrics_and_on_its_metrics_port(
        rso_mongodb_uri, rso_amqp_url, tmp_path):
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_99999.db").write_bytes(b"a previous run's values")
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(port), "METRICS_PORT": str(metrics_port), "WEB_WORKERS": "2",
           "PROMETHEUS_MULTIPROC_DIR": str(directory), "MONGODB_URI": rso_mongodb_uri, "AMQP_URL": rso_amqp_url,
           "LOG_LEVEL": "WARNING"}
    web = subprocess.Popen([sys.executable, "-c", SAMPLE_WEB], env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: _answers(f"http://127.0.0.1:{port}/health/live"), timeout=60, message="gunicorn up")
        assert not (directory / "counter_99999.db").exists()  # emptied at start
        for _ in range(40):  # each on a connection of its own: either worker may take it
            assert _answers(f"http://127.0.0.1:{port}/health/live")
        for url in (f"http://127.0.0.1:{port}/metrics", f"http://127.0.0.1:{metrics_port}/metrics"):
            live = value(scrape_port(url), "rso_http_requests_total", service="sample", method="GET",
                         route="/health/live", status="200")
            assert live == 41, url  # every worker's requests, the waiting one included
    finally:
        web.terminate()
        web.wait(30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_a_request_refused_before_its_view_is_counted_too(client, auth_headers):
    before = client.get("/metrics").get_data(as_text=True)
    refused = client.post("/notes", data="title=n", content_type="application/x-www-form-urlencoded",
                          headers=auth_headers(tenant="THA", roles=["case_officer"]))
    assert refused.status_code == 415
    after = client.get("/metrics").get_data(as_text=True)
    labels = {"service": "sample", "method": "POST", "route": "/notes", "status": "415"}
    assert value(after, "rso_http_requests_total", **labels) - value(before, "rso_http_requests_total", **labels) == 1
