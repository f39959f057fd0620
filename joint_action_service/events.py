"""The events this service publishes (its public contract; payloads are documented in docs/joint_action.md,
and `joint_action.case.expert_requested` in docs/events.md).

Events travel to every service that binds their type, so they carry ids, tenants, states and dates, never a
case's summary, an information item or a person.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from chassis.messaging import emit
from chassis.messaging.contracts import PERSONAL, EventContract

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

Str, Date, Tenants = ma.fields.String, ma.fields.Date, lambda: ma.fields.List(ma.fields.String(), required=True)


class JpaOpened(ma.Schema):
    jpa_id = Str(required=True)
    name = Str(required=True)
    focus = ma.fields.List(Str(), required=True)
    start_date = Date(required=True)
    end_date = Date(required=True)
    coordinating_tenants = Tenants()
    participating_tenants = Tenants()


class JpaClosed(ma.Schema):
    jpa_id = Str(required=True)
    participating_tenants = Tenants()


class CaseEvent(ma.Schema):
    case_id = Str(required=True)
    jpa_id = Str(required=True, allow_none=True)
    lead_tenant = Str(required=True)


class CaseOpened(CaseEvent):
    case_type = Str(required=True)


class CaseMilestoneReached(CaseEvent):
    milestone = Str(required=True)
    date = Date(required=True)
    tenant = Str(required=True)


class CaseShared(CaseEvent):
    tenant = Str(required=True)
    permission = Str(required=True)


class CaseClosed(CaseEvent):
    resolution = Str(required=True, allow_none=True)
    date = Date(required=True)


class CaseExpertDeployed(CaseEvent):
    requesting_tenant = Str(required=True)
    deployment_id = Str(required=True)
    function = Str(required=True, allow_none=True)
    country = Str(required=True, allow_none=True)
    start_date = Date(required=True, allow_none=True)
    end_date = Date(required=True, allow_none=True)


class TaskAssigned(CaseEvent):
    task_id = Str(required=True)
    assigned_tenant = Str(required=True)
    assignee = Str(required=True, allow_none=True, metadata=PERSONAL)  # a user id or an e-mail address
    due_date = Date(required=True, allow_none=True)
    mandatory = ma.fields.Boolean(required=True)


class ItemReleased(CaseEvent):
    item_id = Str(required=True)
    originator_tenant = Str(required=True)
    tenants = Tenants()


class LanguageNeed(ma.Schema):
    code = Str(required=True)
    min_level = Str(required=True)


class CaseExpertRequested(ma.Schema):
    expert_request_id = Str(required=True)
    case_id = Str(required=True)
    jpa_id = Str(required=True, allow_none=True)
    requesting_tenant = Str(required=True)
    function = Str(required=True)
    languages = ma.fields.List(ma.fields.Nested(LanguageNeed), required=True)
    country = Str(required=True)
    location = Str(required=True, allow_none=True)
    start_date = Date(required=True)
    end_date = Date(required=True)
    number_of_experts = ma.fields.Integer(required=True)
    justification = Str(required=True)


CASE_EXAMPLE = {"case_id": "6650f0c2a1b2c3d4e5f60730", "jpa_id": "6650f0c2a1b2c3d4e5f60740", "lead_tenant": "THA"}
CONTRACTS = [
    EventContract(JPA_OPENED, JpaOpened, summary="A Joint Period of Action became active.", example={
        "jpa_id": "6650f0c2a1b2c3d4e5f60740", "name": "JPA Mekong 2026", "focus": ["trafficking_in_persons"],
        "start_date": "2026-11-01", "end_date": "2027-01-31", "coordinating_tenants": ["THA"],
        "participating_tenants": ["THA", "IDN", "MYS"]}),
    EventContract(JPA_CLOSED, JpaClosed, summary="A Joint Period of Action closed.", example={
        "jpa_id": "6650f0c2a1b2c3d4e5f60740", "participating_tenants": ["THA", "IDN", "MYS"]}),
    EventContract(CASE_OPENED, CaseOpened, summary="A lead state opened a case.",
                  example={**CASE_EXAMPLE, "case_type": "trafficking_in_persons"}),
    EventContract(CASE_MILESTONE_REACHED, CaseMilestoneReached, summary="A case reached its next milestone.",
                  example={**CASE_EXAMPLE, "milestone": "arrest", "date": "2026-11-20", "tenant": "THA"}),
    EventContract(CASE_SHARED, CaseShared, summary="A case was shared with another state.",
                  example={**CASE_EXAMPLE, "tenant": "IDN", "permission": "contribute"}),
    EventContract(CASE_CLOSED, CaseClosed, summary="A case was closed with its resolution.",
                  example={**CASE_EXAMPLE, "resolution": "convicted", "date": "2026-12-15"}),
    EventContract(CASE_EXPERT_DEPLOYED, CaseExpertDeployed, summary="The roster deployed an expert on a case.",
                  example={**CASE_EXAMPLE, "requesting_tenant": "THA", "deployment_id": "6650f0c2a1b2c3d4e5f60720",
                           "function": "interpretation_translation", "country": "THA", "start_date": "2026-12-01",
                           "end_date": "2026-12-20"}),
    EventContract(TASK_ASSIGNED, TaskAssigned, summary="A case's task was given to a tenant (and maybe a person).",
                  example={**CASE_EXAMPLE, "task_id": "6650f0c2a1b2c3d4e5f60750", "assigned_tenant": "IDN",
                           "assignee": "officer@polri.example.org", "due_date": "2026-12-05", "mandatory": True}),
    EventContract(ITEM_RELEASED, ItemReleased, summary="An information item was released to more participants.",
                  example={**CASE_EXAMPLE, "item_id": "6650f0c2a1b2c3d4e5f60760", "originator_tenant": "THA",
                           "tenants": ["IDN"]}),
    EventContract(CASE_EXPERT_REQUESTED, CaseExpertRequested, summary="A case asks the roster for experts.", example={
        "expert_request_id": "6650f0c2a1b2c3d4e5f60731", "case_id": "6650f0c2a1b2c3d4e5f60730",
        "jpa_id": "6650f0c2a1b2c3d4e5f60740", "requesting_tenant": "THA", "function": "interpretation_translation",
        "languages": [{"code": "my", "min_level": "professional"}], "country": "THA", "location": "Mae Sot",
        "start_date": "2026-12-01", "end_date": "2026-12-20", "number_of_experts": 1,
        "justification": "Interviews of rescued victims who speak Burmese"}),
]


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
