from __future__ import annotations

import marshmallow as ma

from notification_service.messages import LABELS


class PreferencesIn(ma.Schema):
    by_email = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(list(LABELS))), required=True, metadata={
        "description": "The kinds that reach the person by e-mail; every other kind only in the portal."})


class KindPreference(ma.Schema):
    kind = ma.fields.String()
    label = ma.fields.String(metadata={"description": "What the kind is, in the requested language."})
    by_email = ma.fields.Boolean()


class PreferencesOut(ma.Schema):
    email = ma.fields.List(ma.fields.Nested(KindPreference))
