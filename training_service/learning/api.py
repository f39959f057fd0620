"""HTTP endpoints of learning: content and progress, quizzes and attempts."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from training_service.enrolments.schemas import EnrolmentOut
from training_service.learning import service
from training_service.learning.schemas import AttemptIn, AttemptResultOut, CompleteItemIn, ContentOut, QuizOut

blueprint = Blueprint("learning", __name__, description="Course content, progress and quizzes of an enrolment")


@blueprint.route("/enrolments/<enrolment_id>/content")
class Content(MethodView):
    @require()
    @blueprint.response(200, ContentOut)
    def get(self, enrolment_id):
        """The course's modules and items with their content and what is done."""
        return service.content(enrolment_id, current_principal())


@blueprint.route("/enrolments/<enrolment_id>/progress")
class Progress(MethodView):
    @require()
    @blueprint.arguments(CompleteItemIn)
    @blueprint.response(200, EnrolmentOut)
    @blueprint.alt_response(409, description="Not enrolled (waitlisted, pending, completed or withdrawn)")
    def post(self, data, enrolment_id):
        """Mark a lesson or document done (the trainee); the last item completes the course."""
        return service.complete_item(enrolment_id, data["item_id"], current_principal())


@blueprint.route("/enrolments/<enrolment_id>/assessments/<assessment_id>")
class Quiz(MethodView):
    @require()
    @blueprint.response(200, QuizOut)
    def get(self, enrolment_id, assessment_id):
        """A quiz to take: questions and options (never the key), attempts so far and what is left."""
        return service.quiz(enrolment_id, assessment_id, current_principal())


@blueprint.route("/enrolments/<enrolment_id>/assessments/<assessment_id>/attempts")
class Attempts(MethodView):
    @require()
    @blueprint.arguments(AttemptIn)
    @blueprint.response(201, AttemptResultOut)
    @blueprint.alt_response(409, description="No attempt left, or not enrolled")
    def post(self, data, enrolment_id, assessment_id):
        """Submit answers; they are graded on the server and the score comes back (not the key)."""
        return service.submit_attempt(enrolment_id, assessment_id, data["answers"], current_principal())
