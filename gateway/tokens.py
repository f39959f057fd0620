"""How the gateway checks access tokens: its own keys read from its database, then the deny list."""

from __future__ import annotations

from flask import has_request_context, request

from chassis.auth import JWKSKeySource, Principal, TokenValidator
from chassis.problems import Unauthorized
from gateway.identity import audit, keys
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
    """The gateway's own keys, and its deny list for tokens that are validly signed but no longer honoured."""

    def __init__(self, settings: GatewaySettings):
        self.deny_list = DenyList()
        super().__init__(
            DatabaseKeySource(settings.jwks_url, min_refresh_seconds=settings.jwks_min_refresh_seconds,
                              max_age_seconds=settings.jwks_max_age_seconds),
            issuer=settings.oauth_issuer, audience=settings.oauth_audience, refusal=self.audited_refusal,
        )

    def audited_refusal(self, principal: Principal) -> Unauthorized | None:
        """Why the deny list refuses a validly signed token (its problem type names the kind of denial), recorded
        in the token tenant's audit chain."""
        refusal = self.deny_list.refusing(principal)
        if refusal is None:
            return None
        kind, reason = refusal
        audit.record("token.refused", outcome="denied", actor=principal.sub, actor_tenant=principal.tenant,
                     target=request.path if has_request_context() else None, reason=reason,
                     token_id=principal.token_id)
        return Unauthorized(reason, slug=REFUSAL_TYPES[kind])
