"""Mail waiting for the SMTP relay: written with the inbox record of the event that caused it, sent after."""

from __future__ import annotations

import mongoengine as me

from chassis import db
from chassis.clock import now


class PendingMail(db.Document):
    """One message to one address. `sent_at` set: delivered to the relay; `refused_at`: the relay refused the
    recipient for good (a 5xx answer), never tried again."""

    meta = {"collection": "pending_mail", "indexes": [("sent_at", "refused_at", "next_attempt_at")]}

    id = me.StringField(primary_key=True)  # also the Message-ID's local part
    tenant = me.StringField(required=True)  # the recipient's tenant
    to = me.StringField(required=True, max_length=254)
    language = me.StringField(required=True, max_length=8)
    kind = me.StringField(required=True, max_length=64)
    subject = me.StringField(required=True)
    text = me.StringField(required=True)
    html = me.StringField(required=True)
    event_id = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
    next_attempt_at = me.DateTimeField(required=True, default=now)
    attempts = me.IntField(required=True, default=0)
    last_error = me.StringField(null=True)
    sent_at = me.DateTimeField(null=True)
    refused_at = me.DateTimeField(null=True)
