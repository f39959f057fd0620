from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from joint_action_service.access_log import service
from joint_action_service.access_log.schemas import AccessLogEntryOut, AccessLogQuery
from joint_action_service.common import csv_response
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import ACCESS_LOG_READERS

blp = Blueprint("access_log", __name__, url_prefix="/access-log",
                description="Who read or changed which case, item or person record, hash-chained, for court use")


@blp.route("")
class AccessLog(MethodView):
    @require(roles=ACCESS_LOG_READERS)
    @blp.arguments(AccessLogQuery, location="query")
    @blp.response(200, AccessLogEntryOut(many=True))
    @blp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})  # format=csv
    def get(self, query):
        """Export the access log as JSON or (format=csv) CSV: a lead tenant gets its cases' entries about records
        it sees, a platform auditor everything. Entries come in chain order with their hashes."""
        rows = service.export_rows(service.search(Viewer.current().access_log(), query))
        if query["format"] == "csv":
            return csv_response(rows, service.EXPORT_FIELDS, "access-log.csv")
        return rows
