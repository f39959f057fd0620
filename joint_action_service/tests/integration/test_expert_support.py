"""Acceptance: an expert request leaves through the outbox relay onto the real broker; the roster's deployment
events, published as real envelopes, are consumed by the worker and show on the case; redelivery changes nothing."""

import contextlib
import json

import pika
import pytest

from chassis.messaging.connection import ConfirmingPublisher, declare_exchange
from chassis.messaging.consumer import InboxRecord, Worker
from chassis.messaging.relay import OutboxRelay
from chassis.testing.events import deliver, envelope, running, wait_until
from joint_action_service.expert_support.models import CaseDeployment
from joint_action_service.subscriptions import subscriptions
from joint_action_service.tests.conftest import TODAY

pytestmark = pytest.mark.integration

REQUEST = {"function": "victim_identification", "languages": [{"code": "rhg", "min_level": "professional"}],
           "country": "THA", "location": "Satun", "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(),
           "number_of_experts": 1, "justification": "Identify trafficking victims among the rescued"}


@contextlib.contextmanager
def observed(settings, event_type: str):
    """A queue of the test's own, bound to `event_type`: returns a function fetching what arrived."""
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    channel = connection.channel()
    declare_exchange(channel, settings.events_exchange)
    queue = channel.queue_declare(queue="", exclusive=True).method.queue
    channel.queue_bind(queue=queue, exchange=settings.events_exchange, routing_key=event_type)

    def fetch() -> dict | None:
        _, _, body = channel.basic_get(queue, auto_ack=True)
        return json.loads(body) if body else None

    try:
        yield fetch
    finally:
        connection.close()


def publish(settings, event: dict) -> None:
    publisher = ConfirmingPublisher(settings.amqp_url, settings.events_exchange)
    publisher.publish(event["type"], json.dumps(event).encode(), message_id=event["id"])
    publisher.close()


def deployment_event(event_type: str, request: dict, deployment_id: str = "dep-1") -> dict:
    data = {"deployment_id": deployment_id, "request_id": "roster-request-7", "case_id": request["case_id"],
            "requesting_tenant": request["requesting_tenant"], "function": request["function"],
            "country": "THA", "location": "Satun", "start_date": REQUEST["start_date"],
            "end_date": REQUEST["end_date"], "status": event_type.rsplit(".", 1)[1],
            "expert": {"expert_id": "exp-42", "full_name": "Dr Siti Rahayu", "email": "siti@example.org",
                       "user_id": None, "nominating_tenant": "IDN"}}
    return envelope(event_type, data, tenant="RSO", source="roster")


def deployments(caller, world) -> list[dict]:
    return caller.get(world.case_path()).get_json()["deployments"]


def test_expert_request_round_trip_through_the_broker(world, settings):
    with observed(settings, "joint_action.case.expert_requested") as fetch, \
            running(Worker(settings, subscriptions)), running(OutboxRelay(settings)):
        request = world.mys.created(world.case_path("/expert-requests"), REQUEST)

        sent = wait_until(fetch, message="the expert request on the broker")
        assert sent["tenantid"] == "MYS" and sent["source"] == "joint_action"
        assert sent["data"] == {
            "expert_request_id": request["id"], "case_id": world.case_id, "jpa_id": world.jpa_id,
            "requesting_tenant": "MYS", **{field: REQUEST[field] for field in (
                "function", "languages", "country", "location", "start_date", "end_date", "number_of_experts",
                "justification")}}

        accepted = deployment_event("roster.deployment.accepted", request)
        publish(settings, accepted)
        [shown] = wait_until(lambda: deployments(world.idn, world), message="the deployment on the case")
        assert (shown["status"], shown["expert_name"], shown["expert_nominating_tenant"]) == (
            "accepted", "Dr Siti Rahayu", "IDN")
        assert "siti@example.org" not in json.dumps(deployments(world.idn, world))
        applied_at = CaseDeployment.across_tenants("test").get(id="dep-1").updated_at

        publish(settings, accepted)  # redelivered
        sentinel = deployment_event("roster.deployment.accepted", request, deployment_id="dep-sentinel")
        publish(settings, sentinel)
        wait_until(lambda: len(deployments(world.tha, world)) == 2, message="the sentinel after the duplicate")
        assert CaseDeployment.across_tenants("test").get(id="dep-1").updated_at == applied_at
        assert InboxRecord.objects(event_id=accepted["id"]).count() == 1

        publish(settings, deployment_event("roster.deployment.deployed", request))
        wait_until(lambda: {d["status"] for d in deployments(world.tha, world)} == {"deployed", "accepted"},
                   message="the deployment to move on")
        publish(settings, deployment_event("roster.deployment.accepted", request))  # late, out of order
        publish(settings, deployment_event("roster.deployment.completed", request, deployment_id="dep-sentinel"))
        wait_until(lambda: "completed" in {d["status"] for d in deployments(world.tha, world)},
                   message="the second sentinel")
    assert CaseDeployment.across_tenants("test").get(id="dep-1").status == "deployed"


def test_a_deployment_for_an_unknown_case_is_ignored(app):
    event = envelope("roster.deployment.accepted", {"deployment_id": "d", "case_id": None}, tenant="RSO")
    assert deliver(subscriptions, event) == ["show_deployment_on_case"]
    assert CaseDeployment.across_tenants("test").count() == 0


def roster_event(event_type: str, request: dict, at: str, **data) -> dict:
    event = envelope(event_type, {"request_id": "roster-request-7", "expert_request_id": request["id"],
                                  "case_id": request["case_id"], "requesting_tenant": request["requesting_tenant"],
                                  **data}, tenant="RSO", source="roster")
    return {**event, "time": at}


def test_the_rosters_decision_on_an_expert_request_comes_back_to_the_case(world):
    """Received, offered, rejected, deployed: each participant of the case sees where its request stands (issue 11,
    item 10); an older event arriving late changes nothing."""
    request = world.mys.created(world.case_path("/expert-requests"), REQUEST)
    assert request["roster_status"] == "sent"

    def standing(caller) -> tuple:
        [shown] = caller.get(world.case_path("/expert-requests")).get_json()
        return shown["roster_status"], shown["roster_request_id"], shown.get("roster_comment")

    assert deliver(subscriptions, roster_event("roster.deployment.requested", request, "2030-01-01T10:00:00Z")) == [
        "show_roster_decision_on_expert_request"]
    assert standing(world.idn) == ("submitted", "roster-request-7", None)

    offered = roster_event("roster.deployment_request.moved", request, "2030-01-01T11:00:00Z", status="offered",
                           comment="Follows from the request's deployments")
    deliver(subscriptions, offered)
    assert standing(world.tha)[0] == "offered"
    deliver(subscriptions, roster_event("roster.deployment_request.moved", request, "2030-01-01T10:30:00Z",
                                        status="under_review", comment=None))  # late
    assert standing(world.tha)[0] == "offered"

    deliver(subscriptions, roster_event("roster.deployment_request.moved", request, "2030-01-01T12:00:00Z",
                                        status="rejected", comment="No interpreter for Rohingya is free then"))
    assert standing(world.mys) == ("rejected", "roster-request-7", "No interpreter for Rohingya is free then")
    assert world.outsider.get(world.case_path("/expert-requests")).status_code == 404


def test_a_roster_request_of_no_case_is_ignored(app):
    event = envelope("roster.deployment_request.moved", {"request_id": "r", "expert_request_id": None,
                                                         "case_id": None, "status": "rejected"}, tenant="RSO")
    assert deliver(subscriptions, event) == ["show_roster_decision_on_expert_request"]
