"""The roster's pages (issue 14): requesting officers search and request experts, the roster office vets and
offers, nominating tenants nominate (one by one or from a CSV file), experts answer offers and keep their
calendar, managers read the reports. Every page is a call to the roster API through the gateway with the
person's token (`portal.gateway`), so the API's rules and isolation are the pages' rules.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from portal.roster.common import install_filters

blueprint = Blueprint("roster", __name__, url_prefix="/roster", template_folder="templates")
blueprint.record_once(install_filters)


def register(app: Flask) -> None:
    from portal.roster import deployment_requests, experts, nominations, reports  # noqa: F401  (their routes)
    app.register_blueprint(blueprint)
