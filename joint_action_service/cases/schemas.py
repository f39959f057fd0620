from __future__ import annotations

import marshmallow as ma

from chassis.workflow import TransitionOut
from joint_action_service.cases.models import CASE_WORKFLOW, RESOLUTIONS
from joint_action_service.common import record_date_field, tenant_code_field
from joint_action_service.expert_support.schemas import DeploymentOut
from joint_action_service.vocabulary import CASE_TYPES, HANDLING_CODES, RELEASABLE, SHARE_PERMISSIONS


class ShareIn(ma.Schema):
    permission = ma.fields.String(required=True, validate=ma.validate.OneOf(SHARE_PERMISSIONS))


class NewShare(ShareIn):
    tenant = tenant_code_field(required=True)


def _distinct_tenants(shares: list[dict]) -> None:
    tenants = [share["tenant"] for share in shares]
    if len(set(tenants)) != len(tenants):
        raise ma.ValidationError("Share with each tenant once")


class CaseIn(ma.Schema):
    jpa_id = ma.fields.String(load_default=None, metadata={"description": "The JPA the case belongs to, if any"})
    case_type = ma.fields.String(required=True, validate=ma.validate.OneOf(CASE_TYPES))
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    summary = ma.fields.String(validate=ma.validate.Length(max=10000), load_default="")
    handling_code = ma.fields.String(validate=ma.validate.OneOf(HANDLING_CODES), load_default=RELEASABLE)
    opened_on = record_date_field(metadata={"description": "Date of the intelligence milestone (default: today)"})
    shares = ma.fields.List(ma.fields.Nested(NewShare), load_default=list, validate=_distinct_tenants)


class CasePatch(ma.Schema):
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    summary = ma.fields.String(validate=ma.validate.Length(max=10000))
    handling_code = ma.fields.String(validate=ma.validate.OneOf(HANDLING_CODES))


class CaseQuery(ma.Schema):
    jpa_id = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(CASE_WORKFLOW.states))
    case_type = ma.fields.String(validate=ma.validate.OneOf(CASE_TYPES))
    q = ma.fields.String(validate=ma.validate.Length(min=1, max=100),
                         metadata={"description": "Words the title contains (case-insensitive)"})


class MilestoneIn(ma.Schema):
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(CASE_WORKFLOW.states))
    date = record_date_field(metadata={"description": "When it happened (default: today)"})
    note = ma.fields.String(validate=ma.validate.Length(max=2000))
    resolution = ma.fields.String(validate=ma.validate.OneOf(RESOLUTIONS),
                                  metadata={"description": "Required to close the case"})


class ShareOut(ma.Schema):
    tenant = ma.fields.String()
    permission = ma.fields.String()
    shared_at = ma.fields.DateTime()
    shared_by = ma.fields.String()


class MilestoneOut(ma.Schema):
    status = ma.fields.String()
    date = ma.fields.Date()
    tenant = ma.fields.String()
    note = ma.fields.String()
    recorded_by = ma.fields.String()
    recorded_at = ma.fields.DateTime()


class CaseOut(ma.Schema):
    id = ma.fields.String()
    jpa_id = ma.fields.String()
    lead_tenant = ma.fields.String()
    case_type = ma.fields.String()
    title = ma.fields.String()
    summary = ma.fields.String()
    handling_code = ma.fields.String()
    status = ma.fields.String()
    resolution = ma.fields.String()
    allowed_next_states = ma.fields.List(ma.fields.String())
    your_permission = ma.fields.String(metadata={"description": "lead, contribute or read"})
    shares = ma.fields.List(ma.fields.Nested(ShareOut))
    milestones = ma.fields.List(ma.fields.Nested(MilestoneOut))
    history = ma.fields.List(ma.fields.Nested(TransitionOut))
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()


class CaseCounts(ma.Schema):
    information_items = ma.fields.Integer()
    suspects = ma.fields.Integer()
    victims = ma.fields.Integer(metadata={"description": "Victims recorded, identifiable to the caller or not"})
    open_tasks = ma.fields.Integer()
    open_mandatory_tasks = ma.fields.Integer()


class CaseDetailOut(CaseOut):
    counts = ma.fields.Nested(CaseCounts)
    deployments = ma.fields.List(ma.fields.Nested(DeploymentOut))
