"""HTTP endpoints of recommended enrolments."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import QueryPage
from training_service.recommendations import service
from training_service.recommendations.schemas import RecommendationOut, RecommendationQuery
from training_service.vocabulary import COORDINATORS

blueprint = Blueprint("recommendations", __name__,
                      description="Courses recommended for skill gaps found in deployment evaluations")


@blueprint.route("/recommendations")
class Recommendations(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.arguments(RecommendationQuery, location="query")
    @blueprint.response(200, RecommendationOut(many=True))
    @blueprint.paginate(QueryPage, page_size=100)
    def get(self, query):
        """Courses recommended to this tenant's experts, to nominate them."""
        return service.tenant_recommendations(query.get("status"))


@blueprint.route("/me/recommendations")
class MyRecommendations(MethodView):
    @require()
    @blueprint.response(200, RecommendationOut(many=True))
    @blueprint.paginate(QueryPage, page_size=100)
    def get(self):
        """Courses recommended to the caller."""
        return service.my_recommendations(current_principal())


@blueprint.route("/recommendations/<recommendation_id>/dismiss")
class Dismiss(MethodView):
    @require(roles=COORDINATORS)
    @blueprint.response(200, RecommendationOut)
    @blueprint.alt_response(409, description="Not open any more")
    def post(self, recommendation_id):
        return service.dismiss(recommendation_id)
