from __future__ import annotations

import json

import marshmallow as ma

from chassis import runtime
from chassis.egress import refused_url
from notification_service.webhooks.catalogue import WEBHOOK_EVENTS
from notification_service.webhooks.models import DELIVERY_STATUSES

EVENT_TYPE = ma.fields.String(validate=ma.validate.OneOf(
    sorted(WEBHOOK_EVENTS), error="Unknown event type: GET /webhooks/event-types lists those a webhook can receive"))


def _event_types(**kwargs):
    return ma.fields.List(EVENT_TYPE, validate=ma.validate.Length(min=1, max=len(WEBHOOK_EVENTS)), **kwargs)


class SubscriptionPatch(ma.Schema):
    url = ma.fields.String(validate=ma.validate.Length(min=1, max=2000), metadata={
        "description": "An https URL on the public internet (no credentials in it); redirects are not followed"})
    event_types = _event_types()
    description = ma.fields.String(validate=ma.validate.Length(max=500), allow_none=True)

    @ma.validates("url")
    def _receivable(self, value, **_):
        reason = refused_url(value, allow_loopback=runtime.settings().webhook_allow_local)
        if reason:
            raise ma.ValidationError(reason)


class SubscriptionIn(SubscriptionPatch):
    url = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000),
                           metadata={"description": SubscriptionPatch._declared_fields["url"].metadata["description"]})
    event_types = _event_types(required=True)


class SubscriptionOut(ma.Schema):
    id = ma.fields.String()
    url = ma.fields.String()
    event_types = ma.fields.List(ma.fields.String())
    description = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "`active` or `paused`"})
    paused_reason = ma.fields.String(allow_none=True, metadata={
        "description": "`admin` (paused by hand) or `failures` (its receiver failed too many times in a row)"})
    paused_at = ma.fields.DateTime(allow_none=True)
    consecutive_failures = ma.fields.Integer(metadata={"description": "Failed attempts since the last success"})
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    secret_rotated_at = ma.fields.DateTime(allow_none=True)
    previous_secret_expires_at = ma.fields.DateTime(allow_none=True, metadata={
        "description": "After a rotation, deliveries are signed with the previous secret too until then"})


class SubscriptionWithSecret(SubscriptionOut):
    secret = ma.fields.String(metadata={
        "description": "The signing secret (`whsec_...`, Standard Webhooks): shown this once, keep it"})


class AttemptOut(ma.Schema):
    at = ma.fields.DateTime()
    response_status = ma.fields.Integer(allow_none=True, metadata={"description": "None: no HTTP answer"})
    error = ma.fields.String(allow_none=True)
    duration_ms = ma.fields.Integer()


class DeliveryOut(ma.Schema):
    id = ma.fields.String(metadata={"description": "The `webhook-id` header, the same on every attempt"})
    event_id = ma.fields.String()
    event_type = ma.fields.String()
    status = ma.fields.String(metadata={"description": "`pending`, `held` (its subscription is paused), "
                                                       "`succeeded` or `failed` (every attempt failed)"})
    attempt_count = ma.fields.Function(lambda delivery: len(delivery.attempts))
    last_response_status = ma.fields.Function(
        lambda delivery: delivery.attempts[-1].response_status if delivery.attempts else None, allow_none=True)
    last_attempt_at = ma.fields.Function(
        lambda delivery: ma.fields.DateTime().serialize("at", delivery.attempts[-1]) if delivery.attempts else None,
        allow_none=True)
    next_attempt_at = ma.fields.Function(
        lambda delivery: ma.fields.DateTime().serialize("next_attempt_at", delivery)
        if delivery.status == "pending" else None, allow_none=True)
    created_at = ma.fields.DateTime()
    finished_at = ma.fields.DateTime(allow_none=True)
    replay_of = ma.fields.String(allow_none=True)


class DeliveryDetail(DeliveryOut):
    attempts = ma.fields.List(ma.fields.Nested(AttemptOut))
    payload = ma.fields.Function(lambda delivery: json.loads(delivery.body), metadata={
        "description": "The body sent: the event's type, time and id, and the record it is about"})


class DeliveryQuery(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(DELIVERY_STATUSES))


class EventTypeOut(ma.Schema):
    type = ma.fields.String()
    description = ma.fields.String()
    record = ma.fields.String(metadata={"description": "The kind of record a delivery of it links to"})
