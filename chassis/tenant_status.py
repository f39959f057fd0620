"""Which tenants the gateway has suspended, as every service learns it from `identity.tenant.*` events.

A service calls `follow_tenant_status(subscriptions)` once; its worker then keeps `suspended_tenants`
current, and the service's own rules (hide a tenant's experts, refuse its writes) ask `is_suspended()`.
`on_suspended` lets a service react in the same transaction (withdraw waitlisted enrolments, say).

Its web process refuses the tokens too (`SuspendedTenantTokens`, installed by
`create_service_app(follows_tenant_status=True)`): a suspended tenant's token presented at the service's own
port, not through the gateway, is refused once the event has arrived; after a reactivation, tokens issued
before the suspension stay refused, as they do at the gateway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import mongoengine as me

from chassis import db
from chassis.auth import Principal
from chassis.messaging.consumer import Subscriptions
from chassis.messaging.envelope import Event
from chassis.problems import Conflict
from chassis.snapshot import Snapshot


class SuspendedTenant(db.Document):
    """A platform-wide fact about a tenant, owned by none. Kept after a reactivation (`reactivated_at`), so that
    tokens issued before the suspension (`since`) stay refused."""

    meta = {"collection": "suspended_tenants"}

    code = me.StringField(primary_key=True, max_length=64)
    reason = me.StringField(max_length=1000)
    since = me.DateTimeField(required=True)
    reactivated_at = me.DateTimeField()


def suspended_tenants() -> set[str]:
    return set(SuspendedTenant.objects(reactivated_at=None).scalar("code"))


def is_suspended(code: str) -> bool:
    return SuspendedTenant.objects(code=code, reactivated_at=None).first() is not None


def refuse_if_suspended(*codes: str) -> None:
    """409 naming the first suspended tenant among `codes`: a suspended tenant's records take no new steps."""
    for code in codes:
        if is_suspended(code):
            raise Conflict(f"Tenant {code} is suspended", tenant=code)


def _event_time(event: Event) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(event.time)).astimezone(dt.UTC)
    except ValueError:
        return dt.datetime.now(dt.UTC)


def follow_tenant_status(subscriptions: Subscriptions, *,
                         on_suspended: Callable[[str, Event], None] | None = None) -> None:
    """Register the handler that keeps `suspended_tenants` in step with the gateway."""

    @subscriptions.on("identity.tenant.suspended", "identity.tenant.reactivated", name="follow_tenant_status")
    def follow(event: Event) -> None:
        code = event.data["tenant"]
        if event.type == "identity.tenant.reactivated":
            SuspendedTenant.objects(code=code).update_one(set__reactivated_at=_event_time(event))
            return
        SuspendedTenant.objects(code=code).update_one(
            upsert=True, set__reason=event.data.get("reason"), set__since=_event_time(event),
            unset__reactivated_at=True)
        if on_suspended is not None:
            on_suspended(code, event)


def _load_suspensions() -> dict[str, tuple[float, bool]]:
    """tenant -> (when its latest suspension began, whether it has been reactivated since)."""
    return {tenant.code: (tenant.since.replace(tzinfo=dt.UTC).timestamp(), tenant.reactivated_at is not None)
            for tenant in SuspendedTenant.objects.only("since", "reactivated_at")}


class SuspendedTenantTokens:
    """Refuses a suspended tenant's tokens, and a reactivated tenant's tokens issued before its suspension,
    from a snapshot of `suspended_tenants` reloaded at most every half second."""

    def __init__(self, refresh_seconds: float = 0.5):
        self._snapshot = Snapshot(_load_suspensions, refresh_seconds=refresh_seconds, empty={},
                                  unavailable="Tenant suspensions cannot be checked right now")

    def reason_refusing(self, principal: Principal) -> str | None:
        suspension = self._snapshot.current().get(principal.tenant)
        if suspension is None:
            return None
        since, reactivated = suspension
        if not reactivated:
            return f"Tenant {principal.tenant} is suspended"
        if principal.issued_at is None or principal.issued_at < since:
            return f"The token was issued before tenant {principal.tenant} was suspended"
        return None
