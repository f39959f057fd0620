from __future__ import annotations

import marshmallow as ma

from chassis.clock import today
from chassis.vocabulary import FUNCTION_CODES, LanguageCode, ProficiencyLevel
from joint_action_service.common import period_errors
from joint_action_service.outcomes.schemas import country_field


class LanguageNeedSchema(ma.Schema):
    code = LanguageCode(required=True)
    min_level = ProficiencyLevel(required=True)


class ExpertRequestIn(ma.Schema):
    function = ma.fields.String(required=True, validate=ma.validate.OneOf(FUNCTION_CODES),
                                metadata={"description": "A roster function code (docs/events.md)"})
    languages = ma.fields.List(ma.fields.Nested(LanguageNeedSchema), load_default=list,
                               validate=ma.validate.Length(max=10))
    country = country_field(required=True, metadata={"description": "Where the expert is needed"})
    location = ma.fields.String(validate=ma.validate.Length(max=200), load_default=None)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    number_of_experts = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=20))
    justification = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000))

    @ma.validates_schema
    def period(self, data, **_):
        """A request for experts is for work to come: it starts today or later."""
        errors = period_errors(data.get("start_date"), data.get("end_date"))
        if data.get("start_date") and data["start_date"] < today():
            errors["start_date"] = ["Must not be in the past: experts are requested for work to come"]
        if errors:
            raise ma.ValidationError(errors)


class ExpertRequestOut(ExpertRequestIn):
    id = ma.fields.String()
    case_id = ma.fields.String()
    jpa_id = ma.fields.String()
    requesting_tenant = ma.fields.String(attribute="tenant")
    requested_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    roster_request_id = ma.fields.String(metadata={"description": "The roster's deployment request, once it has one"})
    roster_status = ma.fields.String(metadata={
        "description": "sent (no answer yet), then the roster's request status: submitted, under_review, offered, "
                       "accepted, deployed, completed, rejected, withdrawn or cancelled"})
    roster_comment = ma.fields.String(metadata={"description": "The roster's word with its last decision"})
    roster_updated_at = ma.fields.DateTime()


class DeploymentOut(ma.Schema):
    """A roster deployment for the case: the expert's name and nominating tenant, never contact details."""

    deployment_id = ma.fields.String(attribute="id")
    request_id = ma.fields.String()
    requesting_tenant = ma.fields.String(attribute="tenant")
    status = ma.fields.String()
    function = ma.fields.String()
    country = ma.fields.String()
    location = ma.fields.String()
    start_date = ma.fields.String()
    end_date = ma.fields.String()
    expert_name = ma.fields.String(attribute="expert.full_name")
    expert_nominating_tenant = ma.fields.String(attribute="expert.nominating_tenant")
    cancellation_reason = ma.fields.String()
    updated_at = ma.fields.DateTime()
