"""Webhook subscriptions of a tenant's administrators, and the deliveries an event makes to them (docs/adr/0082).

Every subscription and delivery is read and changed through the caller's tenant (chassis tenancy): another
tenant's id answers 404, as if it did not exist. Deliveries are written with the inbox record of the event that
caused them (the `webhooks` handler), so a redelivered event delivers nothing twice; the dispatcher
(`dispatcher.py`) sends them after the commit.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import uuid
from typing import Any

from chassis import db, runtime
from chassis.access import system
from chassis.auth import Principal
from chassis.clock import now
from chassis.messaging import Event
from chassis.problems import Conflict, NotFound
from chassis.tenant_status import is_suspended
from notification_service.webhooks.catalogue import WEBHOOK_EVENTS
from notification_service.webhooks.models import SUBSCRIPTION_WORKFLOW, WebhookDelivery, WebhookSubscription

REPLAYABLE = ("succeeded", "failed")


def new_secret() -> str:
    """A signing secret as the Standard Webhooks libraries take it: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def subscribe(principal: Principal, data: dict[str, Any]) -> WebhookSubscription:
    """A new active subscription of the caller's tenant, with a new secret (the API shows it this once)."""
    subscription = WebhookSubscription(id=_new_id("whsub"), tenant=principal.tenant, url=data["url"],
                                       event_types=sorted(set(data["event_types"])),
                                       description=data.get("description"), secret=new_secret(),
                                       created_by=principal.sub)
    subscription.save(force_insert=True)
    return subscription


def subscriptions():
    return WebhookSubscription.objects.order_by("-created_at")


def subscription(subscription_id: str) -> WebhookSubscription:
    found = WebhookSubscription.objects(id=subscription_id).first()
    if found is None:
        raise NotFound(f"No webhook subscription {subscription_id}")
    return found


def update(subscription_id: str, data: dict[str, Any]) -> WebhookSubscription:
    """Change the URL, event types or description; deliveries already made keep the body they were made with."""
    found = subscription(subscription_id)
    for name in ("url", "description"):
        if name in data:
            setattr(found, name, data[name])
    if "event_types" in data:
        found.event_types = sorted(set(data["event_types"]))
    found.updated_at = now()
    found.save()
    return found


def pause_and_hold(found: WebhookSubscription, reason: str) -> None:
    """Pause `found`: its pending deliveries are held, and new events are recorded as held, until it is resumed."""
    found.update(set__status="paused", set__paused_reason=reason, set__paused_at=now(), set__updated_at=now())
    system("the deliveries of one subscription, named by its id").records(WebhookDelivery).filter(
        subscription_id=found.id, status="pending").update(set__status="held")


def pause(subscription_id: str, principal: Principal) -> WebhookSubscription:
    def work() -> None:
        found = subscription(subscription_id)
        SUBSCRIPTION_WORKFLOW.check(found.status, "paused", principal)
        pause_and_hold(found, "admin")

    db.transaction(work)
    return subscription(subscription_id)


def resume(subscription_id: str, principal: Principal) -> WebhookSubscription:
    """Send again: held deliveries are due at once, and the failures counted so far are forgotten."""

    def work() -> None:
        found = subscription(subscription_id)
        SUBSCRIPTION_WORKFLOW.check(found.status, "active", principal)
        found.update(set__status="active", set__paused_reason=None, set__paused_at=None, set__consecutive_failures=0,
                     set__updated_at=now())
        WebhookDelivery.objects(subscription_id=found.id, status="held").update(set__status="pending",
                                                                                set__next_attempt_at=now())

    db.transaction(work)
    return subscription(subscription_id)


def rotate_secret(subscription_id: str) -> WebhookSubscription:
    """A new secret (the API shows it this once); the previous one signs too for `WEBHOOK_SECRET_GRACE_SECONDS`."""
    found = subscription(subscription_id)
    grace = dt.timedelta(seconds=runtime.settings().webhook_secret_grace_seconds)
    found.previous_secret, found.previous_secret_expires_at = found.secret, now() + grace
    found.secret, found.secret_rotated_at, found.updated_at = new_secret(), now(), now()
    found.save()
    return found


def unsubscribe(subscription_id: str) -> None:
    """Delete the subscription and its delivery log; nothing more is sent to it."""

    def work() -> None:
        found = subscription(subscription_id)
        WebhookDelivery.objects(subscription_id=found.id).delete()
        found.delete()

    db.transaction(work)


def deliveries(subscription_id: str, status: str | None = None):
    """The subscription's delivery log, newest first."""
    found = WebhookDelivery.objects(subscription_id=subscription(subscription_id).id)
    if status:
        found = found.filter(status=status)
    return found.order_by("-created_at")


def delivery(subscription_id: str, delivery_id: str) -> WebhookDelivery:
    found = WebhookDelivery.objects(subscription_id=subscription(subscription_id).id, id=delivery_id).first()
    if found is None:
        raise NotFound(f"No delivery {delivery_id}")
    return found


def replay(subscription_id: str, delivery_id: str) -> WebhookDelivery:
    """Send a finished delivery's body again, as a new delivery (a new `webhook-id`: a receiver that keeps the
    ids it has processed takes it as a new message)."""
    found = subscription(subscription_id)
    original = delivery(subscription_id, delivery_id)
    if original.status not in REPLAYABLE:
        raise Conflict(f"Delivery {delivery_id} is {original.status}: only a finished delivery is replayed",
                       current_state=original.status)
    if found.status != "active":
        raise Conflict("The subscription is paused: resume it first", current_state=found.status,
                       allowed_next_states=SUBSCRIPTION_WORKFLOW.allowed_next(found.status))
    copy = WebhookDelivery(id=_new_id("msg"), tenant=found.tenant, subscription_id=found.id,
                           event_id=original.event_id, event_type=original.event_type, body=original.body,
                           replay_of=original.id)
    copy.save(force_insert=True)
    return copy


def fan_out(event: Event) -> int:
    """One delivery per subscription to `event`'s type of each tenant that owns the event's record (none for a
    suspended tenant). Runs in the handler's transaction with its inbox record. Returns how many were made."""
    spec = WEBHOOK_EVENTS[event.type]
    public_url = runtime.settings().public_url.rstrip("/")
    body = json.dumps({"type": event.type, "timestamp": event.time,
                       "data": spec.payload_data(event.data, event_id=event.id, public_url=public_url)},
                      separators=(",", ":"))
    made = 0
    for tenant in sorted(spec.owner_tenants(event.data)):
        if is_suspended(tenant):
            continue
        for found in system("the subscriptions of the tenant that owns the record").records(WebhookSubscription).filter(
                tenant=tenant, event_types=event.type):
            WebhookDelivery(id=_new_id("msg"), tenant=tenant, subscription_id=found.id, event_id=event.id,
                            event_type=event.type, body=body,
                            status="held" if found.status == "paused" else "pending").save(force_insert=True)
            made += 1
    return made
