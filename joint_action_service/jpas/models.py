"""A Joint Period of Action: states working jointly on investigations for a period, under coordinating tenants."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.workflow import Transition, Workflow
from joint_action_service.vocabulary import FOCUS_AREAS, JPA_COORDINATORS

JPA_WORKFLOW = Workflow("joint period of action", {
    "planning": {"active": JPA_COORDINATORS, "closed": JPA_COORDINATORS},
    "active": {"closed": JPA_COORDINATORS},
    "closed": {},
})


class Jpa(TenantOwnedDocument):
    """Owned by the tenant that created it; seen by every participating tenant (coordinators participate)."""

    meta = {"collection": "jpas", "indexes": ["participating_tenants", "status"]}

    name = me.StringField(required=True, max_length=200)
    focus = me.ListField(me.StringField(choices=FOCUS_AREAS), required=True)
    start_date = me.DateField(required=True)
    end_date = me.DateField(required=True)
    coordinating_tenants = me.ListField(me.StringField(), required=True)
    participating_tenants = me.ListField(me.StringField(), required=True)
    objectives = me.ListField(me.StringField(max_length=1000))
    status = me.StringField(required=True, default="planning", choices=JPA_WORKFLOW.states)
    history = me.EmbeddedDocumentListField(Transition)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
