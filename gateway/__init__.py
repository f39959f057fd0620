"""RSO Gateway: identity, tokens, tenant administration and the single entry point."""

from __future__ import annotations

from flask import Flask

from chassis.app import create_service_app
from gateway.settings import GatewaySettings

SERVICE = "gateway"


def create_app(settings: GatewaySettings | None = None) -> Flask:
    settings = settings or GatewaySettings.from_env(SERVICE)
    return create_service_app(
        settings,
        title="RSO Gateway",
        description="Identity, tokens, tenant administration and the single entry point.",
    )
