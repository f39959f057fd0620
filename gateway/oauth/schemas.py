"""What the authorization server's endpoints take and answer, for the OpenAPI document.

The endpoints themselves are Authlib's: they read form fields and answer RFC 6749 JSON (errors included,
`{"error", "error_description"}`), not problem+json; these schemas document that, they validate nothing.
"""

from __future__ import annotations

import marshmallow as ma

from chassis.openapi import RETRY_AFTER_HEADER

_text = ma.fields.String


class Answer(ma.Schema):
    """An answer may carry members beyond those listed (OpenID Connect adds its own; RFC 6749 allows more)."""

    class Meta:
        unknown = ma.INCLUDE


class TokenRequest(ma.Schema):
    grant_type = _text(required=True, validate=ma.validate.OneOf(
        ["authorization_code", "client_credentials", "refresh_token"]))
    code = _text(metadata={"description": "authorization_code: the code from the redirect"})
    redirect_uri = _text(metadata={"description": "authorization_code: as in the authorization request"})
    code_verifier = _text(metadata={"description": "authorization_code: the PKCE verifier"})
    refresh_token = _text(metadata={"description": "refresh_token: the refresh token (rotated on use)"})
    scope = _text()
    client_id = _text(metadata={"description": "Public clients, and confidential ones using client_secret_post"})
    client_secret = _text(metadata={"description": "client_secret_post (or use HTTP Basic)"})


class TokenResponse(Answer):
    access_token = _text(required=True, metadata={"description": "An RS256 JWT"})
    token_type = _text(required=True, metadata={"example": "Bearer"})
    expires_in = ma.fields.Integer(required=True)
    scope = _text()
    refresh_token = _text(metadata={"description": "authorization_code and refresh_token grants only"})
    id_token = _text(metadata={"description": "OpenID Connect: with the openid scope"})


class UserClaims(Answer):
    """OpenID Connect UserInfo: the claims the token's scopes allow."""

    sub = _text(required=True)


class TokenIn(ma.Schema):
    token = _text(required=True)
    token_type_hint = _text(validate=ma.validate.OneOf(["access_token", "refresh_token"]))
    client_id = _text()
    client_secret = _text()


class IntrospectionResponse(Answer):
    """RFC 7662: `active` alone when the token is not active, or not of the caller's tenant."""

    active = ma.fields.Boolean(required=True)
    token_type = _text()
    client_id = _text()
    sub = _text()
    tenant = _text()
    roles = ma.fields.List(_text())
    scope = _text()
    exp = ma.fields.Integer()
    iat = ma.fields.Integer()
    iss = _text()
    aud = ma.fields.Raw(metadata={"description": "A string or a list of strings"})
    jti = _text()


class OAuthError(Answer):
    """The error object of RFC 6749 section 5.2 (also answered by revocation, RFC 7009 section 2.2.1, and
    introspection, RFC 7662 section 2.3)."""

    error = _text(required=True, metadata={"example": "invalid_client"})
    error_description = _text()


class JsonWebKeySet(Answer):
    keys = ma.fields.List(ma.fields.Dict(), required=True, metadata={"description": "RSA public keys (RFC 7517)"})


class ServerMetadata(Answer):
    """RFC 8414 (and OpenID Connect Discovery, which adds members)."""

    issuer = _text(required=True)
    authorization_endpoint = _text(required=True)
    token_endpoint = _text(required=True)
    introspection_endpoint = _text()
    revocation_endpoint = _text()
    jwks_uri = _text(required=True)
    grant_types_supported = ma.fields.List(_text())
    response_types_supported = ma.fields.List(_text(), required=True)
    code_challenge_methods_supported = ma.fields.List(_text())
    token_endpoint_auth_methods_supported = ma.fields.List(_text())
    introspection_endpoint_auth_methods_supported = ma.fields.List(_text())
    revocation_endpoint_auth_methods_supported = ma.fields.List(_text())
    scopes_supported = ma.fields.List(_text())


def form_body(schema: type[ma.Schema]) -> dict:
    """A form-encoded request body, documented but left to Authlib to read (not required: Authlib answers its
    absence with an RFC 6749 error, as OAuth clients expect)."""
    return {"required": False, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}


def json_answer(description: str, schema: type[ma.Schema]) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


OAUTH_ERROR_STATUSES = {
    400: "The request is malformed or the grant invalid (RFC 6749 section 5.2)",
    401: "Client authentication failed (`invalid_client`)",
    413: "The request body is too large (`invalid_request`)",
    429: "Too many failed client authentications from this address (`invalid_client`); retry after `Retry-After`",
}


def oauth_errors() -> dict:
    """The error answers of the token, introspection and revocation endpoints: RFC 6749 error objects as
    `application/json`, which OAuth clients read, never problem documents (`chassis.openapi` keeps them)."""
    errors = {status: json_answer(description, OAuthError) for status, description in OAUTH_ERROR_STATUSES.items()}
    errors[429]["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
    return errors

