"""Joint Period of Action case coordination: JPAs, cases, tasks, milestones and outcomes across states."""

from __future__ import annotations

from flask import Flask

from chassis.app import create_service_app
from chassis.settings import ServiceSettings
from chassis.tenant_status import blp as known_tenants

SERVICE = "joint_action"


def create_app(settings: ServiceSettings | None = None) -> Flask:
    from joint_action_service.access_log.api import blp as access_log
    from joint_action_service.case_templates.api import blp as case_templates
    from joint_action_service.cases.api import blp as cases
    from joint_action_service.expert_support.api import blp as expert_support
    from joint_action_service.items.api import blp as items
    from joint_action_service.jpas.api import blp as jpas
    from joint_action_service.outcomes.api import blp as outcomes
    from joint_action_service.persons.api import blp as persons
    from joint_action_service.reporting.api import blp as reporting
    from joint_action_service.tasks.api import blp as tasks

    settings = settings or ServiceSettings.from_env(SERVICE)
    return create_service_app(
        settings,
        title="Joint Period of Action case coordination",
        description="Joint Periods of Action, cases, tasks, milestones and outcomes across states.",
        blueprints=[jpas, reporting, cases, case_templates, tasks, persons, items, outcomes, expert_support,
                    access_log, known_tenants],
        accepted_media_types=("application/json",),
        follows_tenant_status=True,
    )
