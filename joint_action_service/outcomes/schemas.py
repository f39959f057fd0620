from __future__ import annotations

import marshmallow as ma

from chassis.vocabulary import CountryCode
from chassis.workflow import TransitionOut
from joint_action_service.common import StepIn, record_date_field
from joint_action_service.outcomes.models import EXTRADITION_WORKFLOW, MLA_REQUEST, MLA_WORKFLOW, OUTCOME_KINDS
from joint_action_service.vocabulary import CURRENCY_CODE, SEIZURE_TYPES


def country_field(**kwargs) -> ma.fields.String:
    return CountryCode(**kwargs)


class SeizureSchema(ma.Schema):
    seizure_type = ma.fields.String(required=True, validate=ma.validate.OneOf(SEIZURE_TYPES))
    quantity = ma.fields.Float(required=True, validate=ma.validate.Range(min=0))
    unit = ma.fields.String(validate=ma.validate.Length(max=30))
    value = ma.fields.Decimal(places=2, as_string=True, validate=ma.validate.Range(min=0))
    currency = ma.fields.String(validate=ma.validate.Regexp(CURRENCY_CODE, error="ISO 4217 code"))

    @ma.validates_schema
    def priced(self, data, **_):
        if ("value" in data) != ("currency" in data):
            raise ma.ValidationError({"currency": ["Give a value and its currency together"]})


class OutcomeIn(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(OUTCOME_KINDS))
    date = record_date_field(required=True, metadata={
        "description": "Not in the future, not before the case opened, nor before the milestone the kind needs"})
    count = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100000),
                              metadata={"description": "Persons arrested, charged or convicted"})
    person_ids = ma.fields.List(ma.fields.String(), load_default=list,
                                metadata={"description": "Suspects of the case this outcome concerns"})
    seizure = ma.fields.Nested(SeizureSchema)
    sentence = ma.fields.String(validate=ma.validate.Length(min=1, max=500))
    requested_state = country_field(metadata={"description": "For an MLA request: the state asked"})
    note = ma.fields.String(validate=ma.validate.Length(max=2000))

    @ma.validates_schema
    def fits_kind(self, data, **_):
        kind, errors = data.get("kind"), {}
        if (kind == "seizure") != ("seizure" in data):
            errors["seizure"] = ["Required for a seizure, and only for one"]
        if "sentence" in data and kind != "conviction":
            errors["sentence"] = ["Only for a conviction"]
        if (kind == MLA_REQUEST) != ("requested_state" in data):
            errors["requested_state"] = ["Required for an MLA request, and only for one"]
        if len(data.get("person_ids", [])) > data.get("count", 1):
            errors["person_ids"] = [f"Names more persons than the outcome's count ({data.get('count', 1)})"]
        if errors:
            raise ma.ValidationError(errors)


class OutcomeOut(ma.Schema):
    id = ma.fields.String()
    case_id = ma.fields.String()
    kind = ma.fields.String()
    date = ma.fields.Date()
    count = ma.fields.Integer()
    person_ids = ma.fields.List(ma.fields.String())
    seizure = ma.fields.Nested(SeizureSchema)
    sentence = ma.fields.String()
    requested_state = ma.fields.String()
    note = ma.fields.String()
    recorded_tenant = ma.fields.String(attribute="tenant")
    recorded_by = ma.fields.String()
    recorded_at = ma.fields.DateTime()
    status = ma.fields.String(metadata={"description": "MLA requests only: sent, answered, refused or withdrawn"})
    allowed_next_states = ma.fields.Function(
        lambda outcome: MLA_WORKFLOW.allowed_next(outcome.status) if outcome.kind == MLA_REQUEST else [])
    history = ma.fields.List(ma.fields.Nested(TransitionOut))


class OutcomeQuery(ma.Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(OUTCOME_KINDS))


class MlaStepIn(StepIn):
    to = ma.fields.String(required=True, validate=ma.validate.OneOf(MLA_WORKFLOW.states))


class ExtraditionIn(ma.Schema):
    person_id = ma.fields.String(metadata={"description": "The suspect whose extradition is requested"})
    requested_state = country_field(required=True)
    legal_basis = ma.fields.String(validate=ma.validate.Length(max=500))


class ExtraditionStepIn(StepIn):
    to = ma.fields.String(required=True, validate=ma.validate.OneOf(EXTRADITION_WORKFLOW.states))


class ExtraditionOut(ma.Schema):
    id = ma.fields.String()
    case_id = ma.fields.String()
    person_id = ma.fields.String()
    requesting_tenant = ma.fields.String(attribute="tenant")
    requested_state = ma.fields.String()
    legal_basis = ma.fields.String()
    status = ma.fields.String()
    allowed_next_states = ma.fields.Function(lambda request: EXTRADITION_WORKFLOW.allowed_next(request.status))
    history = ma.fields.List(ma.fields.Nested(TransitionOut))
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
