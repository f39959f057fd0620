"""Training delivery: Modules, courses, sessions, enrolment, assessment and certificates."""

from __future__ import annotations

from flask import Flask

from chassis.app import create_service_app
from chassis.settings import ServiceSettings
from chassis.tenant_status import blp as known_tenants

SERVICE = "training"
ACCEPTED_MEDIA_TYPES = ("application/json", "text/csv", "multipart/form-data")  # CSV for bulk enrolment


def create_app(settings: ServiceSettings | None = None) -> Flask:
    from training_service.catalogue.api import blueprint as catalogue
    from training_service.certificates.api import blueprint as certificates
    from training_service.certificates.api import public
    from training_service.enrolments.api import blueprint as enrolments
    from training_service.learning.api import blueprint as learning
    from training_service.recommendations.api import blueprint as recommendations
    from training_service.reports.api import blueprint as reports
    from training_service.sessions.api import blueprint as sessions

    settings = settings or ServiceSettings.from_env(SERVICE)
    return create_service_app(
        settings,
        title="Training delivery",
        description="Modules, courses, sessions, enrolment, assessment and certificates.",
        blueprints=[catalogue, sessions, enrolments, learning, certificates, public, recommendations, reports,
                    known_tenants],
        accepted_media_types=ACCEPTED_MEDIA_TYPES,
        follows_tenant_status=True,
    )
