"""Which kinds of notification a person does not want by e-mail (they still see them in the portal)."""

from __future__ import annotations

import mongoengine as me

from chassis.tenancy import TenantOwnedDocument


class EmailPreferences(TenantOwnedDocument):
    """One person's (gateway user id, in their tenant); without a record every kind goes out by e-mail. The kinds
    turned off are kept, not the ones on, so a kind added later reaches everyone until they turn it off."""

    meta = {"collection": "email_preferences",
            "indexes": [{"fields": ["tenant", "user_id"], "unique": True}]}

    user_id = me.StringField(required=True)
    muted = me.ListField(me.StringField(max_length=64))
