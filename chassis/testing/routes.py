"""The routes a service's own tests must cover: every one but what the chassis adds to each service."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import Rule

CHASSIS_ENDPOINT_PREFIXES = ("static", "swagger_ui_assets", "api-docs.", "health.", "known_tenants.", "metrics")


def service_routes(app: Flask) -> list[Rule]:
    """The URL rules of the service's own API: no health probes, OpenAPI document, docs page, assets or metrics."""
    return [rule for rule in app.url_map.iter_rules() if not rule.endpoint.startswith(CHASSIS_ENDPOINT_PREFIXES)]
