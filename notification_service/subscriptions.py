"""Handlers for other services' events (each idempotent through the chassis inbox)."""

from __future__ import annotations

from chassis.messaging import Event
from chassis.messaging.consumer import Subscriptions
from chassis.tenant_status import follow_tenant_status
from notification_service.notifications.service import notify
from notification_service.people.service import forget_deactivated, remember_person
from notification_service.reads import RULE_READS, PersonDeactivatedRead, PersonRead
from notification_service.rules import RULES
from notification_service.webhooks.catalogue import WEBHOOK_EVENTS
from notification_service.webhooks.service import fan_out

subscriptions = Subscriptions("notification")


@subscriptions.on("identity.user.created", "identity.user.updated", reads=PersonRead)
def people(event: Event) -> None:
    """The read model of people: who they are, their tenant, roles, address and language."""
    remember_person(event.data)


@subscriptions.on("identity.user.deactivated", reads=PersonDeactivatedRead)
def deactivated_people(event: Event) -> None:
    forget_deactivated(event.data)


@subscriptions.on(*RULES, reads=RULE_READS)
def notices(event: Event) -> None:
    """Portal notifications and pending mail for everyone a rule names, in the inbox record's transaction."""
    notify(event)


@subscriptions.on(*WEBHOOK_EVENTS, reads={event_type: event.reads() for event_type, event in WEBHOOK_EVENTS.items()})
def webhooks(event: Event) -> None:
    """Webhook deliveries to the subscriptions of the tenants owning the event's record, with the inbox record."""
    fan_out(event)


follow_tenant_status(subscriptions)
