"""Handlers for other services' events (each runs once per event, in one transaction with its inbox record)."""

from chassis.erasure import follow_erasure
from chassis.messaging import Event
from chassis.messaging.consumer import Subscriptions
from chassis.tenant_status import follow_tenant_status
from joint_action_service.expert_support.service import forget_expert, record_deployment

subscriptions = Subscriptions("joint_action")


@subscriptions.on("roster.deployment.accepted", "roster.deployment.deployed", "roster.deployment.completed",
                  "roster.deployment.cancelled")
def show_deployment_on_case(event: Event) -> None:
    record_deployment(event.type.rsplit(".", 1)[1], event.data)


follow_tenant_status(subscriptions)
follow_erasure(subscriptions, forget_expert)
