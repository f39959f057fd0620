"""Handlers for other services' events (docs/events.md). Each runs once per event, in one transaction."""

from __future__ import annotations

import logging

import marshmallow as ma

from chassis.access import system
from chassis.erasure import follow_erasure, is_erased
from chassis.messaging import Event
from chassis.messaging.consumer import Subscriptions
from chassis.messaging.contracts import Reads
from chassis.tenant_status import follow_tenant_status
from training_service.certificates.service import link_expert
from training_service.common import SYSTEM
from training_service.directory.service import record_expert
from training_service.enrolments.models import Enrolment
from training_service.enrolments.service import end_enrolment
from training_service.erasure import erase_person
from training_service.recommendations.service import recommend_for_gaps

log = logging.getLogger(__name__)


class ExpertRead(Reads):
    expert_id = ma.fields.String(required=True)
    email = ma.fields.String(allow_none=True)
    user_id = ma.fields.String(allow_none=True)
    full_name = ma.fields.String(allow_none=True)
    nominating_tenant = ma.fields.String(allow_none=True)


class SkillGapRead(Reads):
    function = ma.fields.String(allow_none=True)
    note = ma.fields.String(allow_none=True)


class EvaluationRead(Reads):
    skill_gaps = ma.fields.List(ma.fields.Nested(SkillGapRead), allow_none=True)


class CompletedDeploymentRead(Reads):
    deployment_id = ma.fields.String(required=True)
    expert = ma.fields.Nested(ExpertRead, allow_none=True)
    evaluation = ma.fields.Nested(EvaluationRead, allow_none=True)
subscriptions = Subscriptions("training")


@subscriptions.on("roster.expert.registered", reads=ExpertRead)
def link_trainee_to_expert(event: Event) -> None:
    """Remember the expert, so certificate events name `holder.expert_id`; fill it in on certificates held."""
    data = event.data
    if is_erased(data["expert_id"]):  # published before the expert withdrew consent, consumed after
        return
    record_expert(expert_id=data["expert_id"], email=data.get("email"), user_id=data.get("user_id"),
                  full_name=data.get("full_name"), nominating_tenant=data.get("nominating_tenant"))
    link_expert(data["expert_id"], data.get("user_id"), data.get("email"), data.get("nominating_tenant"))


@subscriptions.on("roster.deployment.completed", reads=CompletedDeploymentRead)
def recommend_training_for_skill_gaps(event: Event) -> None:
    """Each skill gap in the evaluation becomes a recommended enrolment in a course covering that function."""
    if is_erased((event.data.get("expert") or {}).get("expert_id")):
        return
    recommend_for_gaps(event.data)


def withdraw_waiting_people(tenant: str, event: Event) -> None:
    """A suspended tenant's courses leave the catalogue and its people wait no longer for seats: their
    waitlisted and pending enrolments are withdrawn. Seats already held, progress and certificates stay."""
    waiting = list(system("withdraw a suspended tenant's people from waitlists").records(Enrolment).filter(
        tenant=tenant, status__in=("waitlisted", "pending_approval")))
    for enrolment in waiting:
        end_enrolment(enrolment, SYSTEM, f"tenant {tenant} suspended")
    log.info("tenant suspended", extra={"tenant": tenant, "withdrawn": len(waiting)})


follow_tenant_status(subscriptions, on_suspended=withdraw_waiting_people)
follow_erasure(subscriptions, erase_person)
