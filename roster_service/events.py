"""The events the roster publishes (its public contract, docs/events.md) and the payloads they carry."""

from __future__ import annotations

import marshmallow as ma

from chassis.messaging import emit
from chassis.messaging.contracts import PERSONAL, EventContract
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

Str, Date = ma.fields.String, ma.fields.Date


class ExpertRegistered(ma.Schema):
    expert_id = Str(required=True)
    nominating_tenant = Str(required=True)
    full_name = Str(required=True, allow_none=True, metadata=PERSONAL)
    email = Str(required=True, allow_none=True, metadata=PERSONAL)
    user_id = Str(required=True, allow_none=True, metadata=PERSONAL)
    functions = ma.fields.List(Str(), required=True)


class ExpertVetted(ma.Schema):
    expert_id = Str(required=True)
    nominating_tenant = Str(required=True)
    user_id = Str(required=True, allow_none=True, metadata=PERSONAL)
    email = Str(required=True, allow_none=True, metadata=PERSONAL)
    functions = ma.fields.List(Str(), required=True)
    vetted_at = ma.fields.DateTime(required=True, allow_none=True)


class ExpertErased(ma.Schema):
    expert_id = Str(required=True)
    user_id = Str(required=True, allow_none=True)


class DeploymentRequested(ma.Schema):
    request_id = Str(required=True)
    requesting_tenant = Str(required=True)
    function = Str(required=True)
    country = Str(required=True)
    start_date = Date(required=True)
    end_date = Date(required=True)
    case_id = Str(required=True, allow_none=True)
    expert_request_id = Str(required=True, allow_none=True)


class DeploymentRequestMoved(ma.Schema):
    request_id = Str(required=True)
    expert_request_id = Str(required=True, allow_none=True)
    case_id = Str(required=True, allow_none=True)
    requesting_tenant = Str(required=True)
    status = Str(required=True)
    comment = Str(required=True, allow_none=True)


class ExpertOnDeployment(ma.Schema):
    expert_id = Str(required=True)
    full_name = Str(required=True, allow_none=True, metadata=PERSONAL)
    email = Str(required=True, allow_none=True, metadata=PERSONAL)
    user_id = Str(required=True, allow_none=True, metadata=PERSONAL)
    nominating_tenant = Str(required=True)


class SkillGap(ma.Schema):
    function = Str(required=True)
    note = Str(required=True)


class EvaluationOfDeployment(ma.Schema):
    rating = ma.fields.Integer(required=True)
    strengths = Str(required=True, allow_none=True)
    skill_gaps = ma.fields.List(ma.fields.Nested(SkillGap), required=True)


class DeploymentMoved(ma.Schema):
    """Every `roster.deployment.*` event: `evaluation` on completion, `reason` on a cancellation or decline."""

    deployment_id = Str(required=True)
    request_id = Str(required=True)
    case_id = Str(required=True, allow_none=True)
    requesting_tenant = Str(required=True)
    function = Str(required=True)
    country = Str(required=True)
    location = Str(required=True, allow_none=True)
    start_date = Date(required=True)
    end_date = Date(required=True)
    status = Str(required=True)
    expert = ma.fields.Nested(ExpertOnDeployment, required=True)
    evaluation = ma.fields.Nested(EvaluationOfDeployment, metadata=PERSONAL)
    reason = Str(allow_none=True)


EXPERT_EXAMPLE = {"expert_id": "6650f0c2a1b2c3d4e5f60718", "nominating_tenant": "IDN", "user_id": "u-ayu",
                  "email": "ayu.lestari@example.org", "functions": ["interpretation_translation"]}
DEPLOYMENT_EXAMPLE = {
    "deployment_id": "6650f0c2a1b2c3d4e5f60720", "request_id": "6650f0c2a1b2c3d4e5f60719",
    "case_id": "6650f0c2a1b2c3d4e5f60730", "requesting_tenant": "THA", "function": "interpretation_translation",
    "country": "THA", "location": "Bangkok", "start_date": "2026-12-01", "end_date": "2026-12-20",
    "status": "completed",
    "expert": {"expert_id": "6650f0c2a1b2c3d4e5f60718", "full_name": "Ayu Lestari", "email": "ayu.lestari@example.org",
               "user_id": "u-ayu", "nominating_tenant": "IDN"},
    "evaluation": {"rating": 4, "strengths": "Clear interpretation",
                   "skill_gaps": [{"function": "language_document_analysis", "note": "Forged visas"}]},
    "reason": "Declined: unavailable",
}
CONTRACTS = [
    EventContract(EXPERT_REGISTERED, ExpertRegistered, summary="A member state nominated an expert to the roster.",
                  example={**EXPERT_EXAMPLE, "full_name": "Ayu Lestari"}),
    EventContract(EXPERT_VETTED, ExpertVetted, summary="The roster office vetted an expert's profile.",
                  example={**EXPERT_EXAMPLE, "vetted_at": "2026-11-02T08:00:00Z"}),
    EventContract(EXPERT_ERASED, ExpertErased,
                  summary="An expert withdrew consent: every service forgets what it holds about them.",
                  example={"expert_id": "6650f0c2a1b2c3d4e5f60718", "user_id": "u-ayu"}),
    EventContract(DEPLOYMENT_REQUESTED, DeploymentRequested, summary="A member state submitted a request for experts.",
                  example={"request_id": "6650f0c2a1b2c3d4e5f60719", "requesting_tenant": "THA",
                           "function": "interpretation_translation", "country": "THA", "start_date": "2026-12-01",
                           "end_date": "2026-12-20", "case_id": "6650f0c2a1b2c3d4e5f60730",
                           "expert_request_id": "6650f0c2a1b2c3d4e5f60731"}),
    EventContract(DEPLOYMENT_REQUEST_MOVED, DeploymentRequestMoved,
                  summary="A deployment request reached a new status.",
                  example={"request_id": "6650f0c2a1b2c3d4e5f60719", "expert_request_id": "6650f0c2a1b2c3d4e5f60731",
                           "case_id": "6650f0c2a1b2c3d4e5f60730", "requesting_tenant": "THA",
                           "status": "rejected", "comment": "No expert free in those dates"}),
    *[EventContract(event_type, DeploymentMoved, summary=f"A deployment became {status}.", example={
        **DEPLOYMENT_EXAMPLE, "status": status}) for status, event_type in DEPLOYMENT_EVENT_BY_STATUS.items()
      if status != "declined"],
]


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
    """Blank the fields the roster's contracts declare personal in every event about the expert still in the
    outbox, sent or not."""
    personal = sorted({f"data.{path}" for contract in CONTRACTS for path in contract.personal_paths()})
    return redact({"data.expert_id": expert_id}, personal) + redact({"data.expert.expert_id": expert_id}, personal)


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
