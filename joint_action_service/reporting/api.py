from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from chassis.csv_export import csv_response
from joint_action_service.reporting import service
from joint_action_service.reporting.schemas import DashboardOut
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS

blp = Blueprint("reporting", __name__, url_prefix="/jpas/<jpa_id>",
                description="JPA dashboards over what the caller's tenant may see")


@blp.route("/dashboard")
class Dashboard(MethodView):
    @require(roles=CASE_READERS)
    @blp.response(200, DashboardOut)
    def get(self, jpa_id):
        """Arrests, convictions, victims rescued, extraditions, items shared: over the cases, records and
        items the caller's tenant sees."""
        return service.jpa_dashboard(Viewer.current(), jpa_id)


@blp.route("/dashboard.csv")
class DashboardCsv(MethodView):
    @require(roles=CASE_READERS)
    @blp.doc(responses={"200": {"description": "One row per visible case, then the totals",
                                "content": {"text/csv": {}}}})
    def get(self, jpa_id):
        dashboard = service.jpa_dashboard(Viewer.current(), jpa_id)
        return csv_response(service.dashboard_csv_rows(dashboard), service.CSV_FIELDS,
                            f"jpa-{dashboard['jpa_id']}-dashboard.csv")
