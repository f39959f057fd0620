from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from chassis.csv_export import csv_response
from joint_action_service.access_log import service
from joint_action_service.access_log.schemas import AccessLogEntryOut, AccessLogQuery
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import ACCESS_LOG_READERS

EXPORT_PAGE_SIZE_MAX = 1000  # entries of about 400 bytes: a page stays under half a megabyte

blp = Blueprint("access_log", __name__, url_prefix="/access-log",
                description="Who read or changed which case, item or person record, hash-chained, for court use")


@blp.route("")
class AccessLog(MethodView):
    @require(roles=ACCESS_LOG_READERS)
    @blp.arguments(AccessLogQuery, location="query")
    @blp.response(200, AccessLogEntryOut(many=True))
    @blp.paginate(max_page_size=EXPORT_PAGE_SIZE_MAX)
    def get(self, query, pagination_parameters):
        """Export the access log as JSON or (format=csv) CSV, a page at a time: a lead tenant gets its cases'
        chains, entries about records it does not see withheld; a platform auditor everything. Entries come in
        chain order with their hashes; `rso-joint-action verify-access-log --export` checks the pages."""
        rows = service.export_page(Viewer.current(), query, pagination_parameters)
        if query["format"] == "csv":
            return csv_response(rows, [*service.EXPORT_FIELDS, "withheld"], "access-log.csv")
        return rows
