"""A tenant's webhook subscriptions and the deliveries made to them (each with its attempts)."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.workflow import Workflow

ADMIN_ROLES = ("tenant_admin", "platform_admin")
SUBSCRIPTION_WORKFLOW = Workflow("webhook subscription", {
    "active": {"paused": ADMIN_ROLES},
    "paused": {"active": ADMIN_ROLES},
})


class WebhookSubscription(TenantOwnedDocument):
    """An https URL that receives the tenant's events of the chosen types, signed with `secret`.

    `secret` (`whsec_...`) is shown once, when made or rotated; after a rotation the previous one signs too until
    `previous_secret_expires_at`, so that a receiver can switch without missing a delivery."""

    meta = {"collection": "webhook_subscriptions", "indexes": [("tenant", "event_types"), ("tenant", "-created_at")]}

    id = me.StringField(primary_key=True)
    url = me.StringField(required=True, max_length=2000)
    event_types = me.ListField(me.StringField(max_length=100), required=True)
    description = me.StringField(max_length=500)
    status = me.StringField(required=True, choices=SUBSCRIPTION_WORKFLOW.states, default="active")
    paused_reason = me.StringField(choices=("admin", "failures"), null=True)
    paused_at = me.DateTimeField(null=True)
    consecutive_failures = me.IntField(required=True, default=0)  # failed attempts since the last success
    secret = me.StringField(required=True)
    previous_secret = me.StringField(null=True)
    previous_secret_expires_at = me.DateTimeField(null=True)
    secret_rotated_at = me.DateTimeField(null=True)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
    updated_at = me.DateTimeField(required=True, default=now)


class DeliveryAttempt(me.EmbeddedDocument):
    at = me.DateTimeField(required=True)
    response_status = me.IntField(null=True)  # none: no HTTP answer (refused, timed out, address not allowed)
    error = me.StringField(max_length=300, null=True)
    duration_ms = me.IntField(required=True)


DELIVERY_STATUSES = ("pending", "held", "succeeded", "failed")


class WebhookDelivery(TenantOwnedDocument):
    """One event for one subscription: the body is fixed when the event arrives and signed anew at each attempt.

    `pending`: due at `next_attempt_at` (the dispatcher also moves it forward while an attempt is in flight, so a
    crashed dispatcher's delivery becomes due again); `held`: its subscription is paused; `succeeded`: a 2xx
    answer; `failed`: every attempt failed. The id is the Standard Webhooks `webhook-id`, the same on every
    attempt; a replay is a new delivery (`replay_of`) with a new id."""

    meta = {"collection": "webhook_deliveries",
            "indexes": [("status", "next_attempt_at"), ("tenant", "subscription_id", "-created_at"),
                        ("subscription_id", "status")]}

    id = me.StringField(primary_key=True)
    subscription_id = me.StringField(required=True)
    event_id = me.StringField(required=True)
    event_type = me.StringField(required=True)
    body = me.StringField(required=True)  # the JSON payload exactly as signed
    status = me.StringField(required=True, choices=DELIVERY_STATUSES, default="pending")
    attempts = me.EmbeddedDocumentListField(DeliveryAttempt)
    next_attempt_at = me.DateTimeField(required=True, default=now)
    replay_of = me.StringField(null=True)
    created_at = me.DateTimeField(required=True, default=now)
    finished_at = me.DateTimeField(null=True)
