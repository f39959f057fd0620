"""Use cases of deployment requests and deployments: request, review, offer, accept, deploy, complete.

A request belongs to the requesting tenant; each offered expert gets a deployment of its own, owned
by the same tenant. The roster office works on every tenant's requests; the nominating tenant and
the expert reach the deployments of their experts. Everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt

from chassis import context, db
from chassis.access import at_hand, system
from chassis.auth import Principal
from chassis.clock import now
from chassis.problems import Conflict, InvalidTransition, NotFound, ValidationFailed
from chassis.workflow import Transition
from roster_service import events
from roster_service.access import (
    NOMINATING_TENANT,
    ROSTER_OFFICE,
    THE_EXPERT,
    acting_as,
)
from roster_service.deployments.booking import BOOKING, book_expert, release_expert
from roster_service.deployments.models import (
    Deployment,
    DeploymentRequest,
    Evaluation,
    ExpertSnapshot,
    LanguageRequirement,
)
from roster_service.experts.models import Expert
from roster_service.policy import policy
from roster_service.search.criteria import LanguageNeed, SearchCriteria
from roster_service.search.service import explain
from roster_service.workflows import (
    BOOKED_DEPLOYMENT_STATES,
    DEPLOYMENT_WORKFLOW,
    LIVE_DEPLOYMENT_STATES,
    REQUEST_STEPS_BY_HAND,
    REQUEST_WORKFLOW,
)

BELONGS_TO_REQUEST = system("a deployment step moves the request it belongs to, and its sibling deployments, "
                            "whoever took it")
ERASURE = system("an expert who withdrew consent is forgotten by every deployment, whichever tenant requested it")
IDENTITY = system("a profile's new identity link reaches its live deployments, whichever tenant requested them")
OPEN_REQUEST_STATES = ("submitted", "under_review", "offered")  # waiting for experts
STEPS_FROM_THE_START_DATE = ("deployed", "completed")  # a deployment cannot be under way before its first day


# --- requests -------------------------------------------------------------------------------------------

def request_capacities(principal: Principal, request: DeploymentRequest) -> set[str]:
    return policy.viewer(principal).capacities(request)


def find_request(principal: Principal, request_id: str) -> DeploymentRequest:
    """The request if the caller may see it: its own tenant's, or any for the RSO's roster readers."""
    return policy.viewer(principal).get(DeploymentRequest, request_id)


def list_requests(principal: Principal, *, status: str | None = None, function: str | None = None):
    requests = policy.viewer(principal).sees(DeploymentRequest)
    if status:
        requests = requests.filter(status=status)
    if function:
        requests = requests.filter(function=function)
    return requests.order_by("-created_at", "-id")


def _request_fields(data: dict) -> dict:
    fields = dict(data)
    if "languages" in fields:
        fields["languages"] = [LanguageRequirement(**language) for language in fields["languages"]]
    return fields


def create_request(principal: Principal, data: dict) -> DeploymentRequest:
    """A draft request of the caller's tenant; nothing happens until it is submitted."""
    return DeploymentRequest(created_by=principal.sub, **_request_fields(data)).save(force_insert=True)


def update_request(principal: Principal, request_id: str, changes: dict) -> DeploymentRequest:
    request = find_request(principal, request_id)
    policy.viewer(principal).require("edit", request, "Only the requesting tenant's officers edit a request")
    merged = {"start_date": request.start_date, "end_date": request.end_date, **changes}
    if merged["end_date"] < merged["start_date"]:
        raise ValidationFailed({"end_date": ["Must be on or after start_date"]})
    fields = _request_fields(changes)
    updated = DeploymentRequest.objects(id=request.id, status="draft").update_one(
        **{f"set__{name}": value for name, value in fields.items()})
    if not updated:
        raise Conflict("Only a draft request can be edited", current_state=request.status)
    request.reload()
    return request


def transition_request(principal: Principal, request_id: str, target: str, comment: str | None) -> DeploymentRequest:
    request = find_request(principal, request_id)
    if target not in REQUEST_STEPS_BY_HAND:
        raise InvalidTransition(current_state=request.status, requested=target, allowed_next_states=[
            state for state in REQUEST_WORKFLOW.allowed_next(request.status) if state in REQUEST_STEPS_BY_HAND])
    actor = acting_as(principal, request_capacities(principal, request))

    def write() -> DeploymentRequest:
        fresh = at_hand(request).get()
        if target == "submitted":
            fresh.submitted_at = now()
        REQUEST_WORKFLOW.take(fresh, target, actor, comment)
        if target == "submitted":
            events.deployment_requested(fresh)
        else:
            events.deployment_request_moved(fresh, comment)
        if target in ("withdrawn", "cancelled"):
            _end_live_deployments(fresh, actor, reason=comment or f"The request was {target}")
        return fresh

    return db.transaction(write)


def _end_live_deployments(request: DeploymentRequest, actor: Principal, reason: str) -> None:
    for deployment in BELONGS_TO_REQUEST.records(Deployment).filter(
            request_id=str(request.id), status__in=LIVE_DEPLOYMENT_STATES):
        _move_deployment(deployment, "cancelled", actor, reason, reason=reason)


def request_from_case(fields: dict) -> DeploymentRequest | None:
    """A joint-action case asked for experts: one submitted request per expert request, never two."""
    existing = system("one request per joint-action expert request").records(DeploymentRequest).filter(
        expert_request_id=fields["expert_request_id"]).first()
    if existing is not None:
        return None
    tenant = fields.pop("requesting_tenant")
    with context.bound(tenant=tenant):
        submitted = now()
        request = DeploymentRequest(
            tenant=tenant, status="submitted", submitted_at=submitted, created_by=f"joint_action:{fields['case_id']}",
            history=[Transition(from_state="draft", to_state="submitted", actor=f"joint_action:{fields['case_id']}",
                                actor_tenant=tenant, at=submitted,
                                comment=f"Requested by joint-action case {fields['case_id']}")],
            **_request_fields(fields))
        request.save(force_insert=True)
        events.deployment_requested(request)
    return request


def criteria_of(request: DeploymentRequest) -> SearchCriteria:
    return SearchCriteria(
        function=request.function,
        languages=tuple(LanguageNeed(language.code, language.min_level) for language in request.languages),
        start_date=request.start_date, end_date=request.end_date, min_readiness=request.min_readiness,
        country=request.country, exclude_nationals=request.exclude_nationals, min_clearance=request.min_clearance)


# --- offers and deployments -----------------------------------------------------------------------------

def make_offer(principal: Principal, request_id: str, expert_id: str, comment: str | None) -> Deployment:
    """Offer one expert for a request (roster office). The expert must match the request."""
    request = find_request(principal, request_id)
    viewer = policy.viewer(principal)
    viewer.require("offer", request, "Only the roster office offers experts")
    try:
        expert = viewer.get(Expert, expert_id)
    except NotFound:
        expert = None
    if expert is None or expert.status == "anonymised":
        raise ValidationFailed({"expert_id": ["No such expert on the roster"]})

    def write() -> Deployment:
        fresh = at_hand(request).get()
        if fresh.status not in ("under_review", "offered"):
            raise InvalidTransition(current_state=fresh.status, requested="offered",
                                    allowed_next_states=REQUEST_WORKFLOW.allowed_next(fresh.status))
        live = viewer.sees(Deployment).filter(request_id=str(fresh.id), status__in=LIVE_DEPLOYMENT_STATES)
        if any(deployment.expert.expert_id == expert_id for deployment in live):
            raise Conflict("This expert is already offered for this request")
        if live.count() >= fresh.number_of_experts:
            raise Conflict(f"All {fresh.number_of_experts} places of the request are offered or filled")
        explanation = explain(criteria_of(fresh), expert)
        if not explanation.matched:
            raise Conflict(f"The expert does not match the request: {explanation.first_failure['reason']}",
                           slug="expert-does-not-match", first_failure=explanation.first_failure)
        actor = acting_as(principal, {ROSTER_OFFICE})
        deployment = Deployment(
            tenant=fresh.tenant, request_id=str(fresh.id), case_id=fresh.case_id, function=fresh.function,
            country=fresh.country, location=fresh.location, start_date=fresh.start_date, end_date=fresh.end_date,
            expert=snapshot(expert), status="offered",
            history=[Transition(from_state="new", to_state="offered", actor=principal.sub,
                                actor_tenant=principal.tenant, at=now(), comment=comment)])
        deployment.save(force_insert=True)
        events.deployment_moved(deployment)
        _roll_up(fresh, actor)
        return deployment

    return db.transaction(write)


def snapshot(expert: Expert) -> ExpertSnapshot:
    return ExpertSnapshot(expert_id=str(expert.id), full_name=expert.full_name, email=expert.email,
                          phone=expert.phone, user_id=expert.user_id, nominating_tenant=expert.tenant,
                          nationality=expert.nationality)


def deployment_capacities(principal: Principal, deployment: Deployment) -> set[str]:
    return policy.viewer(principal).capacities(deployment)


def find_deployment(principal: Principal, deployment_id: str) -> Deployment:
    """A deployment the caller sees: the requesting tenant's, its nominees' (an expert known by e-mail is one of
    them), the expert's own; any for the roster office's readers."""
    return policy.viewer(principal).get(Deployment, deployment_id)


def list_deployments(principal: Principal, *, status: str | None = None, request_id: str | None = None,
                     expert_id: str | None = None):
    deployments = policy.viewer(principal).sees(Deployment)
    if status:
        deployments = deployments.filter(status=status)
    if request_id:
        deployments = deployments.filter(request_id=request_id)
    if expert_id:
        deployments = deployments.filter(expert__expert_id=expert_id)
    return deployments.order_by("-start_date", "-id")


def contact_visible(principal: Principal, deployment: Deployment) -> bool:
    """The requesting tenant sees the expert's contact details only once the offer is accepted."""
    if policy.viewer(principal).may("see_contact", deployment):
        return True
    return deployment.status in BOOKED_DEPLOYMENT_STATES


def transition_deployment(principal: Principal, deployment_id: str, target: str, *, comment: str | None = None,
                          evaluation: dict | None = None, reason: str | None = None) -> Deployment:
    deployment = find_deployment(principal, deployment_id)
    actor = acting_as(principal, deployment_capacities(principal, deployment))
    DEPLOYMENT_WORKFLOW.check(deployment.status, target, actor)
    if target in STEPS_FROM_THE_START_DATE and dt.date.today() < deployment.start_date:
        raise Conflict(f"A deployment cannot be {target} before its start date, "
                       f"{deployment.start_date.isoformat()}", slug="deployment-not-started",
                       current_state=deployment.status, allowed_next_states=[
                           state for state in DEPLOYMENT_WORKFLOW.allowed_next(deployment.status)
                           if state not in STEPS_FROM_THE_START_DATE])
    if target == "completed" and evaluation is None:
        raise ValidationFailed({"evaluation": ["An evaluation is recorded when a deployment is completed"]})

    def write() -> Deployment:
        fresh = at_hand(deployment).get()
        recorded = None
        if evaluation is not None and target == "completed":
            recorded = Evaluation(recorded_by=principal.sub, recorded_at=now(), **evaluation)
        _move_deployment(fresh, target, actor, comment, reason=reason, evaluation=recorded)
        _roll_up(BELONGS_TO_REQUEST.records(DeploymentRequest).get(id=fresh.request_id), actor)
        return fresh

    return db.transaction(write)


def _move_deployment(deployment: Deployment, target: str, actor: Principal, comment: str | None, *,
                     reason: str | None = None, evaluation: Evaluation | None = None) -> None:
    """One deployment step with its effects on the expert's bookings, and its event."""
    was_booked = deployment.status in BOOKED_DEPLOYMENT_STATES
    if target == "accepted":
        book_expert(deployment)
        expert = BOOKING.records(Expert).get(id=deployment.expert.expert_id)
        deployment.expert = snapshot(expert)
    if target in ("cancelled", "declined"):
        if was_booked:
            release_expert(deployment)
        deployment.cancellation_reason = reason or comment
    if evaluation is not None:
        deployment.evaluation = evaluation
    DEPLOYMENT_WORKFLOW.take(deployment, target, actor, comment)
    events.deployment_moved(deployment)


def rolled_up_status(current: str, deployment_states: list[str], places: int) -> str:
    """Where a request stands given its deployments: places filled by accepted experts, then deployed, ..."""
    booked = [state for state in deployment_states if state in BOOKED_DEPLOYMENT_STATES]
    if current == "deployed":
        return "completed" if booked and all(state == "completed" for state in booked) else current
    if current not in ("under_review", "offered", "accepted"):
        return current
    if len(booked) >= places:
        return "deployed" if all(state in ("deployed", "completed") for state in booked) else "accepted"
    if booked or "offered" in deployment_states:
        return "offered"
    return "under_review"


def _roll_up(request: DeploymentRequest, actor: Principal) -> None:
    states = list(BELONGS_TO_REQUEST.records(Deployment).filter(request_id=str(request.id)).scalar("status"))
    target = rolled_up_status(request.status, states, request.number_of_experts)
    if target != request.status and target in REQUEST_WORKFLOW.allowed_next(request.status):
        comment = "Follows from the request's deployments"
        REQUEST_WORKFLOW.take(request, target, actor, comment)
        events.deployment_request_moved(request, comment)


def end_deployments_of_withdrawn_expert(expert: Expert, principal: Principal, reason: str) -> None:
    """Consent withdrawn: every deployment forgets who the expert was, and open offers and bookings end."""
    deployments = ERASURE.records(Deployment).filter(expert__expert_id=str(expert.id))
    deployments.update(set__expert__full_name=None, set__expert__email=None, set__expert__phone=None,
                       set__expert__user_id=None)
    actor = acting_as(principal, {NOMINATING_TENANT, THE_EXPERT})
    for deployment in deployments.filter(status__in=("offered", "accepted")):
        _move_deployment(deployment, "declined" if deployment.status == "offered" else "cancelled", actor, reason,
                         reason=reason)
        _roll_up(BELONGS_TO_REQUEST.records(DeploymentRequest).get(id=deployment.request_id), actor)


def follow_identity_change(expert: Expert) -> None:
    """The profile's identity link changed (user id or e-mail): its live deployments recognise the expert by
    the new one only, so an account unlinked from the profile no longer answers its offers."""
    IDENTITY.records(Deployment).filter(
        expert__expert_id=str(expert.id), status__in=LIVE_DEPLOYMENT_STATES).update(
        set__expert__user_id=expert.user_id, set__expert__email=expert.email)


def history_of(principal: Principal, expert: Expert):
    """The expert's deployments with their evaluations, newest first (for a caller who reads the whole profile)."""
    return policy.viewer(principal).sees(Deployment).filter(expert__expert_id=str(expert.id)).order_by("-start_date")
