"""The roster's access policy (ADR 0100): who sees experts, requests, deployments and edit histories, the
capacities a caller holds towards each, and the capacities each action needs. Every read across tenants in the
roster starts here (`policy.viewer(principal).sees(Model)`, `.get(Model, id)`), or names a system purpose."""

from __future__ import annotations

from mongoengine.queryset.visitor import Q

from chassis.access import EVERYTHING, NOTHING, Policy, Viewer
from chassis.tenant_status import suspended_tenants
from roster_service.access import (
    NOMINATING_TENANT,
    REQUESTING_TENANT,
    ROSTER_OFFICE,
    THE_EXPERT,
    is_person,
    is_roster_office,
    manages_nominations_of,
    reads_whole_roster,
    requests_for,
)
from roster_service.deployments.models import Deployment, DeploymentRequest
from roster_service.experts.models import Expert, ProfileEdit
from roster_service.workflows import BOOKED_DEPLOYMENT_STATES

policy = Policy("roster")

# Who may change each field of a profile (`PATCH /experts/{id}`). A field is writable by a capacity only if
# named here; tests check that every field of the patch schema is. Identity links (`user_id`, and `email`,
# by which an expert without a user id is recognised) and identity facts the office vetted stay with the
# nominating tenant or the office; the expert keeps their name, phone, languages and functions current.
# Functions added after vetting wait for the office's vetting of each (`vet_function`).
PROFILE_FIELD_WRITERS: dict[str, frozenset[str]] = {
    "full_name": frozenset({NOMINATING_TENANT, THE_EXPERT}),
    "phone": frozenset({NOMINATING_TENANT, THE_EXPERT}),
    "languages": frozenset({NOMINATING_TENANT, THE_EXPERT}),
    "functions": frozenset({NOMINATING_TENANT, THE_EXPERT}),
    "email": frozenset({NOMINATING_TENANT}),
    "nationality": frozenset({NOMINATING_TENANT}),
    "clearance_level": frozenset({NOMINATING_TENANT}),
    "user_id": frozenset({ROSTER_OFFICE}),
}


def _expert_seen(viewer: Viewer) -> Q:
    """Whole profiles: the office readers every one, a tenant its own, an expert their own. Contact details: the
    tenants with a booked deployment of the expert. A summary: anyone, of an active expert of a tenant not
    suspended (`experts.service.visible_expert` says how much of a profile each caller gets)."""
    if reads_whole_roster(viewer.principal):
        return EVERYTHING
    seen = Q(tenant=viewer.tenant) | _summary()
    if "expert" in viewer.roles:
        seen |= Q(user_id=viewer.sub)
    booked = Deployment.objects(status__in=BOOKED_DEPLOYMENT_STATES).scalar("expert__expert_id")
    return seen | Q(id__in=list(booked))


def _summary() -> Q:
    """A summary of an expert active on the roster, of a tenant not suspended, is anyone's to see (search)."""
    return Q(status="active", tenant__nin=sorted(suspended_tenants()))


def _deployment_seen(viewer: Viewer) -> Q:
    """The requesting tenant's, its nominees', the expert's own; every one for the office readers."""
    if reads_whole_roster(viewer.principal):
        return EVERYTHING
    seen = Q(tenant=viewer.tenant) | Q(expert__nominating_tenant=viewer.tenant)
    if "expert" in viewer.roles:
        seen |= Q(expert__user_id=viewer.sub)
    return seen


def _own_or_office(viewer: Viewer) -> Q:
    return EVERYTHING if reads_whole_roster(viewer.principal) else Q(tenant=viewer.tenant)


def _profile_reader(viewer: Viewer, expert: Expert) -> bool:
    return reads_whole_roster(viewer.principal) or bool(viewer.capacities(expert))


policy.resource(
    Expert, name="expert", see=_expert_seen, public=_summary,
    capacities={
        ROSTER_OFFICE: lambda viewer, expert: is_roster_office(viewer.principal),
        NOMINATING_TENANT: lambda viewer, expert: manages_nominations_of(viewer.principal, expert.tenant),
        THE_EXPERT: lambda viewer, expert: is_person(viewer.principal, user_id=expert.user_id, email=expert.email,
                                                     tenant=expert.tenant),
    },
    actions={"edit_profile": set().union(*PROFILE_FIELD_WRITERS.values()), "vet_function": {ROSTER_OFFICE},
             "check_certificate": {ROSTER_OFFICE}, "add_certificate": {NOMINATING_TENANT, THE_EXPERT},
             "keep_calendar": {NOMINATING_TENANT, THE_EXPERT}, "withdraw_consent": {NOMINATING_TENANT, THE_EXPERT}})
policy.resource(ProfileEdit, name="profile edit", see=lambda viewer, *, expert: (
    Q(expert_id=str(expert.id)) if _profile_reader(viewer, expert) else NOTHING))
policy.resource(
    DeploymentRequest, name="deployment request", see=_own_or_office,
    capacities={
        ROSTER_OFFICE: lambda viewer, request: is_roster_office(viewer.principal),
        REQUESTING_TENANT: lambda viewer, request: requests_for(viewer.principal, request.tenant),
    },
    actions={"edit": {REQUESTING_TENANT}, "offer": {ROSTER_OFFICE}})
policy.resource(
    Deployment, name="deployment", see=_deployment_seen,
    capacities={
        ROSTER_OFFICE: lambda viewer, deployment: is_roster_office(viewer.principal),
        REQUESTING_TENANT: lambda viewer, deployment: requests_for(viewer.principal, deployment.tenant),
        NOMINATING_TENANT: lambda viewer, deployment: manages_nominations_of(
            viewer.principal, deployment.expert.nominating_tenant),
        THE_EXPERT: lambda viewer, deployment: is_person(
            viewer.principal, user_id=deployment.expert.user_id, email=deployment.expert.email,
            tenant=deployment.expert.nominating_tenant),
    },
    actions={"see_contact": {ROSTER_OFFICE, NOMINATING_TENANT, THE_EXPERT}})
