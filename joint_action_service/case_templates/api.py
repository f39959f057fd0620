from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import require
from chassis.problems import NotFound
from joint_action_service.case_templates import service
from joint_action_service.case_templates.schemas import CaseTemplateIn, CaseTemplateOut
from joint_action_service.visibility import Viewer
from joint_action_service.vocabulary import CASE_READERS, CASE_TYPES, CASE_WORKERS

blp = Blueprint("case_templates", __name__, url_prefix="/case-templates",
                description="Preset tasks every new case of a type starts with, per lead tenant")


def _known(case_type: str) -> str:
    if case_type not in CASE_TYPES:
        raise NotFound(f"No case type {case_type}")
    return case_type


@blp.route("")
class CaseTemplates(MethodView):
    @require(roles=CASE_READERS)
    @blp.response(200, CaseTemplateOut(many=True))
    def get(self):
        """The caller's tenant's template of every case type (its own, else the built-in one)."""
        Viewer.current()  # refuses a suspended tenant
        return service.effective_templates()


@blp.route("/<case_type>")
class CaseTemplateByType(MethodView):
    @require(roles=CASE_READERS)
    @blp.response(200, CaseTemplateOut)
    def get(self, case_type):
        Viewer.current()  # refuses a suspended tenant
        return service.effective_template(_known(case_type))

    @require(roles=CASE_WORKERS)
    @blp.arguments(CaseTemplateIn)
    @blp.response(200, CaseTemplateOut)
    def put(self, data, case_type):
        """Replace the caller's tenant's template of a case type (cases opened later start with it)."""
        viewer = Viewer.current()
        return service.replace_template(_known(case_type), data["tasks"], viewer.sub)

    @require(roles=CASE_WORKERS)
    @blp.response(200, CaseTemplateOut)
    def delete(self, case_type):
        """Go back to the built-in template."""
        Viewer.current()  # refuses a suspended tenant
        return service.restore_default(_known(case_type))
