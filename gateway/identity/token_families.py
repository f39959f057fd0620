"""A sign-in's tokens: every refresh token descended from one authorization code, and the access tokens issued
with them, share a `family` (the `sid` claim of those access tokens). Ending a sign-in ends all of them."""

from __future__ import annotations

import datetime as dt

from chassis.clock import now
from gateway.identity import audit, denials
from gateway.identity.models import IssuedAccessToken, RefreshToken


def revoke_family(family: str, *, reason: str) -> None:
    """Revoke the family's refresh tokens and deny its live access tokens at once; audited when anything ended."""
    revoked = RefreshToken.objects(family=family, revoked_at=None).update(set__revoked_at=now())
    denied = 0
    for token in IssuedAccessToken.objects(family=family, expires_at__gt=now()):
        denials.deny("token", token.jti, "The sign-in was ended", until=token.expires_at.replace(tzinfo=dt.UTC))
        denied += 1
    if revoked or denied:
        audit.record("refresh_token.family_revoked", outcome="denied", target=family, reason=reason,
                     access_tokens_denied=denied)
