"""The running platform the end-to-end and browser layers share: starting every process takes a while, so the
modules that only use the platform run against one set of processes; the modules that kill or stop parts of it,
or that count everything in it, start their own (they set `OWN_PLATFORM = True`)."""

import contextlib
import os

import pytest

from chassis.testing.infrastructure import rabbitmq_vhost
from chassis.testing.otlp import OtlpReceiver
from gateway.settings import GatewaySettings
from infra import devstack
from infra.platform import WEB_SERVICES, Platform, free_ports

ACCESS_TOKEN_LIFETIME_SECONDS = GatewaySettings.access_token_lifetime_seconds


def tracing_environment(receiver: OtlpReceiver) -> dict[str, str]:
    """Every process exports its spans to the in-test receiver, but only of the traces a caller asked for (a
    sampled `traceparent`): no request without one starts a trace (sample ratio 0), so the other tests pay for
    no span (chassis.tracing)."""
    return {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_TRACES_SAMPLER_ARG": "0",
            "OTEL_BSP_SCHEDULE_DELAY": "200"}


@pytest.fixture(scope="session")
def otlp_receiver():
    receiver = OtlpReceiver()
    yield receiver
    receiver.close()


@contextlib.contextmanager
def running_platform(name: str, mongodb_uri: str, run_id: str, log_dir, receiver: OtlpReceiver):
    """Every Procfile process against databases and a vhost of its own, exporting traces to `receiver`; at the
    end, no event may wait in a retry or dead-letter queue (a handler failed on it), and every index of every
    service database finds exactly what a collection scan finds."""
    with rabbitmq_vhost(f"rso-test-{run_id}-{name}") as amqp_url:
        ports = dict(zip(WEB_SERVICES, free_ports(len(WEB_SERVICES)), strict=True))
        environ = {key: value for key, value in os.environ.items() if key != "MONGODB_DATABASE"}
        environ.update(MONGODB_URI=mongodb_uri, AMQP_URL=amqp_url, DATABASE_PREFIX=f"rso_test_{run_id}_{name}_",
                       # the portal renews a person's access token before every API call, so that every browser
                       # test also exercises the silent refresh (and its rotation of refresh tokens)
                       REFRESH_MARGIN_SECONDS=str(ACCESS_TOKEN_LIFETIME_SECONDS + 1),
                       # the loopback SMTP server (Procfile process `mail`) of this platform only
                       SMTP_PORT=str(free_ports(1)[0]), MAIL_STORE=str(log_dir / "mail"),
                       # the webhook receivers of the tests listen on loopback (docs/adr/0082)
                       WEBHOOK_ALLOW_LOCAL="true", **tracing_environment(receiver))
        running = Platform(devstack.process_environment(ports, environ), ports, log_dir)
        try:
            running.start_all()
            yield running
            assert_nothing_failed(running)
            inconsistent = [check.report() for check in devstack.service_index_checks(mongodb_uri, environ)
                            if not check.consistent]
            assert not inconsistent, "indexes that disagree with a collection scan:\n" + "\n".join(inconsistent)
        finally:
            running.stop_all()


def assert_nothing_failed(running: Platform) -> None:
    failed = running.failed_events()
    assert not failed, f"events some handler failed on (retry or dead-letter queues): {failed}"


@pytest.fixture(scope="session")
def shared_platform(rso_mongodb_uri, rso_run_id, tmp_path_factory, otlp_receiver):
    with running_platform("shared", rso_mongodb_uri, rso_run_id, tmp_path_factory.mktemp("shared"),
                          otlp_receiver) as running:
        yield running


@pytest.fixture(scope="module")
def platform(request, rso_mongodb_uri, rso_run_id, tmp_path_factory, otlp_receiver):
    """The shared platform, or one of the module's own if it sets `OWN_PLATFORM = True`."""
    if not getattr(request.module, "OWN_PLATFORM", False):
        running = request.getfixturevalue("shared_platform")
        yield running
        assert_nothing_failed(running)
        return
    name = request.module.__name__.rpartition(".")[2]
    with running_platform(name, rso_mongodb_uri, rso_run_id, tmp_path_factory.mktemp(name), otlp_receiver) as running:
        yield running


def pytest_collection_modifyitems(items):
    """The tests on the shared platform run last, after the modules with processes of their own have stopped
    them, so that the shared platform's idle processes never slow theirs down (a stable sort: nothing else moves)."""

    def on_the_shared_platform(item) -> bool:
        return "platform" in getattr(item, "fixturenames", ()) and not getattr(item.module, "OWN_PLATFORM", False)

    items.sort(key=on_the_shared_platform)
