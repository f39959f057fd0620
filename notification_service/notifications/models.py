"""A notification in the portal: one person's, in their tenant, unread until they read or dismiss it."""

from __future__ import annotations

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument


class Notification(TenantOwnedDocument):
    meta = {"collection": "notifications",
            "indexes": [("tenant", "user_id", "dismissed_at", "-created_at"),
                        {"fields": ["event_id", "user_id"], "unique": True}]}

    user_id = me.StringField(required=True)
    kind = me.StringField(required=True, max_length=64)
    params = me.DictField()  # what the message names (codes, dates), never restricted content
    link = me.StringField(required=True)
    event_id = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)
    read_at = me.DateTimeField(null=True)
    dismissed_at = me.DateTimeField(null=True)
