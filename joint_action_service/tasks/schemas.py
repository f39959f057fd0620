from __future__ import annotations

import marshmallow as ma

from chassis.vocabulary import TenantCode
from chassis.workflow import TransitionOut
from joint_action_service.common import StepIn, tenant_code_field
from joint_action_service.tasks.models import TASK_WORKFLOW


class TaskPatch(ma.Schema):
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    description = ma.fields.String(validate=ma.validate.Length(max=4000))
    assigned_tenant = tenant_code_field(metadata={"description": "The lead or a contributing tenant"})
    assignee = ma.fields.String(allow_none=True, validate=ma.validate.Length(min=1, max=254),
                                metadata={"description": "A person of the assigned tenant: user id or e-mail"})
    due_date = ma.fields.Date(allow_none=True)
    mandatory = ma.fields.Boolean(metadata={"description": "Set by the lead; closing waits for mandatory tasks"})


class TaskIn(TaskPatch):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    assigned_tenant = tenant_code_field(metadata={"description": "Default: the caller's tenant"})


class TaskQuery(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(TASK_WORKFLOW.states))
    assigned_tenant = TenantCode()
    mandatory = ma.fields.Boolean()


class TaskStepIn(StepIn):
    to = ma.fields.String(required=True, validate=ma.validate.OneOf(TASK_WORKFLOW.states))


class CommentIn(ma.Schema):
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=4000))


class CommentOut(ma.Schema):
    author = ma.fields.String()
    author_tenant = ma.fields.String()
    at = ma.fields.DateTime()
    text = ma.fields.String()


class TaskOut(ma.Schema):
    id = ma.fields.String()
    case_id = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    assigned_tenant = ma.fields.String()
    assignee = ma.fields.String()
    due_date = ma.fields.Date()
    mandatory = ma.fields.Boolean()
    status = ma.fields.String()
    allowed_next_states = ma.fields.Function(lambda task: TASK_WORKFLOW.allowed_next(task.status))
    from_template = ma.fields.Boolean()
    created_by = ma.fields.String()
    created_tenant = ma.fields.String(attribute="tenant")
    created_at = ma.fields.DateTime()
    history = ma.fields.List(ma.fields.Nested(TransitionOut))
    comments = ma.fields.List(ma.fields.Nested(CommentOut))
