from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.csv_export import csv_response
from roster_service.fields import check_date_order
from roster_service.reports import service

blp = Blueprint("reports", __name__, url_prefix="/reports",
                description="Coverage, deployments and open requests (the RSO: every tenant; others: their own)")

REPORT_ROLES = ["auditor", "platform_admin", "roster_manager", "tenant_admin"]
CSV_DOWNLOAD = {"200": {"description": "The report as a CSV download", "content": {"text/csv": {
    "schema": {"type": "string"}}}}}


class PeriodQuery(ma.Schema):
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)

    @ma.validates_schema
    def _order(self, data, **_):
        check_date_order(data)


class CountRow(ma.Schema):
    key = ma.fields.String()
    deployments = ma.fields.Integer()


class DeploymentsReport(ma.Schema):
    start_date = ma.fields.Date()
    end_date = ma.fields.Date()
    total = ma.fields.Integer()
    per_requesting_tenant = ma.fields.List(ma.fields.Nested(CountRow))
    per_nominating_tenant = ma.fields.List(ma.fields.Nested(CountRow))
    per_function = ma.fields.List(ma.fields.Nested(CountRow))


class FunctionCoverage(ma.Schema):
    function = ma.fields.String()
    ready_experts = ma.fields.Integer()


class LanguageCoverage(FunctionCoverage):
    language = ma.fields.String()


class CoverageReport(ma.Schema):
    as_of = ma.fields.Date()
    functions = ma.fields.List(ma.fields.Nested(FunctionCoverage))
    languages = ma.fields.List(ma.fields.Nested(LanguageCoverage))


class AgeBucket(ma.Schema):
    age = ma.fields.String()
    requests = ma.fields.Integer()


class OpenRequest(ma.Schema):
    request_id = ma.fields.String()
    requesting_tenant = ma.fields.String()
    function = ma.fields.String()
    status = ma.fields.String()
    age_days = ma.fields.Integer()
    submitted_at = ma.fields.DateTime()
    start_date = ma.fields.Date()


class OpenRequestsReport(ma.Schema):
    total = ma.fields.Integer()
    by_age = ma.fields.List(ma.fields.Nested(AgeBucket))
    requests = ma.fields.List(ma.fields.Nested(OpenRequest))


@blp.route("/coverage")
class Coverage(MethodView):
    @require(roles=REPORT_ROLES)
    @blp.response(200, CoverageReport)
    def get(self):
        """Ready experts per function of the catalogue (0: nobody is ready for it), and per function and
        language. As CSV: `/reports/coverage.csv`."""
        return service.coverage(current_principal())


@blp.route("/deployments")
class Deployments(MethodView):
    @require(roles=REPORT_ROLES)
    @blp.arguments(PeriodQuery, location="query")
    @blp.response(200, DeploymentsReport)
    def get(self, period):
        """Deployments accepted or later overlapping the period, per tenant and per function."""
        return service.deployments_over(current_principal(), period["start_date"], period["end_date"])


@blp.route("/open-requests")
class OpenRequests(MethodView):
    @require(roles=REPORT_ROLES)
    @blp.response(200, OpenRequestsReport)
    def get(self):
        """Requests submitted and not yet staffed or ended, by age."""
        return service.open_requests(current_principal())


@blp.route("/coverage.csv")
class CoverageCsv(MethodView):
    @require(roles=REPORT_ROLES)
    @blp.doc(responses=CSV_DOWNLOAD)
    def get(self):
        """The coverage report as CSV: a row per function (empty language), then per function and language."""
        report = service.coverage(current_principal())
        return csv_response(service.coverage_rows(report), service.COVERAGE_CSV_FIELDS,
                            f"roster-coverage-{report['as_of'].isoformat()}.csv")


@blp.route("/deployments.csv")
class DeploymentsCsv(MethodView):
    @require(roles=REPORT_ROLES)
    @blp.arguments(PeriodQuery, location="query")
    @blp.doc(responses=CSV_DOWNLOAD)
    def get(self, period):
        """The deployments report as CSV: a row per tenant or function counted, then the total."""
        report = service.deployments_over(current_principal(), period["start_date"], period["end_date"])
        return csv_response(service.deployments_rows(report), service.DEPLOYMENTS_CSV_FIELDS,
                            f"roster-deployments-{period['start_date']}-{period['end_date']}.csv")


@blp.route("/open-requests.csv")
class OpenRequestsCsv(MethodView):
    @require(roles=REPORT_ROLES)
    @blp.doc(responses=CSV_DOWNLOAD)
    def get(self):
        """The open requests as CSV, oldest first."""
        return csv_response(service.open_requests_rows(service.open_requests(current_principal())),
                            service.OPEN_REQUESTS_CSV_FIELDS, "roster-open-requests.csv")
