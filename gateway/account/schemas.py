"""Request bodies of the account API."""

from __future__ import annotations

import marshmallow as ma


class PasswordChangeIn(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=200))
    new_password = ma.fields.String(required=True, load_only=True, metadata={
        "description": "The tenant's password policy: at least 12 characters (or the tenant's minimum), at most "
                       "200, at least 6 different ones, the character classes the tenant requires, without the "
                       "e-mail address, not a common password, not the current password."})


class SignInOut(ma.Schema):
    id = ma.fields.String(metadata={"description": "The sign-in (the `sid` of its access tokens)"})
    client_id = ma.fields.String()
    client_name = ma.fields.String()
    signed_in_at = ma.fields.DateTime(metadata={"description": "When its first token was issued"})
    last_used_at = ma.fields.DateTime(metadata={"description": "When its latest token was issued"})
    expires_at = ma.fields.DateTime(metadata={"description": "When its last token expires unless refreshed"})
    current = ma.fields.Boolean(metadata={"description": "The sign-in of the access token asking"})
