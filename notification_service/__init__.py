"""Notifications: who must hear about a step, told by e-mail in their language and in the portal."""

from __future__ import annotations

from flask import Flask

from chassis.app import create_service_app
from chassis.tenant_status import blp as known_tenants
from notification_service.notifications.api import blp as notifications_blp
from notification_service.preferences.api import blp as preferences_blp
from notification_service.settings import NotificationSettings
from notification_service.webhooks.api import blp as webhooks_blp

SERVICE = "notification"


def create_app(settings: NotificationSettings | None = None) -> Flask:
    settings = settings or NotificationSettings.from_env(SERVICE)
    return create_service_app(
        settings,
        title="Notifications",
        description="A person's notifications in the portal and their e-mail preferences, and a tenant's webhooks; "
                    "e-mail and webhook deliveries go out from the worker's events.",
        blueprints=[notifications_blp, preferences_blp, webhooks_blp, known_tenants],
    )
