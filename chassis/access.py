"""Who may see and change what: the one place where reads and writes cross tenants (ADR 0100).

`Model.objects` only ever returns the caller's own tenant's records (`chassis.tenancy`). Everything wider
goes through this module, in one of three ways:

- **a caller** (`Viewer`): each service declares, per resource, which records a viewer sees, as one
  MongoDB query built from the viewer's tenant, roles and person and from the record's own fields (its
  owner, the tenants it is shared with, participation, consent), and which actions a viewer may take on a
  record. `viewer.sees(Model)` is the one queryset every list, count, by-id read, dashboard and export of
  that resource starts from, so a total can never count what a list hides and a record one cannot list
  answers 404 (`viewer.get`).
- **the record at hand** (`at_hand(record)`): a record already obtained through `sees` (or a system purpose)
  is re-read or written by its id, whichever tenant owns it.
- **the system** (`system(purpose)`): consumers, jobs and sign-in act for nobody's token, and a step's
  consequences (a request rolled up from its deployments, a seat counter, a uniqueness check, an erasure
  cascade) reach records whose contents never go back to the caller; each names its purpose, which is how
  review finds them.

A contract test fails when code outside this module calls `across_tenants`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from bson import ObjectId
from mongoengine import ObjectIdField
from mongoengine.queryset.visitor import Q

from chassis.auth import Principal, current_principal
from chassis.problems import Forbidden, NotFound
from chassis.tenancy import TenantOwnedDocument

EVERYTHING = Q()
NOTHING = Q(pk__in=[])

SeeRule = Callable[..., Q]
CapacityRule = Callable[["Viewer", Any], bool]


@dataclasses.dataclass(frozen=True)
class Resource:
    """What a service declares about one kind of record: who sees it, the capacities a caller may hold towards
    one record (its owner, a share's reader, the person it is about, ...), and the capacities each action needs."""

    model: type[TenantOwnedDocument]
    name: str
    see: SeeRule
    capacities: dict[str, CapacityRule]
    actions: dict[str, frozenset[str]]
    public: Callable[..., Q] | None


class Policy:
    """A service's declarations: `policy.resource(Model, name=..., see=..., capacities=..., actions=...)`."""

    def __init__(self, service: str):
        self.service = service
        self._resources: dict[type, Resource] = {}

    def resource(self, model: type[TenantOwnedDocument], *, name: str, see: SeeRule,
                 capacities: dict[str, CapacityRule] | None = None,
                 actions: dict[str, set[str] | frozenset[str]] | None = None,
                 public: Callable[..., Q] | None = None) -> Resource:
        """Declare who sees `model`'s records (`see(viewer, **context) -> Q` over the record's fields), the
        capacities towards one record (`capacities[name](viewer, record) -> bool`), for each action the
        capacities that allow it, and what anyone may see with no token or relation at all (`public(**context) -> Q`:
        a roster summary, a certificate by its unguessable code)."""
        if model in self._resources:
            raise ValueError(f"{model.__name__} is declared twice in {self.service}'s access policy")
        capacities = dict(capacities or {})
        actions = {action: frozenset(needed) for action, needed in (actions or {}).items()}
        unknown = {capacity for needed in actions.values() for capacity in needed} - capacities.keys()
        if unknown:
            raise ValueError(f"{model.__name__}'s actions name undeclared capacities: {sorted(unknown)}")
        resource = Resource(model, name, see, capacities, actions, public)
        self._resources[model] = resource
        return resource

    def of(self, model: type) -> Resource:
        try:
            return self._resources[model]
        except KeyError:
            raise LookupError(f"{self.service} declares no access to {model.__name__}") from None

    def public(self, model: type[TenantOwnedDocument], **context):
        """The records of `model` that anyone may see (its declared `public` rule), whichever tenant owns them."""
        resource = self.of(model)
        if resource.public is None:
            raise LookupError(f"{self.service} declares nothing of {model.__name__} public")
        return model.across_tenants(f"{self.service}: anyone sees a {resource.name}").filter(resource.public(**context))

    def viewer(self, principal: Principal | None = None) -> Viewer:
        """The caller (by default the current request's) under this policy."""
        return Viewer(self, principal or current_principal())


@dataclasses.dataclass(frozen=True)
class Viewer:
    """The caller, as the declared rules see it: its tenant, person and roles, under one service's policy."""

    policy: Policy
    principal: Principal

    @property
    def tenant(self) -> str:
        return self.principal.tenant

    @property
    def sub(self) -> str:
        return self.principal.sub

    @property
    def roles(self) -> frozenset[str]:
        return self.principal.roles

    def has_role(self, *roles: str) -> bool:
        return bool(self.principal.roles.intersection(roles))

    def sees(self, model: type[TenantOwnedDocument], **context):
        """Every record of `model` this viewer may see, whichever tenant owns it; `context` narrows the rule
        (e.g. the cases whose records are wanted)."""
        resource = self.policy.of(model)
        return model.across_tenants(f"{self.policy.service}: who sees a {resource.name}").filter(
            resource.see(self, **context))

    def get(self, model: type[TenantOwnedDocument], record_id, **context):
        """One record this viewer sees; 404 alike for one that does not exist and one it may not see."""
        resource = self.policy.of(model)
        found = self.sees(model, **context).filter(id=record_id).first() if _valid_id(model, record_id) else None
        if found is None:
            raise NotFound(f"No {resource.name} {record_id}")
        return found

    def capacities(self, record) -> set[str]:
        """The capacities this viewer holds towards `record`."""
        declared = self.policy.of(type(record)).capacities
        return {name for name, holds in declared.items() if holds(self, record)}

    def may(self, action: str, record) -> bool:
        needed = self.policy.of(type(record)).actions.get(action)
        if needed is None:
            raise LookupError(f"{type(record).__name__} declares no action {action!r}")
        return bool(self.capacities(record) & needed)

    def require(self, action: str, record, message: str | None = None) -> None:
        """403 unless this viewer may take `action` on `record` (which it sees: else it would have had 404)."""
        if not self.may(action, record):
            needed = sorted(self.policy.of(type(record)).actions[action])
            raise Forbidden(message or f"Only {' or '.join(needed)} may {action.replace('_', ' ')} this "
                                       f"{self.policy.of(type(record)).name}")

    def acting_on(self, record) -> Principal:
        """The principal as a workflow sees it: its capacities towards `record` in place of its roles."""
        return dataclasses.replace(self.principal, roles=frozenset(self.capacities(record)))


def _valid_id(model: type, record_id) -> bool:
    """A string primary key takes any value; an ObjectId one only a valid ObjectId."""
    id_field = model._fields.get("id")
    return not isinstance(id_field, ObjectIdField) or isinstance(record_id, ObjectId) or ObjectId.is_valid(
        str(record_id))


def at_hand(record: TenantOwnedDocument):
    """The stored `record` by its id, whichever tenant owns it: to re-read or update a record the caller
    already obtained through a viewer's `sees`/`get` or a system purpose."""
    return type(record).across_tenants("the record at hand").filter(pk=record.pk)


@dataclasses.dataclass(frozen=True)
class System:
    """Reads and writes for no caller's token (a consumer, a job, a sign-in) or a step's consequences the caller
    never reads: every tenant's records, under a purpose that says why."""

    purpose: str

    def records(self, model: type[TenantOwnedDocument]):
        return model.across_tenants(self.purpose)


def system(purpose: str) -> System:
    """Access for a named system purpose, e.g. `system("certificate expiry job").records(Certificate)`."""
    if not purpose or not purpose.strip():
        raise ValueError("a system access names its purpose")
    return System(purpose)
