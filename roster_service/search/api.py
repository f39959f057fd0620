from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import page
from roster_service.experts.service import visible_expert
from roster_service.search import service
from roster_service.search.schemas import ExplanationOut, MatchOut, SearchQuery

blp = Blueprint("search", __name__, url_prefix="/search",
                description="Find experts for a need across every nominating tenant, as summaries")

SEARCH_ROLES = ["auditor", "platform_admin", "requesting_officer", "roster_manager", "tenant_admin"]


@blp.route("")
class Search(MethodView):
    @require(roles=SEARCH_ROLES)
    @blp.arguments(SearchQuery, location="query")
    @blp.response(200, MatchOut(many=True))
    @blp.paginate()
    def get(self, criteria, pagination_parameters):
        """Experts active on the roster who meet every criterion, best first, each with why it matched."""
        return page(service.search(criteria), pagination_parameters)


@blp.route("/explanations/<expert_id>")
class Explanation(MethodView):
    @require(roles=SEARCH_ROLES)
    @blp.arguments(SearchQuery, location="query")
    @blp.response(200, ExplanationOut)
    def get(self, criteria, expert_id):
        """Whether one expert meets the criteria: every reason it does, or the first reason it does not."""
        expert, _ = visible_expert(current_principal(), expert_id)
        explanation = service.explain(criteria, expert)
        return {"expert_id": expert_id, "matched": explanation.matched, "reasons": explanation.reasons,
                "first_failure": explanation.first_failure}
