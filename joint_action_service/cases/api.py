from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from joint_action_service.cases import service
from joint_action_service.cases.schemas import (
    CaseDetailOut,
    CaseIn,
    CaseOut,
    CasePatch,
    CaseQuery,
    MilestoneIn,
    ShareIn,
)
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS, CASE_WORKERS

blp = Blueprint("cases", __name__, url_prefix="/cases",
                description="Cases worked jointly, from intelligence to verdict")


@blp.route("")
class Cases(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(CaseIn)
    @blp.response(201, CaseOut)
    def post(self, data):
        """Open a case led by the caller's tenant, with its template tasks, optionally shared at once."""
        return service.open_case(Viewer.current(), data)

    @require(roles=CASE_READERS)
    @blp.arguments(CaseQuery, location="query")
    @blp.response(200, CaseOut(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Cases the caller's tenant leads or that are shared with it."""
        return service.list_cases(Viewer.current(), query, pagination_parameters)


@blp.route("/<case_id>")
class CaseById(MethodView):
    @require(roles=CASE_READERS)
    @blp.response(200, CaseDetailOut)
    def get(self, case_id):
        """A case with what the caller may count of it, and the roster's deployments for it."""
        return service.case_detail(Viewer.current(), case_id)

    @require(roles=CASE_WORKERS)
    @blp.arguments(CasePatch)
    @blp.response(200, CaseOut)
    def patch(self, data, case_id):
        """Change the title, summary or handling code (lead tenant)."""
        return service.update_case(Viewer.current(), case_id, data)


@blp.route("/<case_id>/shares/<tenant>")
class CaseShare(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(ShareIn)
    @blp.response(200, CaseOut)
    def put(self, data, case_id, tenant):
        """Share the case with a tenant, or change its permission (lead tenant)."""
        return service.share_case(Viewer.current(), case_id, tenant, data["permission"])

    @require(roles=CASE_WORKERS)
    @blp.response(200, CaseOut)
    def delete(self, case_id, tenant):
        """Stop sharing the case with a tenant (lead tenant)."""
        return service.revoke_share(Viewer.current(), case_id, tenant)


@blp.route("/<case_id>/milestones")
class CaseMilestones(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(MilestoneIn)
    @blp.response(200, CaseOut)
    def post(self, data, case_id):
        """Record the next milestone (lead or contributing tenant); closing (lead) needs a resolution and
        every mandatory task done."""
        return service.reach_milestone(Viewer.current(), case_id, data)
