"""How the gateway checks access tokens: its own keys read from its database, then the deny list."""

from __future__ import annotations

from chassis.auth import JWKSKeySource, Principal, TokenValidator, Unauthorized
from gateway.identity import keys
from gateway.identity.denials import DenyList
from gateway.settings import GatewaySettings


class DatabaseKeySource(JWKSKeySource):
    """The same caching and refresh rules as a service's, without an HTTP call to itself."""

    def fetch_jwks(self) -> dict:
        return keys.public_jwks()


# The problem type a refused token answers with, by the kind of denial: a client (the portal) tells a person
# whose organisation is suspended or whose account is deactivated why, instead of asking them to sign in again.
REFUSAL_TYPES = {"tenant": "tenant-suspended", "subject": "account-deactivated", "token": "token-revoked"}


class GatewayTokenValidator(TokenValidator):
    def __init__(self, settings: GatewaySettings):
        super().__init__(
            DatabaseKeySource(settings.jwks_url, min_refresh_seconds=settings.jwks_min_refresh_seconds,
                              max_age_seconds=settings.jwks_max_age_seconds),
            issuer=settings.oauth_issuer, audience=settings.oauth_audience,
        )
        self.deny_list = DenyList()

    def validate(self, raw_token: str) -> Principal:
        principal = super().validate(raw_token)
        refusal = self.deny_list.refusing(principal)
        if refusal:
            kind, reason = refusal
            raise Unauthorized(reason, slug=REFUSAL_TYPES[kind])
        return principal
