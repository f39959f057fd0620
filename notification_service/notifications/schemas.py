from __future__ import annotations

import marshmallow as ma

from chassis.i18n import SUPPORTED_LOCALES


class LanguageQuery(ma.Schema):
    language = ma.fields.String(validate=ma.validate.OneOf(SUPPORTED_LOCALES), metadata={
        "description": "The language of titles and labels (default: the person's own, else English)."})


class NotificationQuery(LanguageQuery):
    include_read = ma.fields.Boolean(load_default=False, metadata={
        "description": "Also the notifications already read (dismissed ones never come back)."})


class NotificationOut(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    title = ma.fields.String(metadata={"description": "In the requested language."})
    params = ma.fields.Dict()
    link = ma.fields.String(metadata={"description": "The record on the portal; open it to see the details."})
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)


class NotificationList(ma.Schema):
    unread = ma.fields.Integer(metadata={"description": "For the count in the page header."})
    items = ma.fields.List(ma.fields.Nested(NotificationOut))


class UnreadCount(ma.Schema):
    unread = ma.fields.Integer()


class MarkedRead(ma.Schema):
    marked = ma.fields.Integer()
