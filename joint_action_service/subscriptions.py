"""Handlers for other services' events."""

from chassis.messaging.consumer import Subscriptions

subscriptions = Subscriptions("joint_action")
