"""Use cases of Joint Periods of Action."""

from __future__ import annotations

from chassis import db
from chassis.problems import Conflict, Forbidden, ValidationFailed
from joint_action_service import events
from joint_action_service.access_log.service import logged
from joint_action_service.cases import service as cases
from joint_action_service.common import period_errors
from joint_action_service.jpas.models import JPA_WORKFLOW, Jpa
from joint_action_service.visibility import Viewer


def _with_creator(tenant: str, tenants: list[str]) -> list[str]:
    return [tenant, *(other for other in tenants if other != tenant)]


def _participants(coordinators: list[str], participants: list[str]) -> list[str]:
    return [*coordinators, *(tenant for tenant in participants if tenant not in coordinators)]


def create_jpa(viewer: Viewer, data: dict) -> Jpa:
    coordinators = _with_creator(viewer.tenant, data["coordinating_tenants"])
    jpa = Jpa(
        tenant=viewer.tenant, name=data["name"], focus=data["focus"], start_date=data["start_date"],
        end_date=data["end_date"], coordinating_tenants=coordinators,
        participating_tenants=_participants(coordinators, data["participating_tenants"]),
        objectives=data["objectives"], created_by=viewer.sub,
    )
    return db.transaction(lambda: jpa.save(force_insert=True))


def _coordinated(viewer: Viewer, jpa_id: str) -> Jpa:
    jpa = viewer.jpa(jpa_id)
    if viewer.tenant not in jpa.coordinating_tenants:
        raise Forbidden("Only a coordinating tenant may change a JPA")
    return jpa


def update_jpa(viewer: Viewer, jpa_id: str, data: dict) -> Jpa:
    def work() -> Jpa:
        jpa = _coordinated(viewer, jpa_id)
        if jpa.status == "closed":
            raise Conflict("A closed JPA cannot change", status_now=jpa.status)
        errors = period_errors(data.get("start_date", jpa.start_date), data.get("end_date", jpa.end_date))
        if errors:
            raise ValidationFailed(errors)
        for field in ("name", "focus", "start_date", "end_date", "objectives"):
            if field in data:
                setattr(jpa, field, data[field])
        coordinators = data.get("coordinating_tenants", jpa.coordinating_tenants)
        if jpa.tenant not in coordinators:
            raise ValidationFailed({"coordinating_tenants": [
                f"{jpa.tenant} created the JPA and always coordinates it"]})
        participants = _participants(coordinators, data.get("participating_tenants", jpa.participating_tenants))
        leaving = [tenant for tenant in jpa.participating_tenants if tenant not in participants]
        jpa.coordinating_tenants = coordinators
        jpa.participating_tenants = participants
        jpa.save()
        cases.end_participation(viewer, jpa, leaving)
        return jpa

    return logged(work)


def advance_jpa(viewer: Viewer, jpa_id: str, target: str, comment: str | None) -> Jpa:
    def work() -> Jpa:
        jpa = _coordinated(viewer, jpa_id)
        JPA_WORKFLOW.take(jpa, target, viewer.principal, comment)
        if target == "active":
            events.jpa_opened(jpa)
        elif target == "closed":
            events.jpa_closed(jpa)
        return jpa

    return db.transaction(work)
