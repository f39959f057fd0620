"""The events the roster publishes (its public contract, docs/events.md) and the payloads they carry."""

from __future__ import annotations

from chassis.messaging import emit
from chassis.messaging.outbox import redact
from roster_service.deployments.models import Deployment, DeploymentRequest
from roster_service.experts.models import Expert

EXPERT_REGISTERED = "roster.expert.registered"
EXPERT_VETTED = "roster.expert.vetted"
EXPERT_ERASED = "roster.expert.erased"
DEPLOYMENT_REQUESTED = "roster.deployment.requested"
DEPLOYMENT_REQUEST_MOVED = "roster.deployment_request.moved"
DEPLOYMENT_EVENT_BY_STATUS = {
    "offered": "roster.deployment.offered",
    "accepted": "roster.deployment.accepted",
    "deployed": "roster.deployment.deployed",
    "completed": "roster.deployment.completed",
    "cancelled": "roster.deployment.cancelled",
    "declined": "roster.deployment.cancelled",  # a declined offer ends like a cancelled one; `status` tells them apart
}


def expert_registered(expert: Expert) -> None:
    emit(EXPERT_REGISTERED, {
        "expert_id": str(expert.id), "nominating_tenant": expert.tenant, "full_name": expert.full_name,
        "email": expert.email, "user_id": expert.user_id, "functions": expert.function_codes(),
    })


def expert_vetted(expert: Expert) -> None:
    emit(EXPERT_VETTED, {
        "expert_id": str(expert.id), "nominating_tenant": expert.tenant, "user_id": expert.user_id,
        "email": expert.email, "functions": expert.function_codes(),
        "vetted_at": expert.vetted_at.isoformat().replace("+00:00", "Z") if expert.vetted_at else None,
    })


def expert_erased(expert_id: str, user_id: str | None) -> None:
    """The expert withdrew consent: other services forget what they hold about them. Ids only, no personal data;
    `user_id` is the person's gateway account, which records made outside the roster name."""
    emit(EXPERT_ERASED, {"expert_id": expert_id, "user_id": user_id})


def redact_expert_from_outbox(expert_id: str) -> int:
    """Blank the expert's identity and evaluation in every event about them still in the outbox, sent or not."""
    return (redact({"data.expert_id": expert_id}, ["data.full_name", "data.email", "data.user_id"])
            + redact({"data.expert.expert_id": expert_id},
                     ["data.expert.full_name", "data.expert.email", "data.expert.user_id", "data.evaluation"]))


def deployment_requested(request: DeploymentRequest) -> None:
    emit(DEPLOYMENT_REQUESTED, {
        "request_id": str(request.id), "requesting_tenant": request.tenant, "function": request.function,
        "country": request.country, "start_date": request.start_date.isoformat(),
        "end_date": request.end_date.isoformat(), "case_id": request.case_id,
        "expert_request_id": request.expert_request_id,
    })


def deployment_request_moved(request: DeploymentRequest, comment: str | None) -> None:
    """A request reached a new status, by the roster office's or the requester's hand or following from its
    deployments: a joint-action case learns the roster's decision on its expert request from this."""
    emit(DEPLOYMENT_REQUEST_MOVED, {
        "request_id": str(request.id), "expert_request_id": request.expert_request_id, "case_id": request.case_id,
        "requesting_tenant": request.tenant, "status": request.status, "comment": comment,
    })


def deployment_data(deployment: Deployment) -> dict:
    expert = deployment.expert
    return {
        "deployment_id": str(deployment.id), "request_id": deployment.request_id, "case_id": deployment.case_id,
        "requesting_tenant": deployment.tenant, "function": deployment.function, "country": deployment.country,
        "location": deployment.location, "start_date": deployment.start_date.isoformat(),
        "end_date": deployment.end_date.isoformat(), "status": deployment.status,
        "expert": {"expert_id": expert.expert_id, "full_name": expert.full_name, "email": expert.email,
                   "user_id": expert.user_id, "nominating_tenant": expert.nominating_tenant},
    }


def deployment_moved(deployment: Deployment) -> None:
    """The event for the status the deployment just reached."""
    data = deployment_data(deployment)
    if deployment.status == "completed" and deployment.evaluation is not None:
        evaluation = deployment.evaluation
        data["evaluation"] = {"rating": evaluation.rating, "strengths": evaluation.strengths,
                              "skill_gaps": [{"function": gap.function, "note": gap.note}
                                             for gap in evaluation.skill_gaps]}
    if deployment.status in ("cancelled", "declined"):
        data["reason"] = deployment.cancellation_reason
    emit(DEPLOYMENT_EVENT_BY_STATUS[deployment.status], data)
