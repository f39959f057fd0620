"""Tenant ownership: every record belongs to one tenant, and queries are scoped to the caller's.

`Model.objects` only ever returns the current tenant's records; with no tenant in context it raises
`NoTenantContext` rather than return everything. Workflows that grant visibility across tenants (a
case shared with participating states, an offer to a requesting state) go through `chassis.access`, the only
caller of `Model.across_tenants(reason)` (ADR 100; a contract test fails on any other).
"""

from __future__ import annotations

import mongoengine as me
from mongoengine.queryset import QuerySet
from mongoengine.queryset.manager import QuerySetManager

from chassis import context, db


class NoTenantContext(RuntimeError):
    """A tenant-scoped query ran where no tenant is known (no token, no event)."""


def current_tenant() -> str:
    tenant = context.tenant.get()
    if not tenant:
        raise NoTenantContext("no tenant in the current request or event")
    return tenant


class _TenantScopedManager(QuerySetManager):
    def __get__(self, instance, owner):
        queryset = super().__get__(instance, owner)
        if instance is not None or owner._meta.get("abstract"):
            return queryset
        return queryset.filter(tenant=current_tenant())


class TenantOwnedDocument(db.Document):
    """A record owned by exactly one tenant."""

    meta = {"abstract": True, "indexes": ["tenant"]}

    tenant = me.StringField(required=True, max_length=64)

    objects = _TenantScopedManager()

    @classmethod
    def across_tenants(cls, reason: str):
        """All tenants' records, for a workflow that grants wider visibility; `reason` documents which."""
        if not reason:
            raise ValueError("say why this query may cross tenants")
        return cls._meta.get("queryset_class", QuerySet)(cls, cls._get_collection())

    def clean(self) -> None:
        if not self.tenant:
            self.tenant = current_tenant()
        super().clean()
