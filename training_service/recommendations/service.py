"""Recommendation use cases: create one per skill gap, mark it taken up, dismiss it."""

from __future__ import annotations

import logging

from chassis import db
from chassis.access import system
from chassis.auth import Principal
from chassis.clock import now
from chassis.problems import Conflict, NotFound
from chassis.vocabulary import FUNCTION_CODES
from training_service.catalogue.models import Course
from training_service.directory.models import TraineeRef
from training_service.directory.service import caller_filter, normalise_email, person_filter
from training_service.policy import offered_to
from training_service.recommendations.models import Recommendation

log = logging.getLogger(__name__)


def course_for_function(function: str, tenant: str) -> Course | None:
    """The published course offered to `tenant` that best covers `function`: one whose certificate
    qualifies for it, else one with a module on it; the most recently published first."""
    skill_gaps = system("the courses offered to a deployed expert's tenant, for their skill gaps")
    offered = skill_gaps.records(Course).filter(offered_to(tenant))
    return (offered.filter(function=function).order_by("-published_at").first()
            or offered.filter(outline__functions=function).order_by("-published_at").first())


def recommend_for_gaps(deployment: dict) -> list[Recommendation]:
    """One open recommendation per skill gap of a completed deployment that some course covers."""
    expert = deployment.get("expert") or {}
    tenant, email = expert.get("nominating_tenant"), expert.get("email")
    if not tenant or not email:
        log.warning("deployment without the expert's tenant or e-mail: no recommendation",
                    extra={"deployment_id": deployment.get("deployment_id")})
        return []
    person = TraineeRef(user_id=expert.get("user_id"), email=normalise_email(email),
                        name=expert.get("full_name") or email, tenant=tenant)
    created = []
    gaps = ((deployment.get("evaluation") or {}).get("skill_gaps")) or []
    for gap in gaps:
        function = gap.get("function")
        if function not in FUNCTION_CODES:
            continue
        course = course_for_function(function, tenant)
        if course is None:
            log.info("no course covers a skill gap", extra={"function": function, "tenant": tenant})
            continue
        exists = system("one recommendation per deployment and gap").records(Recommendation).filter(
            deployment_id=deployment["deployment_id"], function=function).count()
        if not exists:
            created.append(Recommendation(
                tenant=tenant, deployment_id=deployment["deployment_id"], function=function, note=gap.get("note"),
                course_id=course.id, course_code=course.code, course_title=course.title,
                provider_tenant=course.tenant, expert_id=expert.get("expert_id"), person=person,
            ).save(force_insert=True))
    return created


def mark_taken_up(person: TraineeRef, course: Course) -> None:
    """A person enrolled in a course recommended to them: the recommendation is done."""
    system("an enrolment takes up the person's own recommendations, in their tenant").records(Recommendation).filter(
        tenant=person.tenant, provider_tenant=course.tenant, course_code=course.code, status="open",
        __raw__=person_filter(person.user_id, person.email, field="person"),
    ).update(set__status="enrolled", set__updated_at=now())


def tenant_recommendations(status: str | None):
    recommendations = Recommendation.objects
    return (recommendations.filter(status=status) if status else recommendations).order_by("-created_at")


def my_recommendations(principal: Principal):
    return Recommendation.objects(__raw__=caller_filter(principal, field="person")).order_by("-created_at")


def dismiss(recommendation_id: str) -> Recommendation:
    recommendation = Recommendation.objects(id=db.object_id(recommendation_id, "recommendation")).first()
    if recommendation is None:
        raise NotFound(f"No recommendation {recommendation_id}")
    if recommendation.status != "open":
        raise Conflict("Only an open recommendation is dismissed", current_state=recommendation.status)
    recommendation.status, recommendation.updated_at = "dismissed", now()
    return recommendation.save()
