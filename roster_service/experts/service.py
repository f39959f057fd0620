"""Use cases of expert profiles: nominate, vet, keep up to date, withdraw consent, and who sees what.

What a caller sees of an expert (`visible_expert`):
- the whole profile: the nominating tenant's roster managers and admins, the expert in person, and the
  RSO's roster office, auditors and platform admins;
- the summary plus contact details: a tenant with an accepted (or later) deployment of the expert;
- the summary only (functions, languages, readiness, nominating tenant, nationality): anyone else, for
  an expert active on the roster whose tenant is not suspended, as in search;
- nothing (404) otherwise.
"""

from __future__ import annotations

import datetime as dt
import uuid

from bson import ObjectId

from chassis import db
from chassis.auth import Principal
from chassis.clock import now
from chassis.problems import Conflict, Forbidden, NotFound
from chassis.tenant_status import suspended_tenants
from chassis.workflow import Transition
from roster_service import events
from roster_service.access import (
    NOMINATING_TENANT,
    ROSTER_OFFICE,
    THE_EXPERT,
    acting_as,
    is_person,
    is_roster_office,
    manages_nominations_of,
    reads_whole_roster,
)
from roster_service.certificates.service import attach_known_certificates
from roster_service.deployments.models import Deployment
from roster_service.deployments.service import end_deployments_of_withdrawn_expert, history_of
from roster_service.experts.models import (
    Certification,
    Consent,
    Expert,
    FunctionExperience,
    LanguageSkill,
    Period,
)
from roster_service.workflows import BOOKED_DEPLOYMENT_STATES, EXPERT_LIFECYCLE, take_step

OFFICE = "the roster office vets and reads every tenant's experts"
LOOKUP = "an expert is looked up across tenants, then shown only as far as the caller may see"
PROFILE, CONTACT, SUMMARY = "profile", "contact", "summary"
ANONYMISED_NAME = "Anonymised expert"


def capacities(principal: Principal, expert: Expert) -> set[str]:
    held = set()
    if is_roster_office(principal):
        held.add(ROSTER_OFFICE)
    if manages_nominations_of(principal, expert.tenant):
        held.add(NOMINATING_TENANT)
    if is_person(principal, user_id=expert.user_id, email=expert.email, tenant=expert.tenant):
        held.add(THE_EXPERT)
    return held


def _load(expert_id: str) -> Expert | None:
    return Expert.across_tenants(LOOKUP).filter(id=expert_id).first() if ObjectId.is_valid(expert_id) else None


def visible_expert(principal: Principal, expert_id: str) -> tuple[Expert, str]:
    """The expert and how much of it the caller may see; 404 when nothing."""
    expert = _load(expert_id)
    if expert is not None:
        if capacities(principal, expert) or reads_whole_roster(principal):
            return expert, PROFILE
        if Deployment.objects(expert__expert_id=expert_id, status__in=BOOKED_DEPLOYMENT_STATES).first():
            return expert, CONTACT
        if expert.status == "active" and expert.tenant not in suspended_tenants():
            return expert, SUMMARY
    raise NotFound(f"No expert {expert_id}")


def expert_to_change(principal: Principal, expert_id: str, allowed: set[str]) -> tuple[Expert, set[str]]:
    """The expert if the caller may change it in one of the `allowed` capacities: 404 if the caller
    cannot see the profile at all, 403 if it can but not in such a capacity."""
    expert, view = visible_expert(principal, expert_id)
    held = capacities(principal, expert)
    if view != PROFILE:
        raise NotFound(f"No expert {expert_id}")
    if not held & allowed:
        raise Forbidden(f"Changing this needs to be one of: {', '.join(sorted(allowed))}")
    if expert.status == "anonymised":
        raise Conflict("The profile was anonymised after consent was withdrawn", current_state=expert.status)
    return expert, held


def deployment_history(principal: Principal, expert_id: str):
    """The expert's deployments and evaluations: for those who see the whole profile."""
    expert, view = visible_expert(principal, expert_id)
    if view != PROFILE:
        raise NotFound(f"No expert {expert_id}")
    return history_of(expert)


def list_experts(principal: Principal, *, status: str | None = None, function: str | None = None,
                 nominating_tenant: str | None = None):
    """The caller's own tenant's experts; the roster office and RSO readers see every tenant's."""
    experts = Expert.across_tenants(OFFICE) if reads_whole_roster(principal) else Expert.objects
    if nominating_tenant:
        experts = experts.filter(tenant=nominating_tenant)
    if status:
        experts = experts.filter(status=status)
    if function:
        experts = experts.filter(functions__code=function)
    return experts.order_by("full_name", "id")


def my_profiles(principal: Principal) -> list[Expert]:
    """The caller's own roster profiles (an expert may be nominated by more than one tenant)."""
    if "expert" not in principal.roles:
        return []
    candidates = Expert.across_tenants("the expert's own profiles, whoever nominated them").filter(
        status__ne="anonymised")
    by_user = list(candidates.filter(user_id=principal.sub))
    by_email = list(candidates.filter(email=principal.email.casefold(), tenant=principal.tenant)) \
        if principal.email else []
    unique = {str(expert.id): expert for expert in by_user + by_email}
    return [unique[key] for key in sorted(unique)]


def _languages(items: list[dict]) -> list[LanguageSkill]:
    return [LanguageSkill(code=item["code"], level=item["level"]) for item in items]


def _external_certification(item: dict) -> Certification:
    return Certification(certificate_id=f"ext-{uuid.uuid4().hex[:12]}", source="external",
                         qualifies_for=[item["function"]] if item.get("function") else [], **item)


def _periods(items: list[dict]) -> list[Period]:
    return [Period(period_id=uuid.uuid4().hex[:12], **item) for item in items]


def register_expert(principal: Principal, data: dict) -> Expert:
    """Nominate an expert of the caller's tenant; the roster office vets the profile next."""
    data = dict(data)
    expert = Expert(
        tenant=principal.tenant,
        full_name=data.pop("full_name"), email=data.pop("email").casefold(), phone=data.pop("phone", None),
        user_id=data.pop("user_id", None), nationality=data.pop("nationality"),
        clearance_level=data.pop("clearance_level"),
        languages=_languages(data.pop("languages")),
        functions=[FunctionExperience(**item) for item in data.pop("functions")],
        certifications=[_external_certification(item) for item in data.pop("external_certifications")],
        unavailability=_periods(data.pop("unavailability")),
        consent=Consent(given_on=data.pop("consent_given_on")),
    )
    if Expert.objects(email=expert.email, status__ne="anonymised").first() is not None:
        raise Conflict("Your tenant already nominated an expert with this e-mail address")
    attach_known_certificates(expert)

    def write() -> Expert:
        expert.save(force_insert=True)
        events.expert_registered(expert)
        return expert

    return db.transaction(write)


def update_expert(principal: Principal, expert_id: str, changes: dict) -> Expert:
    """Edit identity, contact, languages, functions; clearance is the nominating tenant's to set."""
    expert, held = expert_to_change(principal, expert_id, {NOMINATING_TENANT, THE_EXPERT})
    if "clearance_level" in changes and NOMINATING_TENANT not in held:
        raise Forbidden("Only the nominating tenant sets the security clearance level")
    identity_changed = False
    for name, value in changes.items():
        if name == "languages":
            value = _languages(value)
        elif name == "functions":
            value = [FunctionExperience(**item) for item in value]
        elif name == "email":
            value = value.casefold()
        identity_changed |= name in ("email", "user_id") and value != getattr(expert, name)
        setattr(expert, name, value)
    if identity_changed:
        attach_known_certificates(expert)
    expert.updated_at = now()
    return db.transaction(lambda: expert.save())


def transition_expert(principal: Principal, expert_id: str, target: str, comment: str | None) -> Expert:
    expert, _ = visible_expert(principal, expert_id)
    held = capacities(principal, expert)
    if not held and not reads_whole_roster(principal):
        raise NotFound(f"No expert {expert_id}")
    actor = acting_as(principal, held)

    def write() -> Expert:
        fresh = Expert.across_tenants(LOOKUP).get(id=expert.id)
        vetting = target == "vetted" and fresh.vetted_at is None
        extra = {"set__vetted_at": now()} if vetting else {}
        take_step(Expert.across_tenants(LOOKUP), fresh, EXPERT_LIFECYCLE, target, actor, comment,
                  set__updated_at=now(), **extra)
        if vetting:
            fresh.vetted_at = extra["set__vetted_at"]
            events.expert_vetted(fresh)
        return fresh

    return db.transaction(write)


def add_external_certification(principal: Principal, expert_id: str, data: dict) -> Certification:
    expert, _ = expert_to_change(principal, expert_id, {NOMINATING_TENANT, THE_EXPERT})
    certification = _external_certification(data)
    db.transaction(lambda: Expert.across_tenants(LOOKUP).filter(id=expert.id).update_one(
        push__certifications=certification, set__updated_at=now()))
    return certification


def verify_certification(principal: Principal, expert_id: str, certificate_id: str) -> Certification:
    """The roster office checked the evidence of an external certificate: from now on it counts."""
    expert, _ = expert_to_change(principal, expert_id, {ROSTER_OFFICE})
    certification = next((held for held in expert.certifications if held.certificate_id == certificate_id
                          and held.source == "external"), None)
    if certification is None:
        raise NotFound(f"The expert has no external certificate {certificate_id}")
    certification.verified_at = now()
    certification.verified_by = principal.sub
    expert.updated_at = now()
    db.transaction(lambda: expert.save())
    return certification


def add_unavailability(principal: Principal, expert_id: str, data: dict) -> Period:
    expert, _ = expert_to_change(principal, expert_id, {NOMINATING_TENANT, THE_EXPERT})
    [period] = _periods([data])
    db.transaction(lambda: Expert.across_tenants(LOOKUP).filter(id=expert.id).update_one(
        push__unavailability=period, set__updated_at=now()))
    return period


def remove_unavailability(principal: Principal, expert_id: str, period_id: str) -> None:
    expert, _ = expert_to_change(principal, expert_id, {NOMINATING_TENANT, THE_EXPERT})
    if not any(period.period_id == period_id for period in expert.unavailability):
        raise NotFound(f"The expert has no unavailability period {period_id}")
    db.transaction(lambda: Expert.across_tenants(LOOKUP).filter(id=expert.id).update_one(
        pull__unavailability__period_id=period_id, set__updated_at=now()))


def withdraw_consent(principal: Principal, expert_id: str, comment: str | None) -> Expert:
    """Anonymise the profile: identity, contact, languages and certificates go; open offers end; the other
    services are told to forget the expert (`roster.expert.erased`), and the expert's identity is blanked in every
    event still in the outbox, sent or not.

    Kept: nationality, functions and the status history, which identify nobody and keep the
    roster's statistics and audit trail whole.
    """
    expert, _ = expert_to_change(principal, expert_id, {NOMINATING_TENANT, THE_EXPERT})

    def write() -> Expert:
        fresh = Expert.across_tenants(LOOKUP).get(id=expert.id)
        end_deployments_of_withdrawn_expert(fresh, principal, "The expert withdrew consent to data processing")
        fresh.reload()
        fresh.history.append(Transition(  # anonymisation is outside the lifecycle's steps, but kept in its history
            from_state=fresh.status, to_state="anonymised", actor=principal.sub, actor_tenant=principal.tenant,
            at=now(), comment=comment or "Consent to data processing withdrawn"))
        fresh.status = "anonymised"
        user_id = fresh.user_id
        fresh.full_name = ANONYMISED_NAME
        fresh.email = fresh.phone = fresh.user_id = None
        fresh.languages = []
        fresh.certifications = []
        fresh.unavailability = []
        fresh.consent.withdrawn_on = dt.date.today()
        fresh.anonymised_at = fresh.updated_at = now()
        fresh.save()
        events.redact_expert_from_outbox(str(fresh.id))
        events.expert_erased(str(fresh.id), user_id)  # after the redaction, which would blank its user_id
        return fresh

    return db.transaction(write)
