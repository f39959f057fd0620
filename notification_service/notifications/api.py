"""A person's own notifications in the portal: list with the unread count, mark read, dismiss."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from notification_service.notifications import service
from notification_service.notifications.schemas import (
    MarkedRead,
    NotificationList,
    NotificationOut,
    NotificationQuery,
)

blp = Blueprint("notifications", __name__, url_prefix="/notifications",
                description="The caller's own notifications (of their tenant)")


@blp.route("")
class Notifications(MethodView):
    @require()
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, NotificationList)
    def get(self, query):
        """The caller's unread notifications (all not dismissed with `include_read=true`), newest first."""
        me = current_principal().sub
        return {"unread": service.unread_count(me), "items": service.mine(me, include_read=query["include_read"])}


@blp.route("/read")
class AllRead(MethodView):
    @require()
    @blp.response(200, MarkedRead)
    def post(self):
        """Mark every unread notification of the caller read."""
        return {"marked": service.mark_all_read(current_principal().sub)}


@blp.route("/<notification_id>/read")
class Read(MethodView):
    @require()
    @blp.response(200, NotificationOut)
    def post(self, notification_id):
        return service.mark_read(notification_id, current_principal().sub)


@blp.route("/<notification_id>/dismiss")
class Dismiss(MethodView):
    @require()
    @blp.response(204)
    def post(self, notification_id):
        """Dismiss: the notification no longer shows."""
        service.dismiss(notification_id, current_principal().sub)
