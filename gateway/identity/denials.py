"""The deny list: access tokens that are validly signed but must no longer be honoured.

Access tokens are self-contained JWTs, so suspending a tenant, deactivating a user, deleting a client or
revoking one token only takes effect at once if whoever checks tokens also asks this list. The gateway
does, for its own endpoints and at the edge, from an in-memory snapshot of the list reloaded at most
every `REFRESH_SECONDS`: one small query per process and interval, whatever the traffic. If the
snapshot cannot be reloaded the gateway answers 503 rather than honour tokens it cannot check.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pymongo.errors

from chassis.auth import Principal
from chassis.clock import now
from chassis.problems import ServiceUnavailable
from gateway.identity.models import Denial

REFRESH_SECONDS = 0.5


def deny(kind: str, value: str, reason: str, *, until: dt.datetime | None = None) -> None:
    """Refuse matching tokens from now on (until `until`, or for ever); the caller's transaction applies."""
    Denial.objects(id=f"{kind}:{value}").upsert_one(
        set__kind=kind, set__value=value, set__reason=reason, set__expires_at=until, set_on_insert__created_at=now())


def lift(kind: str, value: str) -> None:
    Denial.objects(id=f"{kind}:{value}").delete()


class DenyList:
    def __init__(self, refresh_seconds: float = REFRESH_SECONDS, clock=time.monotonic):
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._reasons: dict[str, str] = {}
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def reason_refusing(self, principal: Principal) -> str | None:
        """Why `principal`'s token is no longer honoured, or None if it is."""
        refusal = self.refusing(principal)
        return refusal[1] if refusal else None

    def refusing(self, principal: Principal) -> tuple[str, str] | None:
        """(kind, reason) of the denial that stops `principal`'s token: kind `tenant` (suspended), `subject` (a
        deactivated person or deleted client) or `token` (revoked); None if the token is honoured."""
        reasons = self._current()
        for kind, value in (("tenant", principal.tenant), ("subject", principal.sub), ("token", principal.token_id)):
            if f"{kind}:{value}" in reasons:
                return kind, reasons[f"{kind}:{value}"]
        return None

    def _current(self) -> dict[str, str]:
        if self._clock() - self._loaded_at < self.refresh_seconds:
            return self._reasons
        with self._lock:
            if self._clock() - self._loaded_at >= self.refresh_seconds:
                try:
                    self._reasons = {
                        denial.id: denial.reason for denial in Denial.objects(
                            __raw__={"$or": [{"expires_at": None}, {"expires_at": {"$gt": now()}}]}).only("reason")
                    }
                except pymongo.errors.PyMongoError as error:
                    raise ServiceUnavailable("Token revocations cannot be checked right now") from error
                self._loaded_at = self._clock()
        return self._reasons
