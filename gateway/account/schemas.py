"""Request bodies of the account API."""

from __future__ import annotations

import marshmallow as ma


class PasswordChangeIn(ma.Schema):
    current_password = ma.fields.String(required=True, load_only=True, validate=ma.validate.Length(max=200))
    new_password = ma.fields.String(required=True, load_only=True, metadata={
        "description": "12 to 200 characters, at least 6 different ones, without the e-mail address, "
                       "not the current password."})
