"""The events this service publishes (its public contract; payloads are documented in docs/joint_action.md,
and `joint_action.case.expert_requested` in docs/events.md).

Events travel to every service that binds their type, so they carry ids, tenants, states and dates, never a
case's summary, an information item or a person.
"""

from __future__ import annotations

from typing import Any

from chassis.messaging import emit

JPA_OPENED = "joint_action.jpa.opened"
JPA_CLOSED = "joint_action.jpa.closed"
CASE_OPENED = "joint_action.case.opened"
CASE_MILESTONE_REACHED = "joint_action.case.milestone_reached"
CASE_SHARED = "joint_action.case.shared"
CASE_CLOSED = "joint_action.case.closed"
CASE_EXPERT_REQUESTED = "joint_action.case.expert_requested"
CASE_EXPERT_DEPLOYED = "joint_action.case.expert_deployed"
TASK_ASSIGNED = "joint_action.task.assigned"
ITEM_RELEASED = "joint_action.item.released"


def _id(value) -> str | None:
    return None if value is None else str(value)


def jpa_opened(jpa) -> dict[str, Any]:
    return emit(JPA_OPENED, {
        "jpa_id": str(jpa.id), "name": jpa.name, "focus": list(jpa.focus),
        "start_date": jpa.start_date.isoformat(), "end_date": jpa.end_date.isoformat(),
        "coordinating_tenants": list(jpa.coordinating_tenants),
        "participating_tenants": list(jpa.participating_tenants),
    })


def jpa_closed(jpa) -> dict[str, Any]:
    return emit(JPA_CLOSED, {"jpa_id": str(jpa.id), "participating_tenants": list(jpa.participating_tenants)})


def _case_data(case) -> dict[str, Any]:
    return {"case_id": str(case.id), "jpa_id": _id(case.jpa_id), "lead_tenant": case.tenant}


def case_opened(case) -> dict[str, Any]:
    return emit(CASE_OPENED, {**_case_data(case), "case_type": case.case_type})


def case_milestone_reached(case, milestone) -> dict[str, Any]:
    return emit(CASE_MILESTONE_REACHED, {
        **_case_data(case), "milestone": milestone.status, "date": milestone.date.isoformat(),
        "tenant": milestone.tenant,
    })


def case_shared(case, share) -> dict[str, Any]:
    return emit(CASE_SHARED, {**_case_data(case), "tenant": share.tenant, "permission": share.permission})


def case_closed(case, milestone) -> dict[str, Any]:
    return emit(CASE_CLOSED, {**_case_data(case), "resolution": case.resolution, "date": milestone.date.isoformat()})


def case_expert_deployed(case, deployment) -> dict[str, Any]:
    """The roster deployed an expert on the case: who requested, which function where and when, not whom."""
    return emit(CASE_EXPERT_DEPLOYED, {
        **_case_data(case), "requesting_tenant": deployment.tenant, "deployment_id": deployment.id,
        "function": deployment.function, "country": deployment.country, "start_date": deployment.start_date,
        "end_date": deployment.end_date,
    }, tenant=case.tenant)


def task_assigned(case, task) -> dict[str, Any]:
    """A task given to a tenant (and perhaps one of its people: `assignee`, a user id or e-mail address of the
    assigned tenant, as the task names them); its title and description stay on the case."""
    return emit(TASK_ASSIGNED, {
        **_case_data(case), "task_id": str(task.id), "assigned_tenant": task.assigned_tenant,
        "assignee": task.assignee, "due_date": task.due_date.isoformat() if task.due_date else None,
        "mandatory": task.mandatory,
    })


def item_released(case, item, tenants: list[str]) -> dict[str, Any]:
    """An information item released to more participants (`tenants`: those newly released to); its content and
    handling stay on the case."""
    return emit(ITEM_RELEASED, {**_case_data(case), "item_id": str(item.id),
                                "originator_tenant": item.originator_tenant, "tenants": list(tenants)})


def case_expert_requested(request) -> dict[str, Any]:
    """Exactly the payload of docs/events.md."""
    return emit(CASE_EXPERT_REQUESTED, {
        "expert_request_id": str(request.id),
        "case_id": str(request.case_id),
        "jpa_id": _id(request.jpa_id),
        "requesting_tenant": request.tenant,
        "function": request.function,
        "languages": [{"code": need.code, "min_level": need.min_level} for need in request.languages],
        "country": request.country,
        "location": request.location,
        "start_date": request.start_date.isoformat(),
        "end_date": request.end_date.isoformat(),
        "number_of_experts": request.number_of_experts,
        "justification": request.justification,
    })
