"""Regional Experts' Roster: Experts, their functions and SOPs, deployment requests and deployments."""

from __future__ import annotations

from flask import Flask

from chassis.app import create_service_app
from chassis.settings import ServiceSettings
from chassis.tenant_status import blp as known_tenants
from roster_service.deployments.api import deployments_blp, requests_blp
from roster_service.experts.api import blp as experts_blp
from roster_service.functions.api import blp as functions_blp
from roster_service.reports.api import blp as reports_blp
from roster_service.search.api import blp as search_blp

SERVICE = "roster"


def create_app(settings: ServiceSettings | None = None) -> Flask:
    settings = settings or ServiceSettings.from_env(SERVICE)
    return create_service_app(
        settings,
        title="Regional Experts' Roster",
        description="Experts, their functions and SOPs, deployment requests and deployments.",
        blueprints=[functions_blp, experts_blp, search_blp, requests_blp, deployments_blp, reports_blp,
                    known_tenants],
        follows_tenant_status=True,
    )
