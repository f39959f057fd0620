from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from joint_action_service.common import ReleaseIn
from joint_action_service.persons import service
from joint_action_service.persons.schemas import PersonIn, PersonOut, PersonPatch, PersonsOut
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS, CASE_WORKERS

blp = Blueprint("persons", __name__, url_prefix="/cases/<case_id>/persons",
                description="Suspects and victims of a case; victims' identities only where consent allows")


@blp.route("")
class Persons(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(PersonIn)
    @blp.response(201, PersonOut)
    def post(self, data, case_id):
        """Record a suspect or a victim (lead or contributing tenant)."""
        return service.add_person(Viewer.current(), case_id, data)

    @require(roles=CASE_READERS)
    @blp.response(200, PersonsOut)
    def get(self, case_id):
        """Suspects and the victims the caller may identify; other victims as anonymised counts."""
        return service.list_persons(Viewer.current(), case_id)


@blp.route("/<person_id>")
class PersonById(MethodView):
    @require(roles=CASE_READERS)
    @blp.response(200, PersonOut)
    def get(self, case_id, person_id):
        return service.get_person(Viewer.current(), case_id, person_id)

    @require(roles=CASE_WORKERS)
    @blp.arguments(PersonPatch)
    @blp.response(200, PersonOut)
    def patch(self, data, case_id, person_id):
        """Change the record (lead or the tenant that recorded it): referrals and consent are replaced whole."""
        return service.update_person(Viewer.current(), case_id, person_id, data)


@blp.route("/<person_id>/releases")
class PersonReleases(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(ReleaseIn)
    @blp.response(200, PersonOut)
    def post(self, data, case_id, person_id):
        return service.release_person(Viewer.current(), case_id, person_id, data["tenants"])
