"""Authlib's authorization server, backed by the identity model, issuing RS256 JWT access tokens.

Grants: `client_credentials` for machines; `authorization_code` with PKCE for people (S256 only, required
for public clients); `refresh_token` with rotation, where presenting a rotated token again revokes
every token of its family. Endpoints: introspection (RFC 7662) and revocation (RFC 7009).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import secrets
import uuid

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import InvalidClientError, InvalidRequestError, grants
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, current_app
from flask import request as flask_request
from joserfc.jwk import KeySet

from chassis import context
from chassis.access import system
from chassis.auth import TokenValidator, Unauthorized
from chassis.clock import now
from chassis.vocabulary import PLATFORM_TENANT
from gateway.identity import audit, denials, keys, login, second_factor, throttle
from gateway.identity.models import (
    AuthorizationCode,
    IssuedAccessToken,
    OAuthClient,
    RefreshToken,
    Tenant,
    User,
    secret_matches,
    token_digest,
)
from gateway.identity.token_families import revoke_family
from gateway.settings import GatewaySettings

AUTHORIZATION_CODE_LIFETIME = dt.timedelta(minutes=2)
CONFIDENTIAL_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
PUBLIC_AUTH_METHODS = ["none"]


class AccessTokenGenerator(JWTBearerTokenGenerator):
    """RFC 9068 access tokens with the platform's claims: `tenant`, `roles`, and for people `email`, `name`, the
    sign-in `sid`, and how it was made, `amr` and `acr` (RFC 9068 section 2.2.1)."""

    def __init__(self, settings: GatewaySettings):
        super().__init__(
            issuer=settings.oauth_issuer,
            expires_generator=lambda client, grant_type: settings.access_token_lifetime_seconds,
            refresh_token_generator=lambda **_: secrets.token_urlsafe(48),
        )
        self.audience = settings.oauth_audience

    def get_jwks(self):
        return KeySet([keys.active_key()])

    def get_audiences(self, client, user, scope):
        return self.audience

    def get_extra_claims(self, client, grant_type, user, scope):
        if user is None:
            return {"tenant": client.tenant, "roles": list(client.roles)}
        return {"tenant": user.tenant, "roles": list(user.roles), "email": user.email, "name": user.display_name,
                "sid": user.sign_in_family, "amr": list(user.sign_in_amr),
                "acr": second_factor.acr_of(user.sign_in_amr)}


def may_serve(client: OAuthClient, user: User) -> bool:
    """A client signs in people of its own tenant; the platform's own clients (the RSO portal) anyone's."""
    return client.tenant in (user.tenant, PLATFORM_TENANT)


def active_user(user_id: str, sign_in_family: str, amr: list[str]) -> User | None:
    """The person a code or refresh token names, if still active, carrying the sign-in (family) it belongs to
    and how that sign-in was made."""
    user = system("tokens name users by id").records(User).filter(id=user_id, status="active").first()
    if user is None:
        return None
    tenant = Tenant.objects(code=user.tenant).first()
    if tenant is None or not tenant.is_active:
        return None
    user.sign_in_family, user.sign_in_amr = sign_in_family, list(amr or second_factor.PASSWORD_AMR)
    return user


def find_active_client(client_id: str) -> OAuthClient | None:
    """A client of an active tenant; the token endpoint authenticates clients before any tenant is known."""
    client = system("the token endpoint looks clients up by id").records(OAuthClient).filter(
        client_id=client_id, status="active").first()
    if client is None:
        return None
    tenant = Tenant.objects(code=client.tenant).first()
    return client if tenant is not None and tenant.is_active else None


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_AUTH_METHODS


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only: `plain` (or no method, which means plain) is a downgrade and refused, and a
    public client must send a challenge at all; a confidential client may still use PKCE."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge") and not grant.request.client.confidential:
            raise InvalidRequestError("A public client must use PKCE: send 'code_challenge' (S256)")
        if data.get("code_challenge") and data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_AUTH_METHODS + PUBLIC_AUTH_METHODS

    def save_authorization_code(self, code, request):
        data = request.payload.data
        AuthorizationCode(
            code_digest=token_digest(code), family=uuid.uuid4().hex, client_id=request.client.client_id,
            user_id=request.user.get_user_id(),
            tenant=request.user.tenant, redirect_uri=request.payload.redirect_uri, scope=request.payload.scope or "",
            code_challenge=data.get("code_challenge"), code_challenge_method=data.get("code_challenge_method"),
            nonce=data.get("nonce"), auth_time=getattr(request.user, "sign_in_auth_time", None) or now(),
            amr=request.user.sign_in_amr, acr=second_factor.acr_of(request.user.sign_in_amr),
            expires_at=now() + AUTHORIZATION_CODE_LIFETIME,
        ).save(force_insert=True)

    def query_authorization_code(self, code, client):
        """Claim the code for this exchange: of two exchanges of one code, only the first gets it, and the
        second revokes what the first obtained (RFC 6749 section 4.1.2)."""
        digest = token_digest(code)
        claimed = AuthorizationCode.objects(code_digest=digest, client_id=client.client_id, used_at=None).modify(
            set__used_at=now(), new=True)
        if claimed is None:
            used = AuthorizationCode.objects(code_digest=digest, client_id=client.client_id).first()
            if used is not None:
                revoke_family(used.family, reason="authorization code reused")
            return None
        if claimed.expires_at.replace(tzinfo=dt.UTC) < now():
            return None
        return claimed

    def delete_authorization_code(self, authorization_code):
        """Kept (marked used) so that a second exchange is recognised as reuse; the TTL index removes it."""

    def authenticate_user(self, authorization_code):
        return active_user(authorization_code.user_id, authorization_code.family, authorization_code.amr)


def claims_about(user: User, scope: str) -> dict:
    """What OpenID Connect tells a relying party about a person (ID token and /userinfo), by scope."""
    scopes = set((scope or "").split())
    claims = {"sub": user.get_user_id(), "tenant": user.tenant}
    if "profile" in scopes:
        claims["name"] = user.display_name
    if "email" in scopes:
        claims["email"] = user.email
    return claims


class OpenIDConnect(OpenIDCode):
    """OpenID Connect Core on the authorization code grant: with `scope=openid` the token response carries an
    RS256 `id_token` (typ JWT, so no resource server takes it for an access token) for the client, with
    `nonce`, `auth_time`, `amr` and `sid` (the sign-in). A nonce is accepted once per client."""

    def __init__(self, settings: GatewaySettings):
        super().__init__(require_nonce=False)
        self.issuer = settings.oauth_issuer
        self.lifetime = settings.access_token_lifetime_seconds

    def exists_nonce(self, nonce, request):
        return AuthorizationCode.objects(client_id=request.payload.client_id, nonce=nonce).first() is not None

    def resolve_client_private_key(self, client):
        return keys.active_key()

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "typ": "JWT", "kid": keys.active_key().kid}

    def get_client_claims(self, client):
        return {"iss": self.issuer, "aud": [client.get_client_id()], "exp": int(now().timestamp()) + self.lifetime}

    def generate_user_info(self, user, scope):
        return UserInfo({**claims_about(user, scope), "sid": user.sign_in_family})


class AuthorizationResponseIssuer(IssuerParameter):
    """RFC 9207: every redirect back to a client names the issuer, so a client using several servers cannot be
    fooled into sending one server's code to another (mix-up attacks)."""

    def __init__(self, issuer: str):
        self.issuer = issuer

    def get_issuer(self) -> str:
        return self.issuer


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CONFIDENTIAL_AUTH_METHODS + PUBLIC_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        stored = RefreshToken.objects(token_digest=token_digest(refresh_token)).first()
        if stored is None or stored.revoked_at is not None or stored.is_expired():
            return None
        if stored.rotated_at is not None:
            revoke_family(stored.family, reason="refresh token reused")
            return None
        return stored

    def authenticate_user(self, refresh_token):
        """The person, unless their tenant now requires a second factor this sign-in was made without."""
        user = active_user(refresh_token.user_id, refresh_token.family, refresh_token.amr)
        if user is not None and not second_factor.uses_second_factor(user.sign_in_amr) and (
                second_factor.required_for(user) or second_factor.is_enrolled(user)):
            return None
        return user

    def revoke_old_credential(self, refresh_token):
        """Rotation; conditional, so of two concurrent uses of one token the loser revokes the family."""
        rotated = RefreshToken.objects(token_digest=refresh_token.token_digest, rotated_at=None,
                                       revoked_at=None).update_one(set__rotated_at=now())
        if not rotated:
            revoke_family(refresh_token.family, reason="refresh token reused")


def _claims_of(access_token: str) -> dict:
    """The claims of an access token this server has just signed (no need to verify its own signature)."""
    payload = access_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _save_token(token: dict, request) -> None:
    """For a person: keep the refresh token (as a digest) and the access token's id in their sign-in's family,
    so that ending the sign-in ends both. Audit every issue."""
    client, user = request.client, request.user
    grant_type = request.payload.grant_type if request.payload else None
    if user is not None:
        claims = _claims_of(token["access_token"])
        IssuedAccessToken(jti=claims["jti"], family=user.sign_in_family, client_id=client.client_id,
                          user_id=user.get_user_id(), tenant=user.tenant,
                          expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.UTC)).save(force_insert=True)
    if token.get("refresh_token"):
        settings: GatewaySettings = current_app.extensions["rso.settings"]
        RefreshToken(
            token_digest=token_digest(token["refresh_token"]), family=user.sign_in_family,
            client_id=client.client_id, user_id=user.get_user_id(), tenant=user.tenant, scope=token.get("scope", ""),
            amr=user.sign_in_amr,
            expires_at=now() + dt.timedelta(seconds=settings.refresh_token_lifetime_seconds),
        ).save(force_insert=True)
    with context.bound(tenant=user.tenant if user else client.tenant):
        audit.record(
            "token.issued", actor=user.get_user_id() if user else client.client_id,
            actor_tenant=user.tenant if user else client.tenant, target=client.client_id,
            grant_type=grant_type, scope=token.get("scope"),
        )


class AccessToken:
    """A decoded access token, as introspection and revocation see it (they are JWTs, not stored)."""

    def __init__(self, claims: dict):
        self.claims = claims

    def check_client(self, client):
        return self.claims.get("client_id") == client.client_id

    def get_scope(self):
        return self.claims.get("scope", "")

    def is_expired(self):
        return self.claims.get("exp", 0) <= now().timestamp()

    def is_revoked(self):
        deny_list = current_app.extensions["rso.token_validator"].deny_list
        return deny_list.refusing(TokenValidator.principal_from(self.claims)) is not None


def _query_token(token_string: str, token_type_hint: str | None):
    """Either kind of token, whatever the hint says (RFC 7009 section 2.1 lets the server look further)."""
    refresh = RefreshToken.objects(token_digest=token_digest(token_string)).first()
    if refresh is not None:
        return refresh
    try:
        return AccessToken(current_app.extensions["rso.token_validator"].decode(token_string))
    except Unauthorized:
        return None


class TokenIntrospection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = CONFIDENTIAL_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        return _query_token(token_string, token_type_hint)

    def check_permission(self, token, client, request):
        """Confidential clients (resource servers) of the token's own tenant: tenants never see each other's."""
        tenant = token.tenant if isinstance(token, RefreshToken) else token.claims.get("tenant")
        return client.confidential and tenant == client.tenant

    def introspect_token(self, token):
        if isinstance(token, RefreshToken):
            return {"active": True, "token_type": "refresh_token", "client_id": token.client_id,
                    "sub": token.user_id, "tenant": token.tenant, "scope": token.scope,
                    "exp": int(token.expires_at.replace(tzinfo=dt.UTC).timestamp())}
        claims = token.claims
        return {"active": True, "token_type": "Bearer", **{
            name: claims[name] for name in ("client_id", "sub", "tenant", "roles", "scope", "exp", "iat", "iss",
                                            "aud", "jti") if name in claims}}


class TokenRevocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = CONFIDENTIAL_AUTH_METHODS + PUBLIC_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        return _query_token(token_string, token_type_hint)

    def revoke_token(self, token, request):
        """A refresh token takes its family with it; an access token is denied at the edge until it expires."""
        if isinstance(token, RefreshToken):
            revoke_family(token.family, reason="revoked by its client")
            return
        expires_at = dt.datetime.fromtimestamp(token.claims["exp"], dt.UTC)
        denials.deny("token", token.claims["jti"], "The token was revoked", until=expires_at)
        audit.record("access_token.revoked", actor=request.client.client_id, target=token.claims["jti"])


CLIENT_AUTHENTICATION = throttle.Policy(free_failures=10)
CLIENT_AUTHENTICATION_FAILED = "Client authentication failed"


class ClientAuthenticationPaused(InvalidClientError):
    """Too many failed client authentications from one address: refused before any secret is checked."""

    status_code = 429

    def __init__(self, retry_after_seconds: int):
        super().__init__(description="Too many failed client authentications from this address; retry later")
        self.retry_after_seconds = retry_after_seconds

    def get_headers(self):
        return [*super().get_headers(), ("Retry-After", str(self.retry_after_seconds))]


def _presented_client_credentials() -> tuple[str | None, str | None]:
    auth = flask_request.authorization
    if auth and auth.username:
        return auth.username, auth.password
    return flask_request.form.get("client_id"), flask_request.form.get("client_secret")


class AuditedAuthorizationServer(AuthorizationServer):
    def authenticate_client(self, request, methods, endpoint="token"):
        """Client authentication that tells nobody which client ids exist and slows down guessing.

        An unknown (or deleted, or suspended) client with a secret costs the same argon2 verification as a
        known one with a wrong secret, and both get the same 401. Failures are counted per source address
        (`gateway.identity.throttle`, 10 free in the window); beyond them the address gets 429 with
        `Retry-After` until the back-off passes. A success forgives that client's failures at the address.
        """
        address = f"client-address:{flask_request.remote_addr}"
        paused_for = throttle.blocked_for(address, CLIENT_AUTHENTICATION)
        if paused_for:
            raise ClientAuthenticationPaused(max(1, math.ceil(paused_for.total_seconds())))
        try:
            client = super().authenticate_client(request, methods, endpoint)
        except InvalidClientError as error:
            client_id, secret = _presented_client_credentials()
            if secret and find_active_client(client_id or "") is None:
                secret_matches(login.stand_in_hash(), secret)
            throttle.count_failure(address, client_id)
            raise InvalidClientError(status_code=401, description=CLIENT_AUTHENTICATION_FAILED) from error
        throttle.forgive(address, client.client_id)
        return client

    def handle_error_response(self, request, error):
        """Every refused OAuth request (bad client authentication, reused code, ...) goes to the audit log, in the
        chain of the client's tenant when the client exists, so that tenant's administrators see attacks on it."""
        client_id = _presented_client_credentials()[0] or flask_request.values.get("client_id")
        client = system("a refusal is recorded with its client's tenant").records(OAuthClient).filter(
            client_id=client_id).first() if client_id else None
        tenant = client.tenant if client else None
        audit.record(f"oauth.{flask_request.endpoint or 'request'}", outcome="failure", actor=client_id,
                     actor_tenant=tenant, target=client_id, target_tenant=tenant, error=error.error,
                     description=getattr(error.__cause__, "description", None) or error.description)
        return super().handle_error_response(request, error)


def create_authorization_server(app: Flask, settings: GatewaySettings) -> AuthorizationServer:
    server = AuditedAuthorizationServer(app, query_client=find_active_client, save_token=_save_token)
    server.register_token_generator("default", AccessTokenGenerator(settings))
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True), OpenIDConnect(settings)])
    server.register_extension(AuthorizationResponseIssuer(settings.oauth_issuer))
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(TokenIntrospection)
    server.register_endpoint(TokenRevocation)
    return server
