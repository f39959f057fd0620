"""The deny list: access tokens that are validly signed but must no longer be honoured.

Access tokens are self-contained JWTs, so suspending a tenant, deactivating a user, deleting a client or
revoking one token only takes effect at once if whoever checks tokens also asks this list. The gateway
does, for its own endpoints and at the edge, from a `chassis.snapshot.Snapshot` of the list reloaded at most
every `REFRESH_SECONDS`. A denial may cover only tokens issued before a moment (`issued_before`): a
reactivated tenant's tokens from before its suspension stay refused until they expire.
"""

from __future__ import annotations

import datetime as dt
import time

from chassis.auth import Principal
from chassis.clock import now
from chassis.snapshot import Snapshot
from gateway.identity.models import Denial

REFRESH_SECONDS = 0.5


def deny(kind: str, value: str, reason: str, *, until: dt.datetime | None = None,
         issued_before: dt.datetime | None = None) -> None:
    """Refuse matching tokens (only those issued before `issued_before`, if given) from now on, until `until`
    or for ever; the caller's transaction applies."""
    Denial.objects(id=f"{kind}:{value}").upsert_one(
        set__kind=kind, set__value=value, set__reason=reason, set__expires_at=until,
        set__issued_before=issued_before, set_on_insert__created_at=now())


def lift(kind: str, value: str) -> None:
    Denial.objects(id=f"{kind}:{value}").delete()


def _load() -> dict[str, tuple[str, float | None]]:
    """Live denials: key -> (reason, the moment before which tokens are refused, or None for all)."""
    return {
        denial.id: (denial.reason, denial.issued_before.replace(tzinfo=dt.UTC).timestamp()
                    if denial.issued_before else None)
        for denial in Denial.objects(
            __raw__={"$or": [{"expires_at": None}, {"expires_at": {"$gt": now()}}]}).only("reason", "issued_before")
    }


class DenyList:
    def __init__(self, refresh_seconds: float = REFRESH_SECONDS, clock=time.monotonic):
        self._snapshot = Snapshot(_load, refresh_seconds=refresh_seconds, empty={}, clock=clock,
                                  unavailable="Token revocations cannot be checked right now")

    def refusing(self, principal: Principal) -> tuple[str, str] | None:
        """(kind, reason) of the denial that stops `principal`'s token: kind `tenant` (suspended), `subject` (a
        deactivated person or deleted client) or `token` (revoked); None if the token is honoured."""
        denials = self._snapshot.current()
        for kind, value in (("tenant", principal.tenant), ("subject", principal.sub), ("token", principal.token_id)):
            denial = denials.get(f"{kind}:{value}")
            if denial is None:
                continue
            reason, issued_before = denial
            if issued_before is None or principal.issued_at is None or principal.issued_at < issued_before:
                return kind, reason
        return None
