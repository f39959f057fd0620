"""The platform's tenants as every service learns them from the gateway's `identity.tenant.*` events.

A service calls `follow_tenant_status(subscriptions)` once; its worker then keeps two read models current:

- `known_tenants`: every tenant the gateway created (`identity.tenant.created`; a suspension or reactivation of a
  tenant the service had not heard of records it too). Every tenant code a service stores must name one of them:
  schemas take such codes with the `ExistingTenantCode` field (422 naming the field otherwise), and code that
  takes a tenant from elsewhere (a URL path) asks `refuse_unknown_tenants`. A code nobody created yet can
  therefore never become access that waits for the tenant to be created.
- `suspended_tenants`: the service's own rules (hide a tenant's experts, refuse its writes) ask `is_suspended()`;
  `on_suspended` lets a service react in the same transaction (withdraw waitlisted enrolments, say).

The platform tenant (`RSO`) is made by `python -m gateway bootstrap`, not through the admin API, so it is always
known. `python -m gateway publish-tenants` publishes `identity.tenant.created` again for every tenant, for a
service that started following after tenants were created (consumers apply it idempotently).
`GET /tenants/{code}` (the `known_tenants` blueprint each service registers) tells a caller whether this service
knows a tenant yet: the demo loader and the end-to-end flows wait on it after creating tenants.

A service's web process refuses a suspended tenant's tokens too (`SuspendedTenantTokens`, installed by
`create_service_app(follows_tenant_status=True)`): a token presented at the service's own port, not through the
gateway, is refused once the suspension has arrived; after a reactivation, tokens issued before the suspension
stay refused, as they do at the gateway.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

import marshmallow as ma
import mongoengine as me
from flask.views import MethodView
from flask_smorest import Blueprint

from chassis import db
from chassis.auth import Principal, require
from chassis.messaging.consumer import Subscriptions
from chassis.messaging.contracts import Reads
from chassis.messaging.envelope import Event
from chassis.problems import Conflict, NotFound, Unauthorized, ValidationFailed
from chassis.snapshot import Snapshot
from chassis.vocabulary import PLATFORM_TENANT, TENANT_CODE_PATTERN, TenantCode


class KnownTenant(db.Document):
    """A tenant the gateway created: a platform-wide fact, owned by none."""

    meta = {"collection": "known_tenants"}

    code = me.StringField(primary_key=True, max_length=64)
    name = me.StringField(max_length=200)
    kind = me.StringField(max_length=64)
    known_since = me.DateTimeField(required=True)


class SuspendedTenant(db.Document):
    """A platform-wide fact about a tenant, owned by none. Kept after a reactivation (`reactivated_at`), so that
    tokens issued before the suspension (`since`) stay refused."""

    meta = {"collection": "suspended_tenants"}

    code = me.StringField(primary_key=True, max_length=64)
    reason = me.StringField(max_length=1000)
    since = me.DateTimeField(required=True)
    reactivated_at = me.DateTimeField()


# --- known tenants ------------------------------------------------------------------------------------------

def unknown_tenants(codes: Iterable[str]) -> list[str]:
    """The codes among `codes` that name no tenant this service knows, in their order."""
    wanted = [code for code in dict.fromkeys(codes) if code != PLATFORM_TENANT]
    known = set(KnownTenant.objects(code__in=wanted).scalar("code")) if wanted else set()
    return [code for code in wanted if code not in known]


def is_known(code: str) -> bool:
    return not unknown_tenants([code])


def _no_such_tenant(code: str) -> str:
    return f"No tenant {code} exists"


def validate_existing_tenant(code: str) -> None:
    """Passes a code of the wrong form (the form's own rule names that) and a code of an existing tenant."""
    if re.fullmatch(TENANT_CODE_PATTERN, code) and not is_known(code):
        raise ma.ValidationError(_no_such_tenant(code))


def ExistingTenantCode(**kwargs) -> ma.fields.String:
    """A tenant code that names an existing tenant: the field every schema storing a tenant code uses."""
    return TenantCode(validate=validate_existing_tenant, **kwargs)


def refuse_unknown_tenants(field: str, codes: Iterable[str], *, location: str = "json") -> None:
    """422 naming `field` when a code taken from outside a schema (a URL path, say) names no tenant."""
    unknown = unknown_tenants(codes)
    if unknown:
        raise ValidationFailed({field: [_no_such_tenant(code) for code in unknown]}, location=location)


# --- suspension ---------------------------------------------------------------------------------------------

def suspended_tenants() -> set[str]:
    return set(SuspendedTenant.objects(reactivated_at=None).scalar("code"))


def is_suspended(code: str) -> bool:
    return SuspendedTenant.objects(code=code, reactivated_at=None).first() is not None


def refuse_if_suspended(*codes: str) -> None:
    """409 naming the first suspended tenant among `codes`: a suspended tenant's records take no new steps."""
    for code in codes:
        if is_suspended(code):
            raise Conflict(f"Tenant {code} is suspended", tenant=code)


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

    def refusing(self, principal: Principal) -> Unauthorized | None:
        suspension = self._snapshot.current().get(principal.tenant)
        if suspension is None:
            return None
        since, reactivated = suspension
        if not reactivated:
            return Unauthorized(f"Tenant {principal.tenant} is suspended", slug="tenant-suspended")
        if principal.issued_at is None or principal.issued_at < since:
            return Unauthorized(f"The token was issued before tenant {principal.tenant} was suspended",
                                slug="tenant-suspended")
        return None


# --- following the gateway ----------------------------------------------------------------------------------

def _event_time(event: Event) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(event.time)).astimezone(dt.UTC)
    except ValueError:
        return dt.datetime.now(dt.UTC)


def _record_known(code: str, data: dict) -> None:
    names = {f"set__{field}": data[field] for field in ("name", "kind") if data.get(field)}
    KnownTenant.objects(code=code).update_one(upsert=True, set_on_insert__known_since=dt.datetime.now(dt.UTC),
                                              **names)


class TenantRead(Reads):
    tenant = ma.fields.String(required=True)


class TenantCreatedRead(TenantRead):
    name = ma.fields.String(allow_none=True)
    kind = ma.fields.String(allow_none=True)


class TenantSuspendedRead(TenantRead):
    reason = ma.fields.String(allow_none=True)


def follow_tenant_status(subscriptions: Subscriptions, *,
                         on_suspended: Callable[[str, Event], None] | None = None) -> None:
    """Register the handler that keeps `known_tenants` and `suspended_tenants` in step with the gateway."""

    @subscriptions.on("identity.tenant.created", "identity.tenant.suspended", "identity.tenant.reactivated",
                      reads={"identity.tenant.created": TenantCreatedRead,
                             "identity.tenant.suspended": TenantSuspendedRead,
                             "identity.tenant.reactivated": TenantRead}, name="follow_tenant_status")
    def follow(event: Event) -> None:
        code = event.data["tenant"]
        _record_known(code, event.data)
        if event.type == "identity.tenant.created":
            return
        if event.type == "identity.tenant.reactivated":
            SuspendedTenant.objects(code=code).update_one(set__reactivated_at=_event_time(event))
            return
        SuspendedTenant.objects(code=code).update_one(
            upsert=True, set__reason=event.data.get("reason"), set__since=_event_time(event),
            unset__reactivated_at=True)
        if on_suspended is not None:
            on_suspended(code, event)


# --- what a service knows, for callers that must wait for it ------------------------------------------------

blp = Blueprint("known_tenants", __name__, url_prefix="/tenants",
                description="The platform's tenants as this service knows them (from the gateway's events)")


class KnownTenantOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    kind = ma.fields.String(allow_none=True)
    suspended = ma.fields.Boolean()


@blp.route("/<code>")
class KnownTenantByCode(MethodView):
    @require()
    @blp.response(200, KnownTenantOut)
    def get(self, code):
        """A tenant this service knows (404 until the gateway's `identity.tenant.created` reached it)."""
        if code == PLATFORM_TENANT:
            return {"code": code, "name": None, "kind": "platform", "suspended": False}
        tenant = KnownTenant.objects(code=code).first()
        if tenant is None:
            raise NotFound(f"This service knows no tenant {code} (yet)")
        return {"code": tenant.code, "name": tenant.name, "kind": tenant.kind, "suspended": is_suspended(code)}
