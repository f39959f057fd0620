"""`python -m <service> web|worker|relay|dead-letters|check-indexes`: the processes every service runs."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
from collections.abc import Callable

import gunicorn.util
import mongoengine
from flask import Flask
from gunicorn.app.base import BaseApplication

from chassis import db, metrics, runtime
from chassis.app import drain_limit
from chassis.backoff import DEPENDENCY_ERRORS, DependencyRetry
from chassis.index_check import check_indexes
from chassis.messaging.consumer import Subscriptions, Worker, list_dead_letters, replay_dead_letters
from chassis.messaging.relay import OutboxRelay
from chassis.problems import PROBLEM_MEDIA_TYPE, TYPE_PREFIX
from chassis.settings import ServiceSettings

AppFactory = Callable[[ServiceSettings], Flask]
log = logging.getLogger(__name__)


class _GunicornServer(BaseApplication):
    """Serve the app with gunicorn; each worker builds its own app after the fork (pymongo is not fork-safe)."""

    def __init__(self, factory: AppFactory, settings: ServiceSettings):
        self.factory = factory
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        self.cfg.set("bind", f"{self.settings.host}:{self.settings.port}")
        self.cfg.set("workers", self.settings.web_workers)
        self.cfg.set("worker_class", "gthread")
        self.cfg.set("threads", 8)
        self.cfg.set("timeout", 60)
        self.cfg.set("graceful_timeout", 10)
        self.cfg.set("keepalive", 30)  # the gateway keeps pooled connections open; fewer closed under it
        self.cfg.set("proc_name", f"rso-{self.settings.service_name}-web")
        self.cfg.set("control_socket_disable", True)  # four services on one host would share ~/.gunicorn
        self.cfg.set("pre_request", close_after_unread_body(drain_limit(self.settings)))
        self.cfg.set("post_worker_init", answer_unparsable_requests_with_problems)
        self.cfg.set("when_ready", lambda _arbiter: metrics.serve_on_port(self.settings.metrics_port,
                                                                          self.settings.host))
        self.cfg.set("child_exit", lambda _arbiter, worker: metrics.mark_worker_dead(worker.pid))

    def load(self) -> Flask:
        return self.factory(self.settings)


def close_after_unread_body(drained_bytes: int) -> Callable:
    """gunicorn `pre_request` hook: a body the app will not drain (longer than `drained_bytes`, or of
    unannounced length) would be left on a kept-alive connection, and gunicorn, unable to drain it either,
    closes the connection after a response that promised keep-alive; the client's next request on it then
    fails. Such a response says `Connection: close` instead. Shorter bodies the app left unread are
    drained by `chassis.app.DrainUnreadBody`, and their connection stays open."""

    def pre_request(worker, req) -> None:
        headers = {name.lower(): value for name, value in req.headers}
        declared = headers.get("content-length", "")
        if "chunked" in headers.get("transfer-encoding", "").lower() or (
                declared.isdigit() and int(declared) > drained_bytes):
            req.force_close()

    return pre_request


def answer_unparsable_requests_with_problems(_worker) -> None:
    """gunicorn answers a request it cannot parse (a control character in the request line or a header, an
    oversized header) itself, with an HTML page, and offers no setting for it; in each worker process, its
    page writer is replaced by one that writes a problem document, like every other error of the platform."""
    gunicorn.util.write_error = write_problem


def write_problem(sock, status: int, reason: str, message: str) -> None:
    body = json.dumps({"type": f"{TYPE_PREFIX}{reason.lower().replace(' ', '-')}", "title": reason,
                       "status": status, "detail": message}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_MEDIA_TYPE}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    gunicorn.util.write_nonblock(sock, head.encode("latin-1") + body)


def stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def run_periodically(job: Callable[[], object], *, every: float, stop: threading.Event,
                     settings: ServiceSettings) -> None:
    """Run `job` now and then every `every` seconds until `stop` is set (a scheduled job's loop process).

    A run that fails because the database or the broker does not answer is logged in one line and tried again
    soon (waiting at most `RECONNECT_MAX_BACKOFF_SECONDS`, and never longer than `every`), instead of ending the
    process or waiting a whole period. Any other error is a bug: it ends the process, which its supervisor
    starts again.
    """
    retry = DependencyRetry(log, min(settings.reconnect_max_backoff_seconds, every))
    while not stop.is_set():
        try:
            job()
        except DEPENDENCY_ERRORS as error:
            retry.failed(error, stop)
            continue
        retry.succeeded()
        stop.wait(every)


def main(service: str, factory: AppFactory, subscriptions: Subscriptions, argv: list[str] | None = None, *,
         settings_class: type[ServiceSettings] = ServiceSettings,
         extra_commands: dict[str, Callable[[ServiceSettings, argparse.Namespace], int]] | None = None,
         configure_parser: Callable[[argparse._SubParsersAction], None] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {service}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("web", help="serve the HTTP API with gunicorn")
    commands.add_parser("worker", help="consume events for this service's handlers")
    commands.add_parser("relay", help="publish events waiting in this service's outbox")
    dead = commands.add_parser("dead-letters", help="inspect or replay events that failed every attempt")
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("--handler", help="only this handler's dead letters")
    dead.add_argument("--event-id", help="only this event (replay)")
    commands.add_parser("ensure-indexes", help="create every index of this service's collections, and derive the "
                                               "indexed fields older documents lack; run before its processes start, "
                                               "so no index is first built while a transaction runs")
    commands.add_parser("check-indexes", help="compare every index of this service's database with a collection "
                                              "scan; list the differences (exit 1)")
    if configure_parser:
        configure_parser(commands)
    args = parser.parse_args(argv)
    settings = settings_class.from_env(service)

    if args.command == "web":
        metrics.prepare_multiprocess_dir()
        _GunicornServer(factory, settings).run()
        return 0
    runtime.bootstrap(settings)
    metrics.serve_on_port(settings.metrics_port, settings.host)
    if args.command == "worker":
        Worker(settings, subscriptions).run(stop_on_signals())
        return 0
    if args.command == "relay":
        OutboxRelay(settings).run(stop_on_signals())
        return 0
    if args.command == "dead-letters":
        if args.action == "list":
            for letter in list_dead_letters(settings, subscriptions, args.handler):
                print(json.dumps(letter.__dict__))
            return 0
        count = replay_dead_letters(settings, subscriptions, args.handler, args.event_id)
        print(f"replayed {count} dead letter(s)")
        return 0
    if args.command == "ensure-indexes":
        factory(settings)  # imports every document class of the service
        for document in db.document_classes(factory.__module__.split(".")[0]):
            document.ensure_indexes()
            if hasattr(document, "ensure_derived_fields"):  # an indexed field worked out from others
                document.ensure_derived_fields()
        return 0
    if args.command == "check-indexes":
        result = check_indexes(mongoengine.get_db())
        print(result.report())
        return 0 if result.consistent else 1
    return (extra_commands or {})[args.command](settings, args)


