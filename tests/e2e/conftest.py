import os

import pytest

from chassis.testing.infrastructure import rabbitmq_vhost
from infra import devstack
from infra.platform import WEB_SERVICES, Platform, free_ports


@pytest.fixture(scope="module")
def platform(rso_mongodb_uri, rso_run_id, tmp_path_factory, request):
    """Every Procfile process against its own databases and vhost, for the flows of one test module; at the
    end, no event may wait in a retry or dead-letter queue (a handler failed on it), and every index of every
    service database finds exactly what a collection scan finds."""
    name = request.module.__name__.rpartition(".")[2]
    with rabbitmq_vhost(f"rso-test-{rso_run_id}-{name}") as amqp_url:
        ports = dict(zip(WEB_SERVICES, free_ports(len(WEB_SERVICES)), strict=True))
        environ = {key: value for key, value in os.environ.items() if key != "MONGODB_DATABASE"}
        environ.update(MONGODB_URI=rso_mongodb_uri, AMQP_URL=amqp_url,
                       DATABASE_PREFIX=f"rso_test_{rso_run_id}_{name}_")
        running = Platform(devstack.process_environment(ports, environ), ports, tmp_path_factory.mktemp(name))
        try:
            running.start_all()
            yield running
            failed = running.failed_events()
            assert not failed, f"events some handler failed on (retry or dead-letter queues): {failed}"
            inconsistent = [check.report() for check in devstack.service_index_checks(rso_mongodb_uri, environ)
                            if not check.consistent]
            assert not inconsistent, "indexes that disagree with a collection scan:\n" + "\n".join(inconsistent)
        finally:
            running.stop_all()
