"""The people the platform may write to: a read model of the gateway's `identity.user.*` events."""

from __future__ import annotations

import mongoengine as me

from chassis.tenancy import TenantOwnedDocument


class Person(TenantOwnedDocument):
    """A gateway account as its last identity event described it (the id is the gateway user id)."""

    meta = {"collection": "people", "indexes": ["email", ("tenant", "roles")]}

    id = me.StringField(primary_key=True)
    email = me.StringField(required=True, max_length=254)
    display_name = me.StringField(required=True, max_length=200)
    roles = me.ListField(me.StringField(max_length=64))
    language = me.StringField(max_length=8, null=True)
    active = me.BooleanField(required=True, default=True)
