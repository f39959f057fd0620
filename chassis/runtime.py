"""What this process is: every entry point (web, worker, relay, commands) starts with `bootstrap()`."""

from __future__ import annotations

from chassis import db, tracing
from chassis.logging import configure_logging
from chassis.settings import ServiceSettings

_current: ServiceSettings | None = None


def bootstrap(settings: ServiceSettings) -> ServiceSettings:
    """Configure logging (and tracing, when an OTLP endpoint is configured) and connect the database for the service
    these settings describe."""
    global _current
    configure_logging(settings.service_name, level=settings.log_level, json_output=settings.log_json)
    tracing.configure(settings.service_name)
    db.connect(settings)
    _current = settings
    return settings


def settings() -> ServiceSettings:
    if _current is None:
        raise RuntimeError("chassis.runtime.bootstrap() has not run in this process")
    return _current
