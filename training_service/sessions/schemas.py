"""Session request and response bodies."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from chassis.tenant_status import ExistingTenantCode
from training_service.sessions.models import MODES


class TrainerSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = ma.fields.Email(validate=validate.Length(max=254))


class SessionIn(ma.Schema):
    mode = ma.fields.String(required=True, validate=validate.OneOf(MODES))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    location = ma.fields.String(allow_none=True, validate=validate.Length(min=1, max=500))
    trainers = ma.fields.List(ma.fields.Nested(TrainerSchema), validate=validate.Length(max=50))
    capacity = ma.fields.Integer(allow_none=True, validate=validate.Range(min=1, max=100_000))
    hosting_tenant = ExistingTenantCode()
    enrolment_open = ma.fields.Boolean()


class SessionUpdateIn(SessionIn):
    """What may change once a session exists: not its mode, not its host."""

    class Meta:
        exclude = ("mode", "hosting_tenant")

    title = ma.fields.String(validate=validate.Length(min=1, max=200))


class SessionOut(ma.Schema):
    id = ma.fields.String()
    provider = ma.fields.String(attribute="tenant")
    course_id = ma.fields.String()
    mode = ma.fields.String()
    title = ma.fields.String()
    starts_on = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    location = ma.fields.String(allow_none=True)
    trainers = ma.fields.List(ma.fields.Nested(TrainerSchema))
    capacity = ma.fields.Integer(allow_none=True)
    seats_taken = ma.fields.Integer()
    seats_left = ma.fields.Integer(allow_none=True)
    hosting_tenant = ma.fields.String()
    enrolment_open = ma.fields.Boolean()
