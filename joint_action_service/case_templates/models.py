"""Case templates: the tasks every new case of a type starts with, per lead tenant."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from joint_action_service.vocabulary import CASE_TYPES


class PresetTask(me.EmbeddedDocument):
    title = me.StringField(required=True, max_length=200)
    description = me.StringField(max_length=4000)
    mandatory = me.BooleanField(required=True, default=False)
    due_in_days = me.IntField(min_value=0)


class CaseTemplate(TenantOwnedDocument):
    """A tenant's own template for a case type; without one, the built-in default applies."""

    meta = {"collection": "case_templates",
            "indexes": [{"fields": ["tenant", "case_type"], "unique": True}]}

    case_type = me.StringField(required=True, choices=CASE_TYPES)
    tasks = me.EmbeddedDocumentListField(PresetTask)
    updated_by = me.StringField(required=True)
    updated_at = me.DateTimeField(required=True, default=now)
