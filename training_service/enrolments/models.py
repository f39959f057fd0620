"""Enrolments as stored: owned by the trainee's tenant, naming the providing tenant too."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.workflow import Transition
from training_service.directory.models import TraineeRef

OPEN_STATES = ("pending_approval", "waitlisted", "enrolled")
ENROLMENT_STATES = (*OPEN_STATES, "completed", "withdrawn", "rejected")
SOURCES = ("self", "nomination", "bulk")


class Enrolment(TenantOwnedDocument):
    """A trainee in a session. `open_key` exists only while the enrolment is open, and is unique:
    one person (tenant and e-mail) cannot hold two open enrolments in one session, however the requests race."""

    meta = {
        "collection": "enrolments",
        "indexes": [
            {"fields": ["open_key"], "unique": True, "sparse": True},
            ("session_id", "status", "waitlist_position"),
            ("tenant", "trainee.email"),
            ("tenant", "trainee.user_id"),
            ("provider_tenant", "course_id"),
        ],
    }

    session_id = me.ObjectIdField(required=True)
    course_id = me.ObjectIdField(required=True)
    course_code = me.StringField(required=True)
    provider_tenant = me.StringField(required=True, max_length=64)
    trainee = me.EmbeddedDocumentField(TraineeRef, required=True)
    status = me.StringField(required=True, choices=ENROLMENT_STATES)
    source = me.StringField(required=True, choices=SOURCES)
    nominated_by = me.StringField(max_length=200)
    waitlist_position = me.IntField(min_value=1)
    open_key = me.StringField()
    completed_items = me.MapField(me.DateTimeField())  # content item id -> when
    started_at = me.DateTimeField()  # first item completed or first quiz attempt
    completed_at = me.DateTimeField()
    passed = me.BooleanField()
    score = me.FloatField()
    certificate_id = me.ObjectIdField()
    history = me.EmbeddedDocumentListField(Transition)
    created_at = me.DateTimeField(required=True, default=now)
    updated_at = me.DateTimeField(required=True, default=now)

    @property
    def invited(self) -> bool:
        """Nominated by e-mail, and not yet linked to the account of a person of its tenant (ADR 24)."""
        return self.trainee.user_id is None

    @staticmethod
    def open_key_for(session_id, tenant: str, email: str) -> str:
        """Per tenant: another tenant's nomination of the same address never blocks, nor reveals, anyone."""
        return f"{session_id}:{tenant}:{email}"
