"""RSO Gateway: identity, tokens, tenant administration and the single entry point."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from chassis.app import create_service_app
from chassis.i18n import init_babel
from gateway.account.api import blueprint as account_blueprint
from gateway.admin.api import blueprint as admin_blueprint
from gateway.admin.second_factors import blueprint as second_factor_blueprint
from gateway.cors import install_cors
from gateway.edge import install_edge
from gateway.oauth.api import blueprint as oauth_blueprint
from gateway.oauth.pages import blueprint as pages_blueprint
from gateway.oauth.reset_pages import blueprint as reset_pages_blueprint
from gateway.oauth.server import create_authorization_server
from gateway.settings import GatewaySettings
from gateway.tokens import GatewayTokenValidator

SERVICE = "gateway"
TRANSLATIONS = Path(__file__).parent / "translations"


def create_app(settings: GatewaySettings | None = None) -> Flask:
    settings = settings or GatewaySettings.from_env(SERVICE)
    app = create_service_app(
        settings,
        title="RSO Gateway",
        description="Identity, tokens, tenant administration and the single entry point.",
        blueprints=[oauth_blueprint, account_blueprint, admin_blueprint, second_factor_blueprint],
        accepted_media_types=("application/json", "application/x-www-form-urlencoded"),
        token_validator=GatewayTokenValidator(settings),
        metrics_route=False,  # the gateway's port is public: its metrics are on METRICS_PORT only
    )
    app.register_blueprint(pages_blueprint)  # browser pages: not in the OpenAPI document (gateway.oauth.pages)
    app.register_blueprint(reset_pages_blueprint)
    init_babel(app, TRANSLATIONS)
    app.extensions["gateway.authorization_server"] = create_authorization_server(app, settings)
    install_edge(app, settings)
    install_cors(app)  # on the token, revocation and API paths (gateway.cors)
    return app
