from __future__ import annotations

import datetime as dt

import marshmallow as ma

from chassis.messaging.contracts import Reads
from chassis.tenant_status import ExistingTenantCode
from chassis.vocabulary import CountryCode, LanguageCode, ProficiencyLevel
from chassis.workflow import TransitionOut
from roster_service.fields import FunctionCode, Text, check_date_order, no_duplicates
from roster_service.vocabulary import CLEARANCE_LEVELS
from roster_service.workflows import DEPLOYMENT_WORKFLOW, REQUEST_WORKFLOW


class LanguageRequirementIn(ma.Schema):
    code = LanguageCode(required=True)
    min_level = ProficiencyLevel(load_default="basic")


class RequestPatch(ma.Schema):
    """What the requesting tenant chooses. The link to a joint-action case (`case_id`) is not here: only the
    case's own expert request sets it (`joint_action.case.expert_requested`)."""

    function = FunctionCode()
    languages = ma.fields.List(ma.fields.Nested(LanguageRequirementIn), validate=ma.validate.Length(max=10))
    country = CountryCode()
    location = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()
    number_of_experts = ma.fields.Integer(strict=True, validate=ma.validate.Range(min=1, max=50))
    justification = ma.fields.String(validate=ma.validate.Length(min=1, max=4000))
    exclude_nationals = ma.fields.Boolean(metadata={"description": "Leave out nationals of the deployment country "
                                                                  "(conflict of interest)"})
    min_readiness = ma.fields.String(validate=ma.validate.OneOf(("vetted", "ready")))
    min_clearance = ma.fields.String(validate=ma.validate.OneOf(CLEARANCE_LEVELS),
                                     metadata={"description": "Lowest security clearance level accepted"})

    @ma.validates_schema
    def _consistent(self, data, **_):
        check_date_order(data)
        no_duplicates(data.get("languages", []), "code", "languages")


class RequestIn(RequestPatch):
    function = FunctionCode(required=True)
    languages = ma.fields.List(ma.fields.Nested(LanguageRequirementIn), load_default=list,
                               validate=ma.validate.Length(max=10))
    country = CountryCode(required=True)
    location = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    number_of_experts = ma.fields.Integer(strict=True, load_default=1, validate=ma.validate.Range(min=1, max=50))
    justification = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000))
    exclude_nationals = ma.fields.Boolean(load_default=True)
    min_readiness = ma.fields.String(load_default="ready", validate=ma.validate.OneOf(("vetted", "ready")))
    min_clearance = ma.fields.String(load_default="none", validate=ma.validate.OneOf(CLEARANCE_LEVELS))

    @ma.validates("start_date")
    def _not_past(self, value, **_):
        if value < dt.date.today():
            raise ma.ValidationError("A deployment cannot start in the past")


class CaseExpertRequestSchema(Reads):
    """`joint_action.case.expert_requested` data, as the roster reads it (docs/events.md)."""

    expert_request_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    case_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    requesting_tenant = ExistingTenantCode(required=True)
    function = FunctionCode(required=True)
    languages = ma.fields.List(ma.fields.Nested(LanguageRequirementIn(unknown=ma.EXCLUDE)), load_default=list)
    country = CountryCode(required=True)
    location = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    number_of_experts = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=50))
    justification = ma.fields.String(load_default="", validate=ma.validate.Length(max=4000))

    @ma.pre_load
    def _no_location_is_blank(self, data, **_):
        """A case may not know the location yet; joint action then sends `location: null`."""
        return {**data, "location": data.get("location") or ""}

    @ma.validates_schema
    def _dates(self, data, **_):
        check_date_order(data)


class LanguageRequirementOut(ma.Schema):
    code = ma.fields.String()
    min_level = ma.fields.String()


class RequestOut(ma.Schema):
    request_id = ma.fields.Function(lambda request: str(request.id))
    requesting_tenant = ma.fields.String(attribute="tenant")
    function = ma.fields.String()
    languages = ma.fields.List(ma.fields.Nested(LanguageRequirementOut))
    country = ma.fields.String()
    location = ma.fields.String()
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()
    number_of_experts = ma.fields.Integer()
    justification = ma.fields.String()
    exclude_nationals = ma.fields.Boolean()
    min_readiness = ma.fields.String()
    min_clearance = ma.fields.String()
    case_id = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    allowed_next_states = ma.fields.Function(lambda request: REQUEST_WORKFLOW.allowed_next(request.status))
    history = ma.fields.List(ma.fields.Nested(TransitionOut))
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
    submitted_at = ma.fields.DateTime(allow_none=True)


class RequestListQuery(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(REQUEST_WORKFLOW.states))
    function = ma.fields.String(validate=ma.validate.Length(max=64))


class OfferIn(ma.Schema):
    expert_id = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=64))
    comment = Text(2000, load_default=None)


class SkillGapIn(ma.Schema):
    function = FunctionCode(required=True)
    note = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class EvaluationIn(ma.Schema):
    rating = ma.fields.Integer(required=True, strict=True, validate=ma.validate.Range(min=1, max=5))
    strengths = Text(4000, load_default="")
    skill_gaps = ma.fields.List(ma.fields.Nested(SkillGapIn), load_default=list, validate=ma.validate.Length(max=30))


class DeploymentStepIn(ma.Schema):
    to = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    comment = Text(2000, load_default=None)
    reason = Text(2000, load_default=None, metadata={"description": "Why it is cancelled or declined"})
    evaluation = ma.fields.Nested(EvaluationIn, load_default=None,
                                  metadata={"description": "Required to complete a deployment"})


class SkillGapOut(ma.Schema):
    function = ma.fields.String()
    note = ma.fields.String()


class EvaluationOut(ma.Schema):
    rating = ma.fields.Integer()
    strengths = ma.fields.String()
    skill_gaps = ma.fields.List(ma.fields.Nested(SkillGapOut))
    recorded_by = ma.fields.String()
    recorded_at = ma.fields.DateTime()


class DeployedExpertOut(ma.Schema):
    expert_id = ma.fields.String()
    nominating_tenant = ma.fields.String()
    nationality = ma.fields.String(allow_none=True)
    full_name = ma.fields.String(allow_none=True, metadata={"description": "Null for the requesting tenant until "
                                                                           "the offer is accepted"})
    email = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class DeploymentOut(ma.Schema):
    deployment_id = ma.fields.Function(lambda deployment: str(deployment.id))
    request_id = ma.fields.String()
    case_id = ma.fields.String(allow_none=True)
    requesting_tenant = ma.fields.String(attribute="tenant")
    function = ma.fields.String()
    country = ma.fields.String()
    location = ma.fields.String()
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()
    expert = ma.fields.Nested(DeployedExpertOut)
    status = ma.fields.String()
    allowed_next_states = ma.fields.Function(lambda deployment: DEPLOYMENT_WORKFLOW.allowed_next(deployment.status))
    history = ma.fields.List(ma.fields.Nested(TransitionOut))
    evaluation = ma.fields.Nested(EvaluationOut, allow_none=True)
    cancellation_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()


class DeploymentListQuery(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(DEPLOYMENT_WORKFLOW.states))
    request_id = ma.fields.String(validate=ma.validate.Length(max=64))
    expert_id = ma.fields.String(validate=ma.validate.Length(max=64))
