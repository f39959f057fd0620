"""Prometheus metrics of every process, one mechanism (docs/adr/0075).

- Web processes count requests and time them by route template (the Flask URL rule, never the raw path, so
  ids do not become series) and status. Under gunicorn every worker writes its values to files in
  `PROMETHEUS_MULTIPROC_DIR` (one directory per process group, emptied when the group starts), and a scrape
  adds them up (prometheus-client's multiprocess mode).
- Loop processes (worker, relay, scheduled jobs) serve their metrics over HTTP on `METRICS_PORT` (off by
  default); a web process with `METRICS_PORT` serves the same there too, from the gunicorn master.
- The relay reports its outbox at scrape time: pending events and the age of the oldest one.

Label values are bounded: service names, handler names, route templates, status codes, reasons; a tenant's
code at most, never a person's data.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import Flask, Response, g, request
from mongoengine.connection import ConnectionFailure
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
    values,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector
from pymongo.errors import PyMongoError

log = logging.getLogger(__name__)

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE = "unmatched"  # a request no URL rule matched (404): one series, whatever the path


def _multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_DIR_VARIABLE) or os.environ.get(MULTIPROC_DIR_VARIABLE.lower())


def prepare_multiprocess_dir() -> None:
    """Before a gunicorn master forks its workers: empty the group's directory (values of a previous run
    would be added to this one's) and make metrics created from now on write there."""
    directory = _multiprocess_dir()
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)  # kept itself: it may be a mounted volume
    for leftover in path.glob("*.db"):
        leftover.unlink()
    values.ValueClass = values.get_value_class()


def mark_worker_dead(pid: int) -> None:
    """gunicorn's `child_exit`: a dead worker's live gauges no longer count."""
    if _multiprocess_dir():
        multiprocess.mark_process_dead(pid)


def scrape_registry() -> CollectorRegistry:
    """What a scrape reports: the files of every process of the group in multiprocess mode, else this
    process's own registry."""
    if not _multiprocess_dir():
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def serve_on_port(port: int, host: str) -> None:
    """Serve metrics over HTTP on a port of their own (loop processes, or a web process's master)."""
    if port:
        start_http_server(port, addr=host, registry=scrape_registry())
        log.info("serving metrics", extra={"metrics_port": port})


class Instruments:
    """Every metric the chassis defines, built on first use (after the multiprocess directory is set)."""

    def __init__(self) -> None:
        self.http_requests = Counter(
            "rso_http_requests_total", "HTTP requests answered, by route template and status",
            ["service", "method", "route", "status"])
        self.http_duration = Histogram(
            "rso_http_request_duration_seconds", "Time to answer an HTTP request, by route template",
            ["service", "method", "route"])
        self.events_consumed = Counter(
            "rso_events_consumed_total", "Events a handler took off its queue, by outcome "
            "(applied, duplicate, failed)", ["service", "handler", "outcome"])
        self.events_retried = Counter(
            "rso_events_retried_total", "Failed events sent to a retry queue", ["service", "handler"])
        self.events_dead_lettered = Counter(
            "rso_events_dead_lettered_total", "Events moved to a dead-letter queue", ["service", "handler"])
        self.event_handling = Histogram(
            "rso_event_handling_seconds", "Time a handler took for one event", ["service", "handler"])
        self.rate_limited = Counter(
            "rso_gateway_rate_limited_total", "Requests the gateway refused with 429, by kind of caller "
            "(caller: a token's subject; address: an anonymous client)", ["kind"])
        self.token_refusals = Counter(
            "rso_token_refusals_total", "Requests refused for a missing or invalid bearer token",
            ["service", "reason"])


@functools.cache
def instruments() -> Instruments:
    return Instruments()


def install_http_metrics(app: Flask, service: str, *, metrics_route: bool) -> None:
    """Count and time every request of `app`; with `metrics_route`, serve the scrape at `/metrics`."""

    @app.before_request
    def start_timer() -> None:
        g.metrics_started_at = time.perf_counter()

    @app.after_request
    def record(response: Response) -> Response:
        started = g.pop("metrics_started_at", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else UNMATCHED_ROUTE
            metrics = instruments()
            metrics.http_requests.labels(service, request.method, route, str(response.status_code)).inc()
            metrics.http_duration.labels(service, request.method, route).observe(time.perf_counter() - started)
        return response

    if metrics_route:
        app.add_url_rule("/metrics", "metrics", scrape)


def scrape() -> Response:
    return Response(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)


PendingSummary = Callable[[], tuple[int, dt.datetime | None]]


class OutboxCollector(Collector):
    """The outbox of each service whose relay runs in this process, at scrape time; a service whose database
    does not answer is left out (the scrape still succeeds, and the alert on a missing series fires)."""

    def __init__(self) -> None:
        self.services: dict[str, PendingSummary] = {}

    @staticmethod
    def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily]:
        return (GaugeMetricFamily("rso_outbox_pending_events", "Events stored but not yet published",
                                  labels=["service"]),
                GaugeMetricFamily("rso_outbox_oldest_pending_age_seconds",
                                  "Age of the oldest unpublished event (0 when none waits)", labels=["service"]))

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The names, for registration, without asking the database."""
        yield from self._families()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pending, age = self._families()
        for service, summary in list(self.services.items()):
            try:
                count, oldest = summary()
            except (PyMongoError, ConnectionFailure) as error:
                log.warning("outbox metrics unavailable",
                            extra={"service": service, "error": f"{type(error).__name__}: {error}"[:300]})
                continue
            pending.add_metric([service], count)
            seconds = (dt.datetime.now(dt.UTC) - oldest.replace(tzinfo=dt.UTC)).total_seconds() if oldest else 0.0
            age.add_metric([service], max(seconds, 0.0))
        yield pending
        yield age


outbox_collector = OutboxCollector()
REGISTRY.register(outbox_collector)


def register_outbox_collector(service: str, pending: PendingSummary) -> None:
    """Report `service`'s outbox in this (relay) process's scrapes."""
    outbox_collector.services[service] = pending
