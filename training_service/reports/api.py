"""HTTP endpoints of reports."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from training_service.reports import service
from training_service.reports.schemas import CourseReportOut, TenantReportOut
from training_service.vocabulary import REPORT_READERS

blueprint = Blueprint("reports", __name__, url_prefix="/reports",
                      description="Enrolment, completion, pass rate and certificate figures")


@blueprint.route("/courses/<course_id>")
class CourseReport(MethodView):
    @require(roles=REPORT_READERS)
    @blueprint.response(200, CourseReportOut)
    def get(self, course_id):
        """One of this tenant's courses, overall and per trainees' tenant."""
        return service.course_report(course_id)


@blueprint.route("/tenants/<tenant>")
class TenantReport(MethodView):
    @require(roles=REPORT_READERS)
    @blueprint.response(200, TenantReportOut)
    def get(self, tenant):
        """A tenant's people, overall and per course: the caller's own tenant (any tenant for the RSO's
        platform administrators)."""
        return service.tenant_report(tenant, current_principal())
