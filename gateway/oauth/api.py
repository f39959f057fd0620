"""HTTP endpoints of the authorization server."""

from __future__ import annotations

from authlib.oauth2.rfc6749 import InvalidRequestError
from bson import ObjectId
from flask import current_app, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from chassis.auth import current_principal, require
from chassis.i18n import SUPPORTED_LOCALES
from chassis.problems import Forbidden
from gateway.identity import keys
from gateway.identity.models import OPENID_SCOPES, User
from gateway.identity.second_factor import ACR_PASSWORD, ACR_SECOND_FACTOR
from gateway.oauth import schemas
from gateway.oauth.schemas import form_body, json_answer, oauth_errors
from gateway.oauth.server import CONFIDENTIAL_AUTH_METHODS, PUBLIC_AUTH_METHODS, claims_about

blueprint = Blueprint("oauth", __name__,
                      description="OAuth 2.0 authorization server (RFC 6749, 7009, 7636, 7662, 8414)")


def _server():
    return current_app.extensions["gateway.authorization_server"]


@blueprint.errorhandler(RequestEntityTooLarge)
def oversized_request(error):
    """OAuth clients read RFC 6749 error JSON, not problem+json, from the authorization server."""
    return _server().handle_response(*InvalidRequestError("The request body is too large", status_code=413)())


@blueprint.route("/oauth/token")
class Token(MethodView):
    @blueprint.doc(requestBody=form_body(schemas.TokenRequest), responses={
        200: json_answer("The access token (and, for people, a refresh token)", schemas.TokenResponse),
        **oauth_errors()})
    def post(self):
        """Token endpoint (RFC 6749 section 3.2): form-encoded grant request, RFC 6749 JSON errors."""
        return _server().create_token_response()


@blueprint.route("/oauth/introspect")
class Introspect(MethodView):
    @blueprint.doc(requestBody=form_body(schemas.TokenIn), responses={
        200: json_answer("What the token is, if active", schemas.IntrospectionResponse), **oauth_errors()})
    def post(self):
        """Token introspection (RFC 7662) for confidential clients, about tokens of their own tenant."""
        return _server().create_endpoint_response("introspection")


@blueprint.route("/oauth/revoke")
class Revoke(MethodView):
    @blueprint.doc(requestBody=form_body(schemas.TokenIn), responses={
        200: {"description": "Revoked, or there was nothing to revoke (RFC 7009)"}, **oauth_errors()})
    def post(self):
        """Token revocation (RFC 7009): a refresh token revokes its family, an access token is denied at once."""
        return _server().create_endpoint_response("revocation")


@blueprint.route("/.well-known/jwks.json")
class Jwks(MethodView):
    @blueprint.doc(responses={200: json_answer("The JSON Web Key Set", schemas.JsonWebKeySet)})
    def get(self):
        """The public keys that verify access tokens: the active key and keys still within a token lifetime."""
        response = jsonify(keys.public_jwks())
        response.cache_control.max_age = 60
        response.cache_control.public = True
        return response


@blueprint.route("/oauth/userinfo")
class Userinfo(MethodView):
    @require(scopes=["openid"])
    @blueprint.doc(responses={200: json_answer("The person's claims", schemas.UserClaims)})
    def get(self):
        """OpenID Connect UserInfo: the signed-in person's claims, by the scopes of the access token."""
        return jsonify(_userinfo())

    @require(scopes=["openid"])
    @blueprint.doc(responses={200: json_answer("The person's claims", schemas.UserClaims)})
    def post(self):
        """The same as GET (OpenID Connect Core section 5.3.1)."""
        return jsonify(_userinfo())


def _userinfo() -> dict:
    principal = current_principal()
    user = User.objects(id=principal.sub).first() if ObjectId.is_valid(principal.sub) else None
    if user is None:
        raise Forbidden("Only a person's access token has user information")
    return claims_about(user, " ".join(principal.scopes))


def _metadata() -> dict:
    settings = current_app.extensions["rso.settings"]
    issuer = settings.oauth_issuer.rstrip("/")
    return {
        "issuer": settings.oauth_issuer,
        "authorization_endpoint": f"{issuer}/oauth/authorize",
        "token_endpoint": f"{issuer}/oauth/token",
        "introspection_endpoint": f"{issuer}/oauth/introspect",
        "revocation_endpoint": f"{issuer}/oauth/revoke",
        "end_session_endpoint": f"{issuer}/oauth/logout",
        "jwks_uri": f"{issuer}/.well-known/jwks.json",
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": CONFIDENTIAL_AUTH_METHODS + PUBLIC_AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": CONFIDENTIAL_AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": CONFIDENTIAL_AUTH_METHODS + PUBLIC_AUTH_METHODS,
        "scopes_supported": ["api", *OPENID_SCOPES],
        "prompt_values_supported": ["login"],
        "ui_locales_supported": list(SUPPORTED_LOCALES),
        "authorization_response_iss_parameter_supported": True,
        "userinfo_endpoint": f"{issuer}/oauth/userinfo",
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid",
                             "name", "email", "tenant"],
        "acr_values_supported": [ACR_PASSWORD, ACR_SECOND_FACTOR],
    }


@blueprint.route("/.well-known/oauth-authorization-server")
class Metadata(MethodView):
    @blueprint.doc(responses={200: json_answer("The server's metadata", schemas.ServerMetadata)})
    def get(self):
        """Authorization server metadata (RFC 8414)."""
        return jsonify(_metadata())


@blueprint.route("/.well-known/openid-configuration")
class OpenIDConfiguration(MethodView):
    @blueprint.doc(responses={200: json_answer("The server's metadata", schemas.ServerMetadata)})
    def get(self):
        """OpenID Connect Discovery: the same metadata, for relying parties."""
        return jsonify(_metadata())
