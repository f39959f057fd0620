"""A sign-in's tokens: every refresh token descended from one authorization code, and the access tokens issued
with them, share a `family` (the `sid` claim of those access tokens). Ending a sign-in ends all of them; a
person sees their live sign-ins and ends any or all, and an administrator ends a person's."""

from __future__ import annotations

import dataclasses
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
    IssuedAccessToken.objects(family=family).delete()  # denied now; no longer a live sign-in
    if revoked or denied:
        audit.record("refresh_token.family_revoked", outcome="denied", target=family, reason=reason,
                     access_tokens_denied=denied)


@dataclasses.dataclass(frozen=True)
class SignIn:
    """One live sign-in of a person: the tokens of one family."""

    id: str
    client_id: str
    signed_in_at: dt.datetime
    last_used_at: dt.datetime
    expires_at: dt.datetime


def live_sign_ins(user_id: str) -> list[SignIn]:
    """The person's sign-ins that still hold a usable refresh token or a live access token, newest first."""
    tokens = [*RefreshToken.objects(user_id=user_id, revoked_at=None, rotated_at=None, expires_at__gt=now()),
              *IssuedAccessToken.objects(user_id=user_id, expires_at__gt=now())]
    families: dict[str, list] = {}
    for token in tokens:
        families.setdefault(token.family, []).append(token)
    sign_ins = [SignIn(id=family, client_id=members[0].client_id,
                       signed_in_at=min(token.issued_at for token in members),
                       last_used_at=max(token.issued_at for token in members),
                       expires_at=max(token.expires_at for token in members))
                for family, members in families.items()]
    return sorted(sign_ins, key=lambda sign_in: sign_in.last_used_at, reverse=True)


def end_every_sign_in(user_id: str, *, reason: str) -> int:
    """Revoke every family of the person's (and so their access tokens); how many there were."""
    families = {sign_in.id for sign_in in live_sign_ins(user_id)}
    families |= set(RefreshToken.objects(user_id=user_id, revoked_at=None).distinct("family"))
    for family in sorted(families):
        revoke_family(family, reason=reason)
    return len(families)
