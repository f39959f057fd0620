"""Joint Period of Action case coordination: JPAs, cases, tasks, milestones and outcomes across states."""

from __future__ import annotations

from flask import Flask

from chassis.app import create_service_app
from chassis.settings import ServiceSettings

SERVICE = "joint_action"


def create_app(settings: ServiceSettings | None = None) -> Flask:
    settings = settings or ServiceSettings.from_env(SERVICE)
    return create_service_app(
        settings,
        title="Joint Period of Action case coordination",
        description="Joint Periods of Action, cases, tasks, milestones and outcomes across states.",
    )
