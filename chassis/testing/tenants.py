"""Tenants a test's service knows, as if the gateway's `identity.tenant.created` had reached it."""

from __future__ import annotations

import datetime as dt

from chassis.tenant_status import KnownTenant


def tenants_exist(*codes: str) -> None:
    for code in codes:
        KnownTenant.objects(code=code).update_one(
            upsert=True, set__name=f"Tenant {code}", set__kind="member_state",
            set_on_insert__known_since=dt.datetime.now(dt.UTC))
