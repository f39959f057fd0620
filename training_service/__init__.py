"""Training delivery: Modules, courses, sessions, enrolment, assessment and certificates."""

from __future__ import annotations

from flask import Flask

from chassis.app import create_service_app
from chassis.settings import ServiceSettings

SERVICE = "training"


def create_app(settings: ServiceSettings | None = None) -> Flask:
    settings = settings or ServiceSettings.from_env(SERVICE)
    return create_service_app(
        settings,
        title="Training delivery",
        description="Modules, courses, sessions, enrolment, assessment and certificates.",
    )
