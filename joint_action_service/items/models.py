"""The intelligence log of a case: graded information items under a handling code, released to named tenants."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from joint_action_service.handling import HandledRecord
from joint_action_service.vocabulary import INFORMATION_CREDIBILITY, SOURCE_RELIABILITY


class Attachment(me.EmbeddedDocument):
    """A reference to evidence held elsewhere (a document store, an evidence locker), never the content itself."""

    reference = me.StringField(required=True, max_length=500)
    description = me.StringField(max_length=500)


class InformationItem(HandledRecord):
    meta = {"collection": "information_items", "indexes": ["case_id", "released_to"]}

    title = me.StringField(required=True, max_length=200)
    content = me.StringField(required=True, max_length=20000)
    source_reliability = me.StringField(required=True, choices=SOURCE_RELIABILITY)
    information_credibility = me.StringField(required=True, choices=INFORMATION_CREDIBILITY)
    reported_on = me.DateField()
    attachments = me.EmbeddedDocumentListField(Attachment)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
