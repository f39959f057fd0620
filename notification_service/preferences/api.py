"""A person's own e-mail preferences: which notifications reach them by e-mail (all do until they choose)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from chassis.auth import current_principal, require
from notification_service.notifications.schemas import LanguageQuery
from notification_service.people.service import language_of_caller
from notification_service.preferences import service
from notification_service.preferences.schemas import PreferencesIn, PreferencesOut

blp = Blueprint("preferences", __name__, url_prefix="/preferences",
                description="The caller's own choice of what reaches them by e-mail (of their tenant)")


@blp.route("")
class Preferences(MethodView):
    @require()
    @blp.arguments(LanguageQuery, location="query")
    @blp.response(200, PreferencesOut)
    def get(self, query):
        return service.mine(current_principal().sub, language_of_caller(query))

    @require()
    @blp.arguments(PreferencesIn)
    @blp.arguments(LanguageQuery, location="query")
    @blp.response(200, PreferencesOut)
    def put(self, body, query):
        """Choose the kinds that reach the caller by e-mail; the others still show in the portal."""
        return service.choose(current_principal().sub, body["by_email"], language_of_caller(query))
