"""A person's own notifications in the portal: list with the unread count, mark read, dismiss."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from notification_service.notifications import service
from notification_service.notifications.schemas import (
    LanguageQuery,
    MarkedRead,
    NotificationList,
    NotificationOut,
    NotificationQuery,
    UnreadCount,
)
from notification_service.people.service import language_of_caller

blp = Blueprint("notifications", __name__, url_prefix="/notifications",
                description="The caller's own notifications (of their tenant)")


@blp.route("")
class Notifications(MethodView):
    @require()
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, NotificationList)
    def get(self, query):
        """The caller's unread notifications (all not dismissed with `include_read=true`), newest first."""
        me, language = current_principal().sub, language_of_caller(query)
        return {"unread": service.unread_count(me),
                "items": [service.present(notification, language)
                          for notification in service.mine(me, include_read=query["include_read"])]}


@blp.route("/unread-count")
class UnreadCountOf(MethodView):
    @require()
    @blp.response(200, UnreadCount)
    def get(self):
        """Only the count, for the portal's page header on every page (one indexed count, no titles)."""
        return {"unread": service.unread_count(current_principal().sub)}


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
    @blp.arguments(LanguageQuery, location="query")
    @blp.response(200, NotificationOut)
    def post(self, query, notification_id):
        return service.present(service.mark_read(notification_id, current_principal().sub), language_of_caller(query))


@blp.route("/<notification_id>/dismiss")
class Dismiss(MethodView):
    @require()
    @blp.response(204)
    def post(self, notification_id):
        """Dismiss: the notification no longer shows."""
        service.dismiss(notification_id, current_principal().sub)
