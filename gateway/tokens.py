"""How the gateway checks access tokens: its own keys read from its database, then the deny list."""

from __future__ import annotations

from chassis.auth import JWKSKeySource, TokenValidator
from gateway.identity import keys
from gateway.identity.denials import DenyList
from gateway.settings import GatewaySettings


class DatabaseKeySource(JWKSKeySource):
    """The same caching and refresh rules as a service's, without an HTTP call to itself."""

    def fetch_jwks(self) -> dict:
        return keys.public_jwks()


class GatewayTokenValidator(TokenValidator):
    """The gateway's own keys, and its deny list for tokens that are validly signed but no longer honoured."""

    def __init__(self, settings: GatewaySettings):
        self.deny_list = DenyList()
        super().__init__(
            DatabaseKeySource(settings.jwks_url, min_refresh_seconds=settings.jwks_min_refresh_seconds,
                              max_age_seconds=settings.jwks_max_age_seconds),
            issuer=settings.oauth_issuer, audience=settings.oauth_audience, refusal=self.deny_list.reason_refusing,
        )
