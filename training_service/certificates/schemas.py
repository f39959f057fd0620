"""Certificate bodies. The public check carries only the holder's name, the course, its issuer, the dates
and the status."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from chassis.clock import today
from chassis.workflow import TransitionOut
from training_service.certificates.models import CERTIFICATE_STATES
from training_service.enrolments.schemas import TraineeOut


class CertificateOut(ma.Schema):
    id = ma.fields.String()
    verification_code = ma.fields.String()
    course_id = ma.fields.String()
    course_code = ma.fields.String()
    course_title = ma.fields.String()
    function = ma.fields.String(allow_none=True)
    provider = ma.fields.String(attribute="provider_tenant")
    issuer = ma.fields.String(metadata={"description": "The issuing organisation (the provider) by name"})
    holder = ma.fields.Nested(TraineeOut)
    expert_id = ma.fields.String(allow_none=True)
    issued_on = ma.fields.Date()
    expires_on = ma.fields.Date(allow_none=True)
    status = ma.fields.Method("current_status")
    reason = ma.fields.String(allow_none=True)
    renews = ma.fields.String(allow_none=True)
    enrolment_id = ma.fields.String()
    history = ma.fields.List(ma.fields.Nested(TransitionOut))

    def current_status(self, certificate):
        return certificate.status_on(today())


class PublicCertificateOut(ma.Schema):
    holder_name = ma.fields.String(attribute="holder.name")
    course_title = ma.fields.String()
    issuer = ma.fields.String(metadata={"description": "The issuing organisation by name"})
    issued_on = ma.fields.Date()
    expires_on = ma.fields.Date(allow_none=True)
    status = ma.fields.Method("current_status")

    def current_status(self, certificate):
        return certificate.status_on(today())


class RevokeIn(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=3, max=2000))


class CertificateQuery(ma.Schema):
    scope = ma.fields.String(load_default="held", validate=validate.OneOf(("held", "issued")),
                             metadata={"description": "held by this tenant's people, or issued by this tenant"})
    status = ma.fields.String(validate=validate.OneOf(CERTIFICATE_STATES))
