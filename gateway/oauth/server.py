"""Authlib's authorization server, backed by the identity model, issuing RS256 JWT access tokens."""

from __future__ import annotations

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from flask import Flask
from joserfc.jwk import KeySet

from chassis import context
from gateway.identity import audit, keys
from gateway.identity.models import OAuthClient, Tenant
from gateway.settings import GatewaySettings


class AccessTokenGenerator(JWTBearerTokenGenerator):
    """RFC 9068 access tokens carrying the platform's claims: `tenant` and `roles` (of the user or client)."""

    def __init__(self, settings: GatewaySettings):
        super().__init__(issuer=settings.oauth_issuer,
                         expires_generator=lambda client, grant_type: settings.access_token_lifetime_seconds)
        self.audience = settings.oauth_audience

    def get_jwks(self):
        return KeySet([keys.active_key()])

    def get_audiences(self, client, user, scope):
        return self.audience

    def get_extra_claims(self, client, grant_type, user, scope):
        holder = user if user is not None else client
        return {"tenant": holder.tenant, "roles": list(holder.roles)}


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


def find_active_client(client_id: str) -> OAuthClient | None:
    """A client of an active tenant; the token endpoint authenticates clients before any tenant is known."""
    client = OAuthClient.across_tenants("the token endpoint looks clients up by id").filter(
        client_id=client_id, status="active").first()
    if client is None:
        return None
    tenant = Tenant.objects(code=client.tenant).first()
    return client if tenant is not None and tenant.is_active else None


def _record_issued_token(token: dict, request) -> None:
    client = request.client
    user = request.user
    with context.bound(tenant=client.tenant):
        audit.record(
            "token.issued", actor=user.get_user_id() if user else client.client_id,
            actor_tenant=user.tenant if user else client.tenant, target=client.client_id,
            grant_type=request.payload.grant_type if request.payload else None, scope=token.get("scope"),
        )


def create_authorization_server(app: Flask, settings: GatewaySettings) -> AuthorizationServer:
    server = AuthorizationServer(app, query_client=find_active_client, save_token=_record_issued_token)
    server.register_token_generator("default", AccessTokenGenerator(settings))
    server.register_grant(ClientCredentialsGrant)
    return server
