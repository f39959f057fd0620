"""HTTP endpoints of the authorization server."""

from __future__ import annotations

from flask import current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from gateway.identity import keys

blueprint = Blueprint("oauth", __name__, description="OAuth 2.0 authorization server (RFC 6749, 8414, 7517)")


@blueprint.route("/oauth/token")
class Token(MethodView):
    def post(self):
        """Token endpoint (RFC 6749 section 3.2): form-encoded grant request, RFC 6749 JSON errors."""
        return current_app.extensions["gateway.authorization_server"].create_token_response()


@blueprint.route("/.well-known/jwks.json")
class Jwks(MethodView):
    def get(self):
        """The public keys that verify access tokens: the active key and keys still within a token lifetime."""
        response = jsonify(keys.public_jwks())
        response.cache_control.max_age = 60
        response.cache_control.public = True
        return response


@blueprint.route("/.well-known/oauth-authorization-server")
class Metadata(MethodView):
    def get(self):
        """Authorization server metadata (RFC 8414)."""
        settings = current_app.extensions["rso.settings"]
        issuer = settings.oauth_issuer.rstrip("/")
        return jsonify({
            "issuer": settings.oauth_issuer,
            "token_endpoint": f"{issuer}/oauth/token",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "response_types_supported": [],
            "scopes_supported": [],
        })
