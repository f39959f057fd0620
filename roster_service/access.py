"""Who a caller is in relation to a record, and the capacities the workflows grant steps to (declared per
resource in `roster_service.policy`, ADR 0100).

Roles come from the token and say what a person does in their own tenant; a capacity says what they
are to this record: the roster office (the RSO's roster managers), the tenant that nominated the
expert, the expert in person, or the tenant that requested the deployment. The workflows name
capacities rather than bare roles, so a roster manager of Thailand cannot vet experts because the
RSO's roster managers can.
"""

from __future__ import annotations

import dataclasses

from chassis.auth import Principal
from chassis.vocabulary import PLATFORM_TENANT

ROSTER_OFFICE_TENANT = PLATFORM_TENANT  # the platform tenant; its roster managers run the roster for every member

ROSTER_OFFICE = "roster_office"
NOMINATING_TENANT = "nominating_tenant"
THE_EXPERT = "the_expert"
REQUESTING_TENANT = "requesting_tenant"

OFFICE_READER_ROLES = frozenset({"roster_manager", "auditor", "platform_admin"})
NOMINATOR_ROLES = frozenset({"roster_manager", "tenant_admin"})
REQUESTER_ROLES = frozenset({"requesting_officer"})


def is_roster_office(principal: Principal) -> bool:
    """An RSO roster manager: vets experts, reviews requests, makes offers, for every tenant."""
    return principal.tenant == ROSTER_OFFICE_TENANT and "roster_manager" in principal.roles


def reads_whole_roster(principal: Principal) -> bool:
    """The roster office and the RSO's auditors and platform admins read every tenant's records."""
    return principal.tenant == ROSTER_OFFICE_TENANT and bool(principal.roles & OFFICE_READER_ROLES)


def manages_nominations_of(principal: Principal, tenant: str) -> bool:
    return principal.tenant == tenant and bool(principal.roles & NOMINATOR_ROLES)


def requests_for(principal: Principal, tenant: str) -> bool:
    return principal.tenant == tenant and bool(principal.roles & REQUESTER_ROLES)


def is_person(principal: Principal, *, user_id: str | None, email: str | None, tenant: str) -> bool:
    """The caller is this person: by gateway user id, else by e-mail within the person's own tenant.

    E-mail alone is trusted only inside the nominating tenant, so another tenant's administrator
    cannot claim an expert by creating an account with the expert's address.
    """
    if "expert" not in principal.roles:
        return False
    if user_id and principal.sub == user_id:
        return True
    return bool(email and principal.email and principal.tenant == tenant
                and principal.email.casefold() == email.casefold())


def acting_as(principal: Principal, capacities: set[str]) -> Principal:
    """The principal as a workflow sees it: its capacities towards the record in place of its roles."""
    return dataclasses.replace(principal, roles=frozenset(capacities))
