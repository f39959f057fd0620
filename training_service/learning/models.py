"""Quiz attempts as stored: owned by the trainee's tenant, one number per attempt."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument


class Answer(me.EmbeddedDocument):
    question_id = me.StringField(required=True)
    option_ids = me.ListField(me.StringField())
    text = me.StringField(max_length=1000)


class Attempt(TenantOwnedDocument):
    """One graded attempt. (enrolment, assessment, number) is unique, so two attempts submitted at
    once cannot both take the last allowed number."""

    meta = {
        "collection": "attempts",
        "indexes": [{"fields": ["enrolment_id", "assessment_id", "number"], "unique": True}],
    }

    enrolment_id = me.ObjectIdField(required=True)
    assessment_id = me.ObjectIdField(required=True)
    number = me.IntField(required=True, min_value=1)
    answers = me.EmbeddedDocumentListField(Answer)
    points = me.IntField(required=True)
    max_points = me.IntField(required=True)
    score = me.FloatField(required=True)  # percent
    passed = me.BooleanField(required=True)
    submitted_at = me.DateTimeField(required=True, default=now)
