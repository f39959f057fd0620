"""HTTP endpoints of enrolment."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import QueryPage
from chassis.problems import Problem, ValidationFailed
from training_service.enrolments import bulk, service
from training_service.enrolments.schemas import (
    BulkReportOut,
    EnrolmentOut,
    EnrolmentQuery,
    PersonIn,
    SessionEnrolmentQuery,
    StepIn,
)
from training_service.vocabulary import AUTHORS, COORDINATORS, LEARNERS

blueprint = Blueprint("enrolments", __name__, description="Enrolment: self, nomination, approval, waitlist, bulk")

CSV_UPLOAD_DOC = {"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}, "example": "email,name\nana@example.org,Ana Lim\n"},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
}}}


@blueprint.route("/sessions/<session_id>/enrolments")
class SessionEnrolments(MethodView):
    @require(roles=AUTHORS)
    @blueprint.arguments(SessionEnrolmentQuery, location="query")
    @blueprint.response(200, EnrolmentOut(many=True))
    @blueprint.paginate(QueryPage, page_size=100)
    def get(self, filters, session_id):
        """Everyone in the session (its provider), or the caller's own tenant's people (other tenants)."""
        return service.session_enrolments(session_id, current_principal(), filters)

    @require(roles=LEARNERS)
    @blueprint.response(201, EnrolmentOut)
    @blueprint.alt_response(409, description="Already enrolled, session closed or over, prerequisites missing")
    def post(self, session_id):
        """Enrol oneself: a seat, the waitlist when full, or a request when the course needs approval."""
        return service.self_enrol(session_id, current_principal())


@blueprint.route("/sessions/<session_id>/nominations")
class Nominations(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.arguments(PersonIn)
    @blueprint.response(201, EnrolmentOut)
    def post(self, person, session_id):
        """A training coordinator enrols a person of their own tenant, named by e-mail. The person's user id
        and name come from their own sign-in (`trainee.user_id` stays null until training has seen it)."""
        return service.nominate(session_id, person, current_principal())


@blueprint.route("/sessions/<session_id>/enrolments/bulk")
class BulkEnrolment(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.doc(**CSV_UPLOAD_DOC)
    @blueprint.response(200, BulkReportOut)
    def post(self, session_id):
        """Nominate many people of this tenant from CSV (columns `email` and `name`), as a `text/csv` body
        or a multipart upload named `file`. Each row succeeds or fails on its own; the report says which,
        and reports `invited` for an address no person of this tenant has used training with yet."""
        return bulk.enrol_rows(session_id, _uploaded_csv(), current_principal())


def _uploaded_csv() -> bytes:
    if request.mimetype == "text/csv":
        return request.get_data()
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise ValidationFailed({"file": ["Attach the CSV file as the form field 'file'"]}, location="files")
        return upload.read()
    raise Problem("Send the CSV as a text/csv body or a multipart/form-data upload", status=415,
                  slug="unsupported-media-type", title="Unsupported Media Type",
                  accepted_media_types=["multipart/form-data", "text/csv"])


@blueprint.route("/enrolments")
class TenantEnrolments(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.arguments(EnrolmentQuery, location="query")
    @blueprint.response(200, EnrolmentOut(many=True))
    @blueprint.paginate(QueryPage, page_size=100)
    def get(self, filters):
        """Enrolments of this tenant's people, in every provider's courses."""
        return service.tenant_enrolments(filters)


@blueprint.route("/me/enrolments")
class MyEnrolments(MethodView):
    @require()
    @blueprint.arguments(EnrolmentQuery, location="query")
    @blueprint.response(200, EnrolmentOut(many=True))
    @blueprint.paginate(QueryPage, page_size=100)
    def get(self, filters):
        """The caller's own enrolments."""
        return service.my_enrolments(current_principal(), filters)


@blueprint.route("/enrolments/<enrolment_id>")
class EnrolmentById(MethodView):
    @require()
    @blueprint.response(200, EnrolmentOut)
    def get(self, enrolment_id):
        return service.find_enrolment(enrolment_id, current_principal())


@blueprint.route("/enrolments/<enrolment_id>/approve")
class Approve(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.arguments(StepIn)
    @blueprint.response(200, EnrolmentOut)
    @blueprint.alt_response(409, description="Not pending approval; names the allowed next states")
    def post(self, data, enrolment_id):
        """The provider accepts a request: a seat if free, else the waitlist."""
        return service.approve(enrolment_id, current_principal(), data.get("comment"))


@blueprint.route("/enrolments/<enrolment_id>/reject")
class Reject(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.arguments(StepIn)
    @blueprint.response(200, EnrolmentOut)
    @blueprint.alt_response(409, description="Not pending approval; names the allowed next states")
    def post(self, data, enrolment_id):
        return service.reject(enrolment_id, current_principal(), data.get("comment"))


@blueprint.route("/enrolments/<enrolment_id>/withdraw")
class Withdraw(MethodView):
    @require()
    @blueprint.arguments(StepIn)
    @blueprint.response(200, EnrolmentOut)
    @blueprint.alt_response(409, description="Already ended; names the allowed next states")
    def post(self, data, enrolment_id):
        """Withdraw (the trainee or a training coordinator); a freed seat goes to the first on the waitlist."""
        return service.withdraw(enrolment_id, current_principal(), data.get("comment"))
