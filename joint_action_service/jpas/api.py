from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from chassis.paging import page
from joint_action_service.jpas import service
from joint_action_service.jpas.schemas import JpaIn, JpaOut, JpaPatch, JpaQuery, JpaStepIn
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS, JPA_COORDINATORS

blp = Blueprint("jpas", __name__, url_prefix="/jpas", description="Joint Periods of Action")


@blp.route("")
class Jpas(MethodView):
    @require(roles=JPA_COORDINATORS)
    @blp.arguments(JpaIn)
    @blp.response(201, JpaOut)
    def post(self, data):
        """Plan a JPA; the caller's tenant coordinates it."""
        return service.create_jpa(Viewer.current(), data)

    @require(roles=CASE_READERS)
    @blp.arguments(JpaQuery, location="query")
    @blp.response(200, JpaOut(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """The JPAs the caller's tenant participates in."""
        return page(Viewer.current().jpas().filter(**query).order_by("-start_date"), pagination_parameters)


@blp.route("/<jpa_id>")
class JpaById(MethodView):
    @require(roles=CASE_READERS)
    @blp.response(200, JpaOut)
    def get(self, jpa_id):
        return Viewer.current().jpa(jpa_id)

    @require(roles=JPA_COORDINATORS)
    @blp.arguments(JpaPatch)
    @blp.response(200, JpaOut)
    def patch(self, data, jpa_id):
        """Change a JPA (coordinating tenants only, not once closed)."""
        return service.update_jpa(Viewer.current(), jpa_id, data)


@blp.route("/<jpa_id>/transitions")
class JpaTransitions(MethodView):
    @require(roles=JPA_COORDINATORS)
    @blp.arguments(JpaStepIn)
    @blp.response(200, JpaOut)
    def post(self, data, jpa_id):
        """Move a JPA: planning -> active -> closed."""
        return service.advance_jpa(Viewer.current(), jpa_id, data["to"], data.get("comment"))
