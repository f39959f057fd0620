from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from joint_action_service.outcomes import service
from joint_action_service.outcomes.schemas import (
    ExtraditionIn,
    ExtraditionOut,
    ExtraditionStepIn,
    MlaStepIn,
    OutcomeIn,
    OutcomeOut,
    OutcomeQuery,
)
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS, CASE_WORKERS

blp = Blueprint("outcomes", __name__, url_prefix="/cases/<case_id>",
                description="Arrests, seizures, charges, convictions, MLA and extradition requests of a case")


@blp.route("/outcomes")
class Outcomes(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(OutcomeIn)
    @blp.response(201, OutcomeOut)
    def post(self, data, case_id):
        """Record an outcome (lead or contributing tenant)."""
        return service.record_outcome(Viewer.current(), case_id, data)

    @require(roles=CASE_READERS)
    @blp.arguments(OutcomeQuery, location="query")
    @blp.response(200, OutcomeOut(many=True))
    @blp.paginate()
    def get(self, query, case_id, pagination_parameters):
        return service.list_outcomes(Viewer.current(), case_id, query, pagination_parameters)


@blp.route("/outcomes/<outcome_id>/transitions")
class OutcomeTransitions(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(MlaStepIn)
    @blp.response(200, OutcomeOut)
    def post(self, data, case_id, outcome_id):
        """Move an MLA request: sent -> answered | refused | withdrawn (other outcomes have no lifecycle)."""
        return service.advance_mla_request(Viewer.current(), case_id, outcome_id, data["to"], data.get("comment"))


@blp.route("/extraditions")
class Extraditions(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(ExtraditionIn)
    @blp.response(201, ExtraditionOut)
    def post(self, data, case_id):
        """Draft an extradition request."""
        return service.request_extradition(Viewer.current(), case_id, data)

    @require(roles=CASE_READERS)
    @blp.response(200, ExtraditionOut(many=True))
    @blp.paginate()
    def get(self, case_id, pagination_parameters):
        return service.list_extraditions(Viewer.current(), case_id, pagination_parameters)


@blp.route("/extraditions/<extradition_id>/transitions")
class ExtraditionTransitions(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(ExtraditionStepIn)
    @blp.response(200, ExtraditionOut)
    def post(self, data, case_id, extradition_id):
        """Move a request: drafted -> sent -> received -> granted | refused; granted -> executed."""
        return service.advance_extradition(Viewer.current(), case_id, extradition_id, data["to"],
                                           data.get("comment"))
