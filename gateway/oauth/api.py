"""HTTP endpoints of the authorization server."""

from __future__ import annotations

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import InvalidRequestError
from flask import current_app, jsonify, render_template, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.identity import audit, keys, login
from gateway.oauth import schemas
from gateway.oauth.schemas import form_body, json_answer, oauth_errors
from gateway.oauth.server import CONFIDENTIAL_AUTH_METHODS, PUBLIC_AUTH_METHODS, may_serve

blueprint = Blueprint("oauth", __name__,
                      description="OAuth 2.0 authorization server (RFC 6749, 7009, 7636, 7662, 8414)")
LOGIN_PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    # no form-action directive: browsers apply it to the redirect back to the client too
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}


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
        **oauth_errors(400, 401, 413)})
    def post(self):
        """Token endpoint (RFC 6749 section 3.2): form-encoded grant request, RFC 6749 JSON errors."""
        return _server().create_token_response()


def _login_page(*, status: int = 200, error: str | None = None, client_name: str | None = None,
                can_sign_in: bool = True):
    page = render_template("login.html", error=error, client_name=client_name, can_sign_in=can_sign_in,
                           email=request.form.get("email", ""))
    return page, status, LOGIN_PAGE_HEADERS


@blueprint.route("/oauth/authorize")
class Authorize(MethodView):
    """Authorization endpoint (RFC 6749 section 4.1) with a server-rendered sign-in page.

    A request that names an unknown client or a redirect URI the client did not register is answered
    here, never redirected: redirecting would send the browser to an address nobody vouched for.
    """

    @blueprint.doc(responses={200: schemas.page("The sign-in page"),
                              400: schemas.page("The request names no client or redirect URI it may use")})
    def get(self):
        try:
            grant = _server().get_consent_grant(end_user=None)
        except OAuth2Error as error:
            return _login_page(status=400, error=error.description or error.error, can_sign_in=False)
        return _login_page(client_name=grant.client.name)

    @blueprint.doc(responses={
        302: {"description": "Signed in: back to the client's redirect URI with a code (or an error)",
              "headers": {"Location": {"schema": {"type": "string"}}}},
        400: schemas.page("The request names no client or redirect URI it may use"),
        401: schemas.page("The sign-in page again, saying why sign-in failed"),
        403: schemas.page("The application is not available to the person's organisation")})
    def post(self):
        server = _server()
        try:
            grant = server.get_consent_grant(end_user=None)
        except OAuth2Error as error:
            return _login_page(status=400, error=error.description or error.error, can_sign_in=False)
        try:
            user = login.authenticate(request.form.get("email", ""), request.form.get("password", ""),
                                      request.remote_addr)
        except login.LoginRefused as refused:
            return _login_page(status=401, error=str(refused), client_name=grant.client.name)
        if not may_serve(grant.client, user):
            audit.record("authorize", outcome="denied", actor=user.get_user_id(), actor_tenant=user.tenant,
                         target=grant.client.client_id, target_tenant=grant.client.tenant)
            return _login_page(status=403, error="This application is not available to your organisation.",
                               can_sign_in=False)
        return server.create_authorization_response(grant_user=user, grant=grant)


@blueprint.route("/oauth/introspect")
class Introspect(MethodView):
    @blueprint.doc(requestBody=form_body(schemas.TokenIn), responses={
        200: json_answer("What the token is, if active", schemas.IntrospectionResponse), **oauth_errors(400, 401, 413)})
    def post(self):
        """Token introspection (RFC 7662) for confidential clients, about tokens of their own tenant."""
        return _server().create_endpoint_response("introspection")


@blueprint.route("/oauth/revoke")
class Revoke(MethodView):
    @blueprint.doc(requestBody=form_body(schemas.TokenIn), responses={
        200: {"description": "Revoked, or there was nothing to revoke (RFC 7009)"}, **oauth_errors(400, 401, 413)})
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


@blueprint.route("/.well-known/oauth-authorization-server")
class Metadata(MethodView):
    @blueprint.doc(responses={200: json_answer("The server's metadata", schemas.ServerMetadata)})
    def get(self):
        """Authorization server metadata (RFC 8414)."""
        settings = current_app.extensions["rso.settings"]
        issuer = settings.oauth_issuer.rstrip("/")
        return jsonify({
            "issuer": settings.oauth_issuer,
            "authorization_endpoint": f"{issuer}/oauth/authorize",
            "token_endpoint": f"{issuer}/oauth/token",
            "introspection_endpoint": f"{issuer}/oauth/introspect",
            "revocation_endpoint": f"{issuer}/oauth/revoke",
            "jwks_uri": f"{issuer}/.well-known/jwks.json",
            "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
            "response_types_supported": ["code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": CONFIDENTIAL_AUTH_METHODS + PUBLIC_AUTH_METHODS,
            "introspection_endpoint_auth_methods_supported": CONFIDENTIAL_AUTH_METHODS,
            "revocation_endpoint_auth_methods_supported": CONFIDENTIAL_AUTH_METHODS + PUBLIC_AUTH_METHODS,
            "scopes_supported": ["api"],
        })
