"""A course recommended to a person, from a skill gap in a deployment evaluation."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from training_service.directory.models import TraineeRef

RECOMMENDATION_STATES = ("open", "enrolled", "dismissed")


class Recommendation(TenantOwnedDocument):
    """Owned by the tenant that nominated the expert: its coordinators act on it, the person sees it."""

    meta = {
        "collection": "recommendations",
        "indexes": [
            {"fields": ["deployment_id", "function"], "unique": True},
            ("tenant", "person.email"),
        ],
    }

    deployment_id = me.StringField(required=True)
    function = me.StringField(required=True)
    note = me.StringField(max_length=5000)
    course_id = me.ObjectIdField(required=True)
    course_code = me.StringField(required=True)
    course_title = me.StringField(required=True)
    provider_tenant = me.StringField(required=True)
    expert_id = me.StringField()
    person = me.EmbeddedDocumentField(TraineeRef, required=True)
    status = me.StringField(required=True, choices=RECOMMENDATION_STATES, default="open")
    created_at = me.DateTimeField(required=True, default=now)
    updated_at = me.DateTimeField(required=True, default=now)
