"""Tasks of a case: assigned to a participating tenant (and optionally a person), due, mandatory or not."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.workflow import Transition, Workflow
from joint_action_service.vocabulary import CASE_WORKERS

TASK_WORKFLOW = Workflow("task", {
    "open": {"in_progress": CASE_WORKERS, "done": CASE_WORKERS, "cancelled": CASE_WORKERS},
    "in_progress": {"done": CASE_WORKERS, "open": CASE_WORKERS, "cancelled": CASE_WORKERS},
    "done": {"in_progress": CASE_WORKERS},
    "cancelled": {},
})
UNFINISHED = ("open", "in_progress")


class TaskComment(me.EmbeddedDocument):
    author = me.StringField(required=True)
    author_tenant = me.StringField(required=True)
    at = me.DateTimeField(required=True)
    text = me.StringField(required=True, max_length=4000)


class Task(TenantOwnedDocument):
    """Owned by the tenant that created it; seen by every participant of its case."""

    meta = {"collection": "tasks", "indexes": ["case_id"]}

    case_id = me.ObjectIdField(required=True)
    title = me.StringField(required=True, max_length=200)
    description = me.StringField(max_length=4000)
    assigned_tenant = me.StringField(required=True)
    assignee = me.StringField(max_length=254)  # a person of the assigned tenant: user id or e-mail
    due_date = me.DateField()
    mandatory = me.BooleanField(required=True, default=False)
    status = me.StringField(required=True, default="open", choices=TASK_WORKFLOW.states)
    from_template = me.BooleanField(required=True, default=False)
    history = me.EmbeddedDocumentListField(Transition)
    comments = me.EmbeddedDocumentListField(TaskComment)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
