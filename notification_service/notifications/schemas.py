from __future__ import annotations

import marshmallow as ma

from notification_service.notifications.service import title_for


class NotificationQuery(ma.Schema):
    include_read = ma.fields.Boolean(load_default=False, metadata={
        "description": "Also the notifications already read (dismissed ones never come back)."})


class NotificationOut(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    title = ma.fields.Method("_title", metadata={"description": "In the person's language."})
    params = ma.fields.Dict()
    link = ma.fields.String(metadata={"description": "The record on the portal; open it to see the details."})
    created_at = ma.fields.DateTime()
    read_at = ma.fields.DateTime(allow_none=True)

    def _title(self, notification) -> str:
        return title_for(notification)


class NotificationList(ma.Schema):
    unread = ma.fields.Integer(metadata={"description": "For the count in the page header."})
    items = ma.fields.List(ma.fields.Nested(NotificationOut))


class MarkedRead(ma.Schema):
    marked = ma.fields.Integer()
