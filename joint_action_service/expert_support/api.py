from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from joint_action_service.expert_support import service
from joint_action_service.expert_support.schemas import ExpertRequestIn, ExpertRequestOut
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS, CASE_WORKERS

blp = Blueprint("expert_support", __name__, url_prefix="/cases/<case_id>/expert-requests",
                description="Experts requested from the roster for a case (deployments show on the case)")


@blp.route("")
class ExpertRequests(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(ExpertRequestIn)
    @blp.response(201, ExpertRequestOut)
    def post(self, data, case_id):
        """Request experts from the roster (emits `joint_action.case.expert_requested`)."""
        return service.request_expert(Viewer.current(), case_id, data)

    @require(roles=CASE_READERS)
    @blp.response(200, ExpertRequestOut(many=True))
    @blp.paginate()
    def get(self, case_id, pagination_parameters):
        return service.list_expert_requests(Viewer.current(), case_id, pagination_parameters)
