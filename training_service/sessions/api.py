"""HTTP endpoints of sessions."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from chassis.paging import QueryPage
from training_service.sessions import service
from training_service.sessions.schemas import SessionIn, SessionOut, SessionUpdateIn
from training_service.vocabulary import COORDINATORS

blueprint = Blueprint("sessions", __name__, description="Sessions (cohorts) of published courses")


@blueprint.route("/courses/<course_id>/sessions")
class CourseSessions(MethodView):
    @require()
    @blueprint.response(200, SessionOut(many=True))
    @blueprint.paginate(QueryPage, page_size=50)
    def get(self, course_id):
        """Sessions of a course the caller may see."""
        return service.sessions_of(course_id, current_principal())

    @require(roles=COORDINATORS)
    @blueprint.arguments(SessionIn)
    @blueprint.response(201, SessionOut)
    def post(self, data, course_id):
        """Schedule a session of one of this tenant's published courses."""
        return service.create_session(course_id, data, current_principal())


@blueprint.route("/sessions/<session_id>")
class SessionById(MethodView):
    @require()
    @blueprint.response(200, SessionOut)
    def get(self, session_id):
        return service.find_visible_session(session_id, current_principal())[0]

    @require(roles=COORDINATORS)
    @blueprint.arguments(SessionUpdateIn)
    @blueprint.response(200, SessionOut)
    def patch(self, data, session_id):
        """Change dates, place, trainers, capacity or whether it takes enrolments; more seats promote
        waitlisted trainees in order."""
        return service.update_session(session_id, data)
