from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from joint_action_service.tasks import service
from joint_action_service.tasks.schemas import CommentIn, TaskIn, TaskOut, TaskPatch, TaskQuery, TaskStepIn
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS, CASE_WORKERS

blp = Blueprint("tasks", __name__, url_prefix="/cases/<case_id>/tasks", description="Tasks of a case")


@blp.route("")
class Tasks(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(TaskIn)
    @blp.response(201, TaskOut)
    def post(self, data, case_id):
        """Add a task for the lead or a contributing tenant."""
        return service.add_task(Viewer.current(), case_id, data)

    @require(roles=CASE_READERS)
    @blp.arguments(TaskQuery, location="query")
    @blp.response(200, TaskOut(many=True))
    @blp.paginate()
    def get(self, query, case_id, pagination_parameters):
        return service.list_tasks(Viewer.current(), case_id, query, pagination_parameters)


@blp.route("/<task_id>")
class TaskById(MethodView):
    @require(roles=CASE_READERS)
    @blp.response(200, TaskOut)
    def get(self, case_id, task_id):
        return service.get_task(Viewer.current(), case_id, task_id)

    @require(roles=CASE_WORKERS)
    @blp.arguments(TaskPatch)
    @blp.response(200, TaskOut)
    def patch(self, data, case_id, task_id):
        return service.update_task(Viewer.current(), case_id, task_id, data)


@blp.route("/<task_id>/transitions")
class TaskTransitions(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(TaskStepIn)
    @blp.response(200, TaskOut)
    def post(self, data, case_id, task_id):
        """Move a task: open -> in_progress -> done, or cancelled (a mandatory one by the lead only)."""
        return service.advance_task(Viewer.current(), case_id, task_id, data["to"], data.get("comment"))


@blp.route("/<task_id>/comments")
class TaskComments(MethodView):
    @require(roles=CASE_WORKERS)
    @blp.arguments(CommentIn)
    @blp.response(201, TaskOut)
    def post(self, data, case_id, task_id):
        return service.comment_on_task(Viewer.current(), case_id, task_id, data["text"])
