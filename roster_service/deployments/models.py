from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.vocabulary import PROFICIENCY_LEVELS
from chassis.workflow import Transition
from roster_service.vocabulary import CLEARANCE_LEVELS
from roster_service.workflows import DEPLOYMENT_WORKFLOW, REQUEST_WORKFLOW


class LanguageRequirement(me.EmbeddedDocument):
    code = me.StringField(required=True, max_length=3)
    min_level = me.StringField(required=True, choices=PROFICIENCY_LEVELS)


class DeploymentRequest(TenantOwnedDocument):
    """A member state's request for experts (owned by the requesting tenant)."""

    meta = {
        "collection": "deployment_requests",
        "indexes": ["status", {"fields": ["expert_request_id"], "unique": True, "sparse": True},
                    ("created_at", "_id")],
    }

    function = me.StringField(required=True)
    languages = me.EmbeddedDocumentListField(LanguageRequirement)
    country = me.StringField(required=True, max_length=3)
    location = me.StringField(required=True, max_length=200)
    start_date = me.DateField(required=True)
    end_date = me.DateField(required=True)
    number_of_experts = me.IntField(required=True, min_value=1, max_value=50)
    justification = me.StringField(required=True, max_length=4000)
    exclude_nationals = me.BooleanField(default=True)
    min_readiness = me.StringField(choices=("vetted", "ready"), default="ready")
    min_clearance = me.StringField(choices=CLEARANCE_LEVELS, default="none")
    case_id = me.StringField(null=True, max_length=100)  # set only from the joint-action case that asked
    expert_request_id = me.StringField(max_length=100)  # the joint-action expert request it came from (unset if none)
    status = me.StringField(required=True, choices=REQUEST_WORKFLOW.states, default="draft")
    history = me.EmbeddedDocumentListField(Transition)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
    submitted_at = me.DateTimeField(null=True)


class SkillGap(me.EmbeddedDocument):
    function = me.StringField(required=True)
    note = me.StringField(required=True, max_length=2000)


class Evaluation(me.EmbeddedDocument):
    rating = me.IntField(required=True, min_value=1, max_value=5)
    strengths = me.StringField(max_length=4000, default="")
    skill_gaps = me.EmbeddedDocumentListField(SkillGap)
    recorded_by = me.StringField(required=True)
    recorded_at = me.DateTimeField(required=True)


class ExpertSnapshot(me.EmbeddedDocument):
    """Who was offered, as of the offer (refreshed on acceptance); scrubbed if consent is withdrawn."""

    expert_id = me.StringField(required=True)
    full_name = me.StringField(max_length=200)
    email = me.StringField(max_length=254)
    phone = me.StringField(max_length=40)
    user_id = me.StringField(max_length=200)
    nominating_tenant = me.StringField(required=True)
    nationality = me.StringField(max_length=3)


class Deployment(TenantOwnedDocument):
    """One offered expert for one request (owned by the requesting tenant, like its request)."""

    meta = {
        "collection": "deployments",
        "indexes": ["request_id", "expert.expert_id", "expert.nominating_tenant", "status", ("start_date", "_id")],
    }

    request_id = me.StringField(required=True)
    case_id = me.StringField(null=True)
    function = me.StringField(required=True)
    country = me.StringField(required=True)
    location = me.StringField(required=True)
    start_date = me.DateField(required=True)
    end_date = me.DateField(required=True)
    expert = me.EmbeddedDocumentField(ExpertSnapshot, required=True)
    status = me.StringField(required=True, choices=DEPLOYMENT_WORKFLOW.states, default="offered")
    history = me.EmbeddedDocumentListField(Transition)
    evaluation = me.EmbeddedDocumentField(Evaluation, null=True)
    cancellation_reason = me.StringField(max_length=2000)
    created_at = me.DateTimeField(required=True, default=now)
