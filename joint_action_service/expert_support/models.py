"""Experts requested from the roster for a case, and the roster's deployments that answer them."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.vocabulary import FUNCTION_CODES, PROFICIENCY_LEVELS


class LanguageNeed(me.EmbeddedDocument):
    code = me.StringField(required=True)
    min_level = me.StringField(required=True, choices=PROFICIENCY_LEVELS)


ROSTER_STATUS_SENT = "sent"  # the request left as an event; the roster has not answered yet


class ExpertRequest(TenantOwnedDocument):
    """Owned by the requesting tenant; seen by every participant of the case.

    `roster_*` is the roster's answer, kept from its `roster.deployment.requested` and
    `roster.deployment_request.moved` events: the roster's request and where it stands (submitted, under_review,
    offered, accepted, deployed, completed, rejected, withdrawn, cancelled), with the roster's comment.
    """

    meta = {"collection": "expert_requests", "indexes": ["case_id"]}

    case_id = me.ObjectIdField(required=True)
    jpa_id = me.ObjectIdField(null=True)
    function = me.StringField(required=True, choices=FUNCTION_CODES)
    languages = me.EmbeddedDocumentListField(LanguageNeed)
    country = me.StringField(required=True)
    location = me.StringField(max_length=200)
    start_date = me.DateField(required=True)
    end_date = me.DateField(required=True)
    number_of_experts = me.IntField(required=True, min_value=1)
    justification = me.StringField(required=True, max_length=4000)
    requested_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
    roster_request_id = me.StringField()
    roster_status = me.StringField(required=True, default=ROSTER_STATUS_SENT)
    roster_comment = me.StringField(max_length=2000)
    roster_updated_at = me.DateTimeField()  # the time of the roster event it was taken from


DEPLOYMENT_PROGRESS = ("accepted", "deployed", "completed")  # events may arrive out of order: only move forward
CANCELLED = "cancelled"


class DeployedExpert(me.EmbeddedDocument):
    expert_id = me.StringField()
    full_name = me.StringField()
    nominating_tenant = me.StringField()


class CaseDeployment(TenantOwnedDocument):
    """The roster's deployment for a case, kept from its `roster.deployment.*` events (a local read model).

    Owned by the requesting tenant; seen by every participant of the case.
    """

    meta = {"collection": "deployments", "indexes": ["case_id"]}

    id = me.StringField(primary_key=True)  # the roster's deployment_id
    case_id = me.ObjectIdField(required=True)
    request_id = me.StringField()
    function = me.StringField()
    country = me.StringField()
    location = me.StringField()
    start_date = me.StringField()
    end_date = me.StringField()
    status = me.StringField(required=True)
    expert = me.EmbeddedDocumentField(DeployedExpert)
    cancellation_reason = me.StringField()
    updated_at = me.DateTimeField(required=True, default=now)
