"""A tenant administrator's webhooks: subscriptions of their own tenant, their delivery log and replays."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import page
from notification_service.webhooks import service
from notification_service.webhooks.catalogue import WEBHOOK_EVENTS
from notification_service.webhooks.models import ADMIN_ROLES
from notification_service.webhooks.schemas import (
    DeliveryDetail,
    DeliveryOut,
    DeliveryQuery,
    EventTypeOut,
    SubscriptionIn,
    SubscriptionOut,
    SubscriptionPatch,
    SubscriptionWithSecret,
)

blp = Blueprint("webhooks", __name__, url_prefix="/webhooks",
                description="Webhooks of the caller's tenant, signed per Standard Webhooks (tenant administrators)")
ADMIN = sorted(ADMIN_ROLES)


@blp.route("/event-types")
class EventTypes(MethodView):
    @require(roles=ADMIN)
    @blp.response(200, EventTypeOut(many=True))
    def get(self):
        """The event types a webhook can receive: each is sent to the tenant that owns the record it is about."""
        return list(WEBHOOK_EVENTS.values())


@blp.route("/subscriptions")
class Subscriptions(MethodView):
    @require(roles=ADMIN)
    @blp.response(200, SubscriptionOut(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """The caller's tenant's subscriptions, newest first."""
        return page(service.subscriptions(), pagination_parameters)

    @require(roles=ADMIN)
    @blp.arguments(SubscriptionIn)
    @blp.response(201, SubscriptionWithSecret)
    def post(self, data):
        """Subscribe a URL to event types of the caller's tenant; the answer holds the signing secret, once."""
        return service.subscribe(current_principal(), data)


@blp.route("/subscriptions/<subscription_id>")
class Subscription(MethodView):
    @require(roles=ADMIN)
    @blp.response(200, SubscriptionOut)
    def get(self, subscription_id):
        return service.subscription(subscription_id)

    @require(roles=ADMIN)
    @blp.arguments(SubscriptionPatch)
    @blp.response(200, SubscriptionOut)
    def patch(self, data, subscription_id):
        """Change the URL, the event types or the description."""
        return service.update(subscription_id, data)

    @require(roles=ADMIN)
    @blp.response(204)
    def delete(self, subscription_id):
        """Delete the subscription and its delivery log."""
        service.unsubscribe(subscription_id)


@blp.route("/subscriptions/<subscription_id>/pause")
class Pause(MethodView):
    @require(roles=ADMIN)
    @blp.response(200, SubscriptionOut)
    def post(self, subscription_id):
        """Stop sending; deliveries wait (`held`) until it is resumed. 409 when already paused."""
        return service.pause(subscription_id, current_principal())


@blp.route("/subscriptions/<subscription_id>/resume")
class Resume(MethodView):
    @require(roles=ADMIN)
    @blp.response(200, SubscriptionOut)
    def post(self, subscription_id):
        """Send again, the held deliveries first; the failures counted so far are forgotten. 409 when active."""
        return service.resume(subscription_id, current_principal())


@blp.route("/subscriptions/<subscription_id>/secret")
class Secret(MethodView):
    @require(roles=ADMIN)
    @blp.response(200, SubscriptionWithSecret)
    def post(self, subscription_id):
        """Rotate the signing secret: the new one is in the answer, once; the previous one signs too for a while
        (`previous_secret_expires_at`)."""
        return service.rotate_secret(subscription_id)


@blp.route("/subscriptions/<subscription_id>/deliveries")
class Deliveries(MethodView):
    @require(roles=ADMIN)
    @blp.arguments(DeliveryQuery, location="query")
    @blp.response(200, DeliveryOut(many=True))
    @blp.paginate()
    def get(self, query, subscription_id, pagination_parameters):
        """The delivery log, newest first: each delivery's status, attempts and the receiver's last answer."""
        return page(service.deliveries(subscription_id, query.get("status")), pagination_parameters)


@blp.route("/subscriptions/<subscription_id>/deliveries/<delivery_id>")
class Delivery(MethodView):
    @require(roles=ADMIN)
    @blp.response(200, DeliveryDetail)
    def get(self, subscription_id, delivery_id):
        """One delivery with every attempt and the body sent."""
        return service.delivery(subscription_id, delivery_id)


@blp.route("/subscriptions/<subscription_id>/deliveries/<delivery_id>/replay")
class Replay(MethodView):
    @require(roles=ADMIN)
    @blp.response(202, DeliveryOut)
    def post(self, subscription_id, delivery_id):
        """Send a finished delivery's body again, as a new delivery (a new `webhook-id`). 409 when it is still
        pending or the subscription is paused."""
        return service.replay(subscription_id, delivery_id)
