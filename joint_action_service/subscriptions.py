"""Handlers for other services' events (each runs once per event, in one transaction with its inbox record)."""

import datetime as dt

import marshmallow as ma

from chassis.erasure import follow_erasure
from chassis.messaging import Event
from chassis.messaging.consumer import Subscriptions
from chassis.messaging.contracts import Reads
from chassis.tenant_status import follow_tenant_status
from joint_action_service.expert_support.service import forget_expert, record_deployment, record_roster_decision

subscriptions = Subscriptions("joint_action")


class DeployedExpertRead(Reads):
    expert_id = ma.fields.String(allow_none=True)
    full_name = ma.fields.String(allow_none=True)
    nominating_tenant = ma.fields.String(allow_none=True)


class DeploymentRead(Reads):
    deployment_id = ma.fields.String(required=True)
    case_id = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    requesting_tenant = ma.fields.String(allow_none=True)
    function = ma.fields.String(allow_none=True)
    country = ma.fields.String(allow_none=True)
    location = ma.fields.String(allow_none=True)
    start_date = ma.fields.String(allow_none=True)
    end_date = ma.fields.String(allow_none=True)
    reason = ma.fields.String(allow_none=True)
    expert = ma.fields.Nested(DeployedExpertRead, allow_none=True)


class RequestedRead(Reads):
    expert_request_id = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)


class RequestMovedRead(RequestedRead):
    status = ma.fields.String(required=True)
    comment = ma.fields.String(allow_none=True)


@subscriptions.on("roster.deployment.accepted", "roster.deployment.deployed", "roster.deployment.completed",
                  "roster.deployment.cancelled", reads=DeploymentRead)
def show_deployment_on_case(event: Event) -> None:
    record_deployment(event.type.rsplit(".", 1)[1], event.data)


@subscriptions.on("roster.deployment.requested", "roster.deployment_request.moved", reads={
    "roster.deployment.requested": RequestedRead, "roster.deployment_request.moved": RequestMovedRead})
def show_roster_decision_on_expert_request(event: Event) -> None:
    status = "submitted" if event.type == "roster.deployment.requested" else event.data["status"]
    record_roster_decision(status, event.data, dt.datetime.fromisoformat(event.time))


follow_tenant_status(subscriptions)
follow_erasure(subscriptions, forget_expert)
