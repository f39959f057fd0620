from __future__ import annotations

import marshmallow as ma

from chassis.workflow import TransitionOut
from joint_action_service.common import StepIn, period_errors, record_date_field, tenant_codes_field
from joint_action_service.jpas.models import JPA_WORKFLOW
from joint_action_service.vocabulary import FOCUS_AREAS


class JpaIn(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    focus = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(FOCUS_AREAS)), required=True,
                           validate=ma.validate.Length(min=1))
    start_date = record_date_field(required=True)
    end_date = record_date_field(required=True)
    coordinating_tenants = tenant_codes_field(load_default=list,
                                              metadata={"description": "The creating tenant always coordinates"})
    participating_tenants = tenant_codes_field(load_default=list,
                                               metadata={"description": "Coordinators always participate"})
    objectives = ma.fields.List(ma.fields.String(validate=ma.validate.Length(min=1, max=1000)), load_default=list)

    @ma.validates_schema
    def period(self, data, **_):
        errors = period_errors(data.get("start_date"), data.get("end_date"))
        if errors:
            raise ma.ValidationError(errors)


class JpaPatch(JpaIn):
    """Any field of a JPA (fields left out keep their values); the period is checked against the stored one."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class JpaQuery(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(JPA_WORKFLOW.states))


class JpaStepIn(StepIn):
    to = ma.fields.String(required=True, validate=ma.validate.OneOf(JPA_WORKFLOW.states))


class JpaOut(ma.Schema):
    id = ma.fields.String()
    name = ma.fields.String()
    focus = ma.fields.List(ma.fields.String())
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()
    coordinating_tenants = ma.fields.List(ma.fields.String())
    participating_tenants = ma.fields.List(ma.fields.String())
    objectives = ma.fields.List(ma.fields.String())
    status = ma.fields.String()
    allowed_next_states = ma.fields.Function(lambda jpa: JPA_WORKFLOW.allowed_next(jpa.status))
    history = ma.fields.List(ma.fields.Nested(TransitionOut))
    created_by = ma.fields.String()
    created_at = ma.fields.DateTime()
