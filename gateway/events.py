"""The events identity publishes (docs/events.md): tenants and people, as other services may know them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from chassis.messaging.contracts import PERSONAL, EventContract
from gateway.identity.models import User

TENANT_CREATED = "identity.tenant.created"
TENANT_SUSPENDED = "identity.tenant.suspended"
TENANT_REACTIVATED = "identity.tenant.reactivated"
USER_CREATED = "identity.user.created"
USER_UPDATED = "identity.user.updated"
USER_DEACTIVATED = "identity.user.deactivated"
PASSWORD_RESET_REQUESTED = "identity.password_reset.requested"

Str = ma.fields.String


class TenantEvent(ma.Schema):
    tenant = Str(required=True)


class TenantCreated(TenantEvent):
    name = Str(required=True)
    kind = Str(required=True)


class TenantSuspended(TenantEvent):
    reason = Str(required=True, allow_none=True)


class PersonChanged(ma.Schema):
    tenant = Str(required=True)
    user_id = Str(required=True)
    email = Str(required=True, metadata=PERSONAL)
    display_name = Str(required=True, metadata=PERSONAL)
    roles = ma.fields.List(Str(), required=True)
    preferred_language = Str(required=True, allow_none=True)
    status = Str(required=True)


class PersonDeactivated(ma.Schema):
    tenant = Str(required=True)
    user_id = Str(required=True)


class PasswordResetRequested(ma.Schema):
    """Only ever about an existing, active person; the link is the whole message (docs/adr/0012)."""

    tenant = Str(required=True)
    user_id = Str(required=True)
    email = Str(required=True, metadata=PERSONAL)
    language = Str(required=True, allow_none=True)
    reset_link = ma.fields.Url(required=True, require_tld=False, metadata=PERSONAL)
    expires_at = ma.fields.DateTime(required=True)


PERSON_EXAMPLE = {"tenant": "IDN", "user_id": "6650f0c2a1b2c3d4e5f60901", "email": "ayu.lestari@example.org",
                  "display_name": "Ayu Lestari", "roles": ["expert"], "preferred_language": "id", "status": "active"}
CONTRACTS = [
    EventContract(TENANT_CREATED, TenantCreated, summary="A tenant (member state or organisation) was created.",
                  example={"tenant": "MYS", "name": "Malaysia", "kind": "member_state"}),
    EventContract(TENANT_SUSPENDED, TenantSuspended, summary="A tenant was suspended: its tokens stop working.",
                  example={"tenant": "MYS", "reason": "Security review"}),
    EventContract(TENANT_REACTIVATED, TenantEvent, summary="A suspended tenant was reactivated.",
                  example={"tenant": "MYS"}),
    EventContract(USER_CREATED, PersonChanged, summary="A person was given an account.", example=PERSON_EXAMPLE),
    EventContract(USER_UPDATED, PersonChanged, summary="A person's name, roles, language or address changed.",
                  example=PERSON_EXAMPLE),
    EventContract(PASSWORD_RESET_REQUESTED, PasswordResetRequested,
                  summary="A person asked for a link to set a new password (sent by e-mail, once, short-lived).",
                  example={"tenant": "IDN", "user_id": "6650f0c2a1b2c3d4e5f60901", "email": "ayu.lestari@example.org",
                           "language": "id", "expires_at": "2026-11-29T09:30:00+00:00",
                           "reset_link": "https://rso.example.org/oauth/password-reset/new?token=abc&ui_locales=id"}),
    EventContract(USER_DEACTIVATED, PersonDeactivated, summary="A person's account was deactivated.",
                  example={"tenant": "IDN", "user_id": "6650f0c2a1b2c3d4e5f60901"}),
]


def person_data(user: User) -> dict[str, Any]:
    """`identity.user.created|updated`: what other services may know of a person (the administration API and
    `publish-people` send the same shape)."""
    return {"tenant": user.tenant, "user_id": str(user.id), "email": user.email, "display_name": user.display_name,
            "roles": list(user.roles), "preferred_language": user.preferred_language, "status": user.status}
