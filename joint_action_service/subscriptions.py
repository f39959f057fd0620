"""Handlers for other services' events (each runs once per event, in one transaction with its inbox record)."""

import datetime as dt

from chassis.erasure import follow_erasure
from chassis.messaging import Event
from chassis.messaging.consumer import Subscriptions
from chassis.tenant_status import follow_tenant_status
from joint_action_service.expert_support.service import forget_expert, record_deployment, record_roster_decision

subscriptions = Subscriptions("joint_action")


@subscriptions.on("roster.deployment.accepted", "roster.deployment.deployed", "roster.deployment.completed",
                  "roster.deployment.cancelled")
def show_deployment_on_case(event: Event) -> None:
    record_deployment(event.type.rsplit(".", 1)[1], event.data)


@subscriptions.on("roster.deployment.requested", "roster.deployment_request.moved")
def show_roster_decision_on_expert_request(event: Event) -> None:
    status = "submitted" if event.type == "roster.deployment.requested" else event.data["status"]
    record_roster_decision(status, event.data, dt.datetime.fromisoformat(event.time))


follow_tenant_status(subscriptions)
follow_erasure(subscriptions, forget_expert)
