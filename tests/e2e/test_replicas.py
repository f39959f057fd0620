"""Horizontal scaling of the loop processes: two replicas of every worker and two relays per service, against the same
database and broker, deliver every event once in effect, while one worker is killed.

The events are `joint_action.case.expert_requested`, written straight into joint action's outbox as its use case
writes them (the request path is the other e2e modules' subject; this one is about delivery): both joint-action relays
publish them (each claims the events it publishes; a lease that ends mid-batch lets the other publish one again), both
roster workers take them off one queue (a
killed one's unacknowledged messages go to the other), and each must become exactly one roster request; the roster
request's own event goes out through both roster relays to both joint-action workers, and each must be applied
exactly once too.
"""

from __future__ import annotations

import datetime as dt
import signal
import urllib.parse

import pymongo
import pytest
from bson import ObjectId

from chassis.messaging.envelope import make_envelope
from chassis.messaging.outbox import OutboxMessage
from chassis.testing.events import wait_until
from chassis.testing.infrastructure import rabbitmqctl
from infra.platform import Directory, Platform

pytestmark = [pytest.mark.e2e, pytest.mark.exclusive]  # twice the loop processes, 2,000 events, a kill
OWN_PLATFORM = True  # it starts replicas and kills a worker

EVENTS = 1000
BATCH = 100
KILLED = "roster-worker"
# An upper bound of waiting, not a figure: every process shares one embedded database on a loaded two-core machine.
DELIVERY_SECONDS = 600
# Starting the platform and its replicas, 2,000 events through two hops, and the end's index check: pytest's default
# limit (300 s) is for one test's own work, not for this many events on a loaded two-core machine; an upper bound.
TEST_SECONDS = 1500


def loop_processes(platform: Platform) -> list[str]:
    return [name for name in platform.commands if name.endswith(("-worker", "-relay"))]


def queue_consumers(platform: Platform) -> dict[str, int]:
    """Each handler's main queue in the platform's vhost, and how many consumers it has."""
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(platform.env["AMQP_URL"]).path[1:])
    listing = rabbitmqctl("list_queues", "-p", vhost, "name", "consumers", "--no-table-headers")
    rows = (line.split() for line in listing.splitlines() if line.strip())
    return {name: int(count) for name, count in rows
            if not (name.endswith(".dead") or ".retry." in name or name.startswith("rso.events"))}


def expert_requested(case_id: str, expert_request_id: str, number: int) -> dict:
    """The outbox document joint action's use case stores for one expert request of a case."""
    start = dt.date.today() + dt.timedelta(days=30)
    envelope = make_envelope("joint_action.case.expert_requested", {
        "expert_request_id": expert_request_id, "case_id": case_id, "jpa_id": None, "requesting_tenant": "THA",
        "function": "interpretation_translation", "languages": [{"code": "my", "min_level": "professional"}],
        "country": "THA", "location": "Ranong", "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=10)).isoformat(), "number_of_experts": 1,
        "justification": f"Interviews, batch {number}"}, source="joint_action", tenant="THA")
    return OutboxMessage(id=envelope["id"], routing_key=envelope["type"], envelope=envelope,
                         created_at=dt.datetime.now(dt.UTC)).to_mongo().to_dict()


@pytest.mark.timeout(TEST_SECONDS)
def test_two_replicas_of_every_loop_process_deliver_1000_events_exactly_once_while_a_worker_is_killed(
        platform, rso_mongodb_uri):
    Directory(platform).tenant("THA")
    for name in loop_processes(platform):
        platform.start(f"{name}.2")
    wait_until(lambda: set(queue_consumers(platform).values()) == {2}, timeout=120, interval=1,
               message=lambda: f"two consumers on every handler's queue: {queue_consumers(platform)}")

    client = pymongo.MongoClient(rso_mongodb_uri)
    databases = {service: client[platform.env["DATABASE_PREFIX"] + service] for service in ("joint_action", "roster")}
    case_id, expert_request_ids = str(ObjectId()), [str(ObjectId()) for _ in range(EVENTS)]

    def arrived() -> int:
        return databases["roster"]["deployment_requests"].count_documents({"case_id": case_id})

    try:
        for start in range(0, EVENTS, BATCH):
            databases["joint_action"]["outbox"].insert_many(
                [expert_requested(case_id, request_id, start + offset)
                 for offset, request_id in enumerate(expert_request_ids[start:start + BATCH])])
        at_kill = wait_until(arrived, timeout=DELIVERY_SECONDS, interval=0.2, message="the first events applied")
        platform.stop(KILLED, signal.SIGKILL)
        assert at_kill < EVENTS, "the worker must die mid-stream for this test to mean anything"
        wait_until(lambda: arrived() >= at_kill + BATCH, timeout=DELIVERY_SECONDS, interval=0.5,
                   message="the other roster worker carrying on alone")
        platform.start(KILLED)

        wait_until(lambda: arrived() == EVENTS, timeout=DELIVERY_SECONDS, interval=1,
                   message=f"all {EVENTS} events applied by the roster")
        wait_until(lambda: all(database["outbox"].count_documents({"published_at": None}) == 0
                               for database in databases.values()), timeout=DELIVERY_SECONDS, interval=1,
                   message="both outboxes published")
        applied_by_joint_action = {"handler": "show_roster_decision_on_expert_request",
                                   "event_type": "roster.deployment.requested"}
        wait_until(lambda: databases["joint_action"]["inbox"].count_documents(applied_by_joint_action) >= EVENTS,
                   timeout=DELIVERY_SECONDS, interval=1, message="the roster's events applied by joint action")
        wait_until(lambda: set(queue_consumers(platform).values()) == {2}, timeout=60, interval=1,
                   message="the restarted worker consuming again")

        requests = list(databases["roster"]["deployment_requests"].find({"case_id": case_id}, {"expert_request_id": 1}))
        assert sorted(request["expert_request_id"] for request in requests) == sorted(expert_request_ids)
        assert databases["roster"]["inbox"].count_documents({"handler": "case_expert_requests"}) == EVENTS
        assert databases["joint_action"]["inbox"].count_documents(applied_by_joint_action) == EVENTS
    finally:
        client.close()
