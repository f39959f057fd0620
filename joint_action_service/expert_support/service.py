"""Requesting experts from the roster for a case, and keeping the roster's deployments on the case."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from chassis.access import system
from chassis.clock import now
from chassis.erasure import ERASED_NAME, is_erased
from joint_action_service import events
from joint_action_service.access_log.service import append, case_access, logged, logged_page
from joint_action_service.cases.models import Case
from joint_action_service.common import parse_object_id
from joint_action_service.expert_support.models import (
    CANCELLED,
    DEPLOYMENT_PROGRESS,
    CaseDeployment,
    DeployedExpert,
    ExpertRequest,
    LanguageNeed,
)
from joint_action_service.visibility import Viewer

log = logging.getLogger(__name__)


def request_expert(viewer: Viewer, case_id: str, data: dict) -> ExpertRequest:
    """Ask the roster for experts (lead or contributing tenant): the request leaves as an event."""
    def work() -> ExpertRequest:
        case = viewer.workable_case(case_id)
        request = ExpertRequest(
            tenant=viewer.tenant, case_id=case.id, jpa_id=case.jpa_id, requested_by=viewer.sub,
            **{**data, "languages": [LanguageNeed(**need) for need in data["languages"]]},
        )
        request.save(force_insert=True)
        events.case_expert_requested(request)
        append(viewer, [case_access(case, "expert_requested", f"expert request {request.id}")])
        return request

    return logged(work)


def list_expert_requests(viewer: Viewer, case_id: str, pagination_parameters) -> list[ExpertRequest]:
    case = viewer.case(case_id)
    requests = viewer.case_records(ExpertRequest, [case]).order_by("-created_at")
    return logged_page(viewer, requests, pagination_parameters,
                       lambda _: [case_access(case, "read", "expert requests")])


def record_roster_decision(status: str, data: dict[str, Any], at: dt.datetime) -> None:
    """The roster received, reviewed, offered, rejected or staffed an expert request: show it on the request (runs
    in the consumer's transaction, once per event). Events may arrive out of order: an older one changes nothing."""
    request_id = parse_object_id(data.get("expert_request_id"))
    request = system("the roster answers an expert request of a case").records(ExpertRequest).filter(
        id=request_id).first() if request_id else None
    if request is None:
        return  # a roster request of its own, not from a case
    if request.roster_updated_at is not None and at < request.roster_updated_at:
        return
    request.roster_request_id = data.get("request_id")
    request.roster_status = status
    request.roster_comment = data.get("comment")
    request.roster_updated_at = at
    request.save()


def _progress(status: str) -> int:
    """How far a deployment has come; a cancellation ends it wherever it was, but not after completion."""
    return len(DEPLOYMENT_PROGRESS) - 1 if status == CANCELLED else DEPLOYMENT_PROGRESS.index(status)


def record_deployment(status: str, data: dict[str, Any]) -> None:
    """Show a roster deployment on its case (runs in the consumer's transaction, once per event).

    Events of different types may arrive out of order: a deployment only ever moves forward.
    """
    case_id = parse_object_id(data.get("case_id"))
    case = system("a roster deployment answers an expert request of the case").records(Case).filter(
        id=case_id).first() if case_id else None
    if case is None:
        log.info("deployment for no known case ignored", extra={"deployment_id": data.get("deployment_id")})
        return
    deployment = system("deployments are keyed by the roster's id").records(CaseDeployment).filter(
        id=data["deployment_id"]).first()
    if deployment is not None and _progress(status) <= _progress(deployment.status):
        return
    expert = data.get("expert") or {}
    deployment = CaseDeployment(
        id=data["deployment_id"], tenant=data.get("requesting_tenant") or case.tenant, case_id=case.id,
        request_id=data.get("request_id"), function=data.get("function"), country=data.get("country"),
        location=data.get("location"), start_date=data.get("start_date"), end_date=data.get("end_date"),
        status=status, cancellation_reason=data.get("reason") if status == CANCELLED else None,
        expert=DeployedExpert(expert_id=expert.get("expert_id"), full_name=_name_unless_erased(expert),
                              nominating_tenant=expert.get("nominating_tenant")),
        updated_at=now(),
    ).save()
    if status == "deployed":
        events.case_expert_deployed(case, deployment)


def _name_unless_erased(expert: dict[str, Any]) -> str | None:
    """An event published before the expert withdrew consent may arrive after: it brings no name back."""
    return ERASED_NAME if is_erased(expert.get("expert_id")) else expert.get("full_name")


def forget_expert(expert_id: str, _user_id: str | None) -> None:
    """The expert withdrew consent (`roster.expert.erased`): deployments on cases keep the expert's id, function
    and dates, for the case's record, but no longer name them."""
    system("an erased expert's deployments, whichever tenant requested them").records(CaseDeployment).filter(
        expert__expert_id=expert_id).update(set__expert__full_name=ERASED_NAME)
