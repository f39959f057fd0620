"""Regional Experts' Roster: Experts, their functions and SOPs, deployment requests and deployments."""

from __future__ import annotations

from flask import Flask

from chassis.app import create_service_app
from chassis.settings import ServiceSettings

SERVICE = "roster"


def create_app(settings: ServiceSettings | None = None) -> Flask:
    settings = settings or ServiceSettings.from_env(SERVICE)
    return create_service_app(
        settings,
        title="Regional Experts' Roster",
        description="Experts, their functions and SOPs, deployment requests and deployments.",
    )
