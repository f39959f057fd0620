"""Enrolment request and response bodies."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from chassis.workflow import TransitionOut
from training_service.enrolments.models import ENROLMENT_STATES

ObjectIdString = validate.Regexp(r"^[0-9a-f]{24}$", error="Not an id")


class PersonIn(ma.Schema):
    """A person of the nominating coordinator's own tenant, by e-mail. The person's user id and name
    come from their own sign-in, never from the nomination: `name` stands until then."""

    email = ma.fields.Email(required=True, validate=validate.Length(max=254))
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))


class StepIn(ma.Schema):
    comment = ma.fields.String(validate=validate.Length(max=2000))


class EnrolmentQuery(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(ENROLMENT_STATES))
    course_id = ma.fields.String(validate=ObjectIdString)
    session_id = ma.fields.String(validate=ObjectIdString)


class SessionEnrolmentQuery(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(ENROLMENT_STATES))


class TraineeOut(ma.Schema):
    user_id = ma.fields.String(allow_none=True)
    email = ma.fields.String()
    name = ma.fields.String()
    tenant = ma.fields.String()


class EnrolmentOut(ma.Schema):
    id = ma.fields.String()
    session_id = ma.fields.String()
    course_id = ma.fields.String()
    course_code = ma.fields.String()
    provider = ma.fields.String(attribute="provider_tenant")
    trainee = ma.fields.Nested(TraineeOut)
    invited = ma.fields.Boolean(metadata={"description": (
        "True while no person of the trainee's tenant with this address has used training: a nomination "
        "by e-mail waiting for the person's first sign-in (no account is linked yet)")})
    status = ma.fields.String()
    source = ma.fields.String()
    waitlist_position = ma.fields.Integer(allow_none=True)
    completed_item_ids = ma.fields.Method("item_ids")
    completed_at = ma.fields.DateTime(allow_none=True)
    passed = ma.fields.Boolean(allow_none=True)
    score = ma.fields.Float(allow_none=True)
    certificate_id = ma.fields.String(allow_none=True)
    history = ma.fields.List(ma.fields.Nested(TransitionOut))
    created_at = ma.fields.DateTime()

    def item_ids(self, enrolment):
        return sorted(enrolment.completed_items or {})


class BulkRowOut(ma.Schema):
    row = ma.fields.Integer(metadata={"description": "Data row number, 1 for the row after the header"})
    email = ma.fields.String()
    outcome = ma.fields.String(metadata={"description": (
        "enrolled, waitlisted or pending_approval: the person's place; invited: a place (see `status`) for an "
        "address no person of this tenant has used training with yet, waiting for their first sign-in; failed")})
    status = ma.fields.String(metadata={"description": "The enrolment's status (not for failed rows)"})
    enrolment_id = ma.fields.String()
    errors = ma.fields.List(ma.fields.Dict())


class BulkReportOut(ma.Schema):
    session_id = ma.fields.String()
    rows = ma.fields.List(ma.fields.Nested(BulkRowOut))
    totals = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
