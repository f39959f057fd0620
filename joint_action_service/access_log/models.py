"""The access log: one hash chain per case of who read or changed the case, its items and its persons."""

from __future__ import annotations

import mongoengine as me

from chassis import db


class AccessLogEntry(db.Document):
    """Append-only. `hash` = SHA-256 of the previous entry's hash and this entry's canonical content
    (`chassis.hash_chain`)."""

    meta = {"collection": "access_log",
            "indexes": [{"fields": ["chain", "seq"], "unique": True}, "case_id", "actor_tenant"]}

    chain = me.StringField(required=True)
    seq = me.IntField(required=True, min_value=1)
    at = me.DateTimeField(required=True)
    actor = me.StringField(required=True)
    actor_tenant = me.StringField(required=True)
    action = me.StringField(required=True)
    record_type = me.StringField(required=True, choices=("case", "item", "person"))
    record_id = me.StringField(required=True)
    case_id = me.StringField(required=True)
    detail = me.StringField()
    prev_hash = me.StringField(required=True)
    hash = me.StringField(required=True)


class AccessLogHead(db.Document):
    """The last entry of a chain. Appends update it in their transaction, so two appends cannot both extend
    the same entry (one meets a write conflict and is retried), and deleting the newest entry is detectable."""

    meta = {"collection": "access_log_heads"}

    id = me.StringField(primary_key=True)  # the chain
    seq = me.IntField(required=True)
    hash = me.StringField(required=True)
