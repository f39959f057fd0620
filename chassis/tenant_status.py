"""Which tenants the gateway has suspended, as every service learns it from `identity.tenant.*` events.

A service calls `follow_tenant_status(subscriptions)` once; its worker then keeps `suspended_tenants`
current, and the service's own rules (hide a tenant's experts, refuse its writes) ask `is_suspended()`.
`on_suspended` lets a service react in the same transaction (withdraw waitlisted enrolments, say).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import mongoengine as me

from chassis import db
from chassis.messaging.consumer import Subscriptions
from chassis.messaging.envelope import Event
from chassis.problems import Conflict


class SuspendedTenant(db.Document):
    """A platform-wide fact about a tenant, owned by none."""

    meta = {"collection": "suspended_tenants"}

    code = me.StringField(primary_key=True, max_length=64)
    reason = me.StringField(max_length=1000)
    since = me.DateTimeField(required=True)


def suspended_tenants() -> set[str]:
    return set(SuspendedTenant.objects.scalar("code"))


def is_suspended(code: str) -> bool:
    return SuspendedTenant.objects(code=code).first() is not None


def refuse_if_suspended(*codes: str) -> None:
    """409 naming the first suspended tenant among `codes`: a suspended tenant's records take no new steps."""
    for code in codes:
        if is_suspended(code):
            raise Conflict(f"Tenant {code} is suspended", tenant=code)


def follow_tenant_status(subscriptions: Subscriptions, *,
                         on_suspended: Callable[[str, Event], None] | None = None) -> None:
    """Register the handler that keeps `suspended_tenants` in step with the gateway."""

    @subscriptions.on("identity.tenant.suspended", "identity.tenant.reactivated", name="follow_tenant_status")
    def follow(event: Event) -> None:
        code = event.data["tenant"]
        if event.type == "identity.tenant.reactivated":
            SuspendedTenant.objects(code=code).delete()
            return
        SuspendedTenant.objects(code=code).update_one(
            upsert=True, set__reason=event.data.get("reason"), set_on_insert__since=dt.datetime.now(dt.UTC))
        if on_suspended is not None:
            on_suspended(code, event)
