"""Token signing keys and their rotation.

Rotation: `rotate()` makes a new key the active one and keeps the previous key published, so tokens it
signed stay valid until they expire; `retire_superseded(older_than)` then removes it from the JWKS.
"""

from __future__ import annotations

import datetime as dt
import uuid

from joserfc.jwk import KeySet, RSAKey

from chassis import db
from chassis.clock import now
from gateway.identity.models import SigningKey


def _new_key() -> SigningKey:
    kid = uuid.uuid4().hex
    key = RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
    return SigningKey(kid=kid, private_jwk=key.as_dict(private=True), status="active")


def active_key() -> RSAKey:
    """The key new tokens are signed with; the first call on an empty database creates it."""
    stored = SigningKey.objects(status="active").order_by("-created_at").first()
    if stored is None:
        stored = rotate()
    return RSAKey.import_key(stored.private_jwk)


def rotate() -> SigningKey:
    def work() -> SigningKey:
        SigningKey.objects(status="active").update(set__status="published", set__superseded_at=now())
        return _new_key().save(force_insert=True)

    return db.transaction(work)


def retire_superseded(older_than: dt.timedelta) -> list[str]:
    """Retire published keys superseded longer ago than the longest token lifetime; return their kids."""
    cutoff = now() - older_than
    stale = SigningKey.objects(status="published", superseded_at__lte=cutoff)
    kids = [key.kid for key in stale]
    stale.update(set__status="retired")
    return kids


def public_jwks() -> dict:
    active_key()
    keys = SigningKey.objects(status__in=["active", "published"]).order_by("-created_at")
    return KeySet([RSAKey.import_key(key.private_jwk) for key in keys]).as_dict(private=False)
