"""Report bodies."""

from __future__ import annotations

import marshmallow as ma


class EnrolmentFigures(ma.Schema):
    enrolled = ma.fields.Integer(metadata={"description": "Took a seat: enrolled or completed"})
    not_started = ma.fields.Integer()
    in_progress = ma.fields.Integer()
    completed = ma.fields.Integer()
    passed = ma.fields.Integer()
    pass_rate = ma.fields.Float(allow_none=True, metadata={"description": "passed / completed, 0 to 1"})
    pending_approval = ma.fields.Integer()
    waitlisted = ma.fields.Integer()
    withdrawn = ma.fields.Integer()
    rejected = ma.fields.Integer()


class CertificateFigures(ma.Schema):
    valid = ma.fields.Integer(metadata={"description": "Valid today, the expiring ones included"})
    expiring = ma.fields.Integer(metadata={"description": "Valid, expiring within 30 days"})
    expired = ma.fields.Integer()
    revoked = ma.fields.Integer()


class CourseRef(ma.Schema):
    id = ma.fields.String()
    code = ma.fields.String()
    version = ma.fields.Integer()
    title = ma.fields.String()
    provider = ma.fields.String()


class TenantFigures(ma.Schema):
    tenant = ma.fields.String()
    enrolments = ma.fields.Nested(EnrolmentFigures)


class CourseFigures(ma.Schema):
    course = ma.fields.Nested(CourseRef)
    enrolments = ma.fields.Nested(EnrolmentFigures)


class CourseReportOut(ma.Schema):
    course = ma.fields.Nested(CourseRef)
    enrolments = ma.fields.Nested(EnrolmentFigures)
    certificates = ma.fields.Nested(CertificateFigures)
    by_tenant = ma.fields.List(ma.fields.Nested(TenantFigures))


class TenantReportOut(ma.Schema):
    tenant = ma.fields.String()
    enrolments = ma.fields.Nested(EnrolmentFigures)
    certificates = ma.fields.Nested(CertificateFigures)
    by_course = ma.fields.List(ma.fields.Nested(CourseFigures))
