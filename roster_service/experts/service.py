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

import mongoengine as me

from chassis import db
from chassis.access import at_hand
from chassis.auth import Principal
from chassis.clock import now
from chassis.problems import Conflict, Forbidden, NotFound
from chassis.workflow import Transition
from roster_service import events
from roster_service.access import (
    reads_whole_roster,
)
from roster_service.certificates.service import attach_known_certificates
from roster_service.deployments.models import Deployment
from roster_service.deployments.service import (
    end_deployments_of_withdrawn_expert,
    follow_identity_change,
    history_of,
)
from roster_service.experts.models import (
    Certification,
    Consent,
    Expert,
    FieldChange,
    FunctionExperience,
    LanguageSkill,
    Period,
    ProfileEdit,
    function_languages,
)
from roster_service.experts.readiness import VETTED_STATUSES
from roster_service.policy import PROFILE_FIELD_WRITERS, policy
from roster_service.workflows import BOOKED_DEPLOYMENT_STATES, EXPERT_LIFECYCLE

PROFILE, CONTACT, SUMMARY = "profile", "contact", "summary"
ANONYMISED_NAME = "Anonymised expert"

def capacities(principal: Principal, expert: Expert) -> set[str]:
    return policy.viewer(principal).capacities(expert)


def visible_expert(principal: Principal, expert_id: str) -> tuple[Expert, str]:
    """The expert and how much of it the caller may see; 404 when nothing."""
    viewer = policy.viewer(principal)
    expert = viewer.get(Expert, expert_id)
    if viewer.capacities(expert) or reads_whole_roster(principal):
        return expert, PROFILE
    if Deployment.objects(expert__expert_id=expert_id, status__in=BOOKED_DEPLOYMENT_STATES).first():
        return expert, CONTACT
    if expert.status == "active":  # `policy` shows no other tenant's expert that is not, or whose tenant is suspended
        return expert, SUMMARY
    raise NotFound(f"No expert {expert_id}")


def expert_to_change(principal: Principal, expert_id: str, action: str) -> tuple[Expert, set[str]]:
    """The expert if the caller may take `action` on it (`roster_service.policy`): 404 if the caller cannot see
    the profile at all, 403 if it can but holds none of the capacities the action needs."""
    expert, view = visible_expert(principal, expert_id)
    held = capacities(principal, expert)
    if view != PROFILE:
        raise NotFound(f"No expert {expert_id}")
    allowed = policy.of(Expert).actions[action]
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
    return history_of(principal, expert)


def list_experts(principal: Principal, *, status: str | None = None, function: str | None = None,
                 nominating_tenant: str | None = None):
    """The caller's own tenant's experts; the roster office and RSO readers see every tenant's."""
    experts = policy.viewer(principal).sees(Expert) if reads_whole_roster(principal) else Expert.objects
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
    candidates = policy.viewer(principal).sees(Expert).filter(status__ne="anonymised")
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
    """Edit the fields the caller's capacity may write (`PROFILE_FIELD_WRITERS`); the change is kept in the
    profile's edit history. Functions new to a vetted profile await the roster office's vetting."""
    expert, held = expert_to_change(principal, expert_id, "edit_profile")
    refused = sorted(name for name in changes if not held & PROFILE_FIELD_WRITERS[name])
    if refused:
        raise Forbidden("Your capacity towards this profile does not let you change: " + ", ".join(
            f"{name} ({' or '.join(sorted(PROFILE_FIELD_WRITERS[name]))})" for name in refused), fields=refused)
    recorded = []
    previous_codes = expert.function_codes()
    for name, value in changes.items():
        if name == "languages":
            value = _languages(value)
        elif name == "functions":
            value = [FunctionExperience(**item) for item in value]
        elif name == "email":
            value = value.casefold()
        old = getattr(expert, name)
        if _plain(old) != _plain(value):
            recorded.append(FieldChange(field=name, old=_plain(old), new=_plain(value)))
            setattr(expert, name, value)
    if not recorded:
        return expert
    if "functions" in changes:
        awaiting = _awaiting_vetting_after_edit(expert, previous_codes)
        if awaiting != expert.functions_awaiting_vetting:
            recorded.append(FieldChange(field="functions_awaiting_vetting", old=list(expert.functions_awaiting_vetting),
                                        new=awaiting))
            expert.functions_awaiting_vetting = awaiting
    changed = {change.field: getattr(expert, change.field) for change in recorded}
    if changed.keys() & {"languages", "functions"}:
        changed["function_languages"] = function_languages(expert.functions, expert.languages)
    if changed.keys() & {"email", "user_id"}:
        attach_known_certificates(expert)
        changed["certifications"] = expert.certifications

    def write() -> Expert:
        _store(expert, **changed)
        if changed.keys() & {"email", "user_id"}:
            follow_identity_change(expert)
        _record_edit(principal, expert, "profile_updated", recorded)
        return expert

    return db.transaction(write)


def _awaiting_vetting_after_edit(expert: Expert, previous_codes: list[str]) -> list[str]:
    """The edited functions awaiting vetting. One the profile already listed keeps its state; a new one waits
    for the roster office once the profile has been vetted (before that, vetting the profile covers it)."""
    vetted_once = expert.vetted_at is not None
    return [code for code in expert.function_codes()
            if code in expert.functions_awaiting_vetting or (code not in previous_codes and vetted_once)]


def _store(expert: Expert, **fields) -> None:
    """Write these fields of the profile with one update: unlike `save()`, which writes only what changed
    since the last save, it writes the same again if a transaction is retried."""
    expert.updated_at = now()
    at_hand(expert).update_one(
        set__updated_at=expert.updated_at, **{f"set__{name}": value for name, value in fields.items()})


def _plain(value):
    """A stored value as JSON-like data, to compare and to keep in the edit history."""
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, me.EmbeddedDocument):
        return {name: _plain(getattr(value, name)) for name in value._fields_ordered}
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _record_edit(principal: Principal, expert: Expert, action: str, changes: list[FieldChange],
                 comment: str | None = None) -> None:
    ProfileEdit(tenant=expert.tenant, expert_id=str(expert.id), action=action, actor=principal.sub,
                actor_tenant=principal.tenant, at=now(), changes=changes, comment=comment).save(force_insert=True)


def edit_history(principal: Principal, expert_id: str):
    """Who changed what on the profile and when, newest first: for those who see the whole profile."""
    expert, view = visible_expert(principal, expert_id)
    if view != PROFILE:
        raise NotFound(f"No expert {expert_id}")
    return policy.viewer(principal).sees(ProfileEdit, expert=expert).order_by("-at", "-id")


def vet_function(principal: Principal, expert_id: str, code: str, comment: str | None) -> Expert:
    """The roster office vetted a function added after the profile was vetted: it now counts."""
    expert, _ = expert_to_change(principal, expert_id, "vet_function")
    if code not in expert.function_codes():
        raise NotFound(f"The expert does not offer the function '{code}'")
    if code not in expert.functions_awaiting_vetting:
        raise Conflict(f"The function '{code}' is already vetted", slug="already-vetted")
    if expert.status not in VETTED_STATUSES:
        raise Conflict("Vet the profile itself first: vetting it covers every function it lists",
                       current_state=expert.status)
    before = list(expert.functions_awaiting_vetting)
    expert.functions_awaiting_vetting.remove(code)

    def write() -> Expert:
        at_hand(expert).update_one(
            pull__functions_awaiting_vetting=code, set__updated_at=now())
        _record_edit(principal, expert, "function_vetted", [
            FieldChange(field="functions_awaiting_vetting", old=before, new=expert.functions_awaiting_vetting)],
            comment)
        return expert

    return db.transaction(write)


def transition_expert(principal: Principal, expert_id: str, target: str, comment: str | None) -> Expert:
    expert, _ = visible_expert(principal, expert_id)
    viewer = policy.viewer(principal)
    if not viewer.capacities(expert) and not reads_whole_roster(principal):
        raise NotFound(f"No expert {expert_id}")
    actor = viewer.acting_on(expert)

    def write() -> Expert:
        fresh = at_hand(expert).get()
        vetting = target == "vetted" and fresh.vetted_at is None
        if vetting:
            fresh.vetted_at = now()
        if target == "vetted":
            fresh.functions_awaiting_vetting = []  # vetting the profile vets every function it lists
        EXPERT_LIFECYCLE.take(fresh, target, actor, comment, updated_at=now())
        if vetting:
            events.expert_vetted(fresh)
        return fresh

    return db.transaction(write)


def add_external_certification(principal: Principal, expert_id: str, data: dict) -> Certification:
    expert, _ = expert_to_change(principal, expert_id, "add_certificate")
    certification = _external_certification(data)

    def write() -> None:
        at_hand(expert).update_one(
            push__certifications=certification, set__updated_at=now())
        _record_edit(principal, expert, "certificate_added", [
            FieldChange(field=f"certifications.{certification.certificate_id}", new=_plain(certification))])

    db.transaction(write)
    return certification


def _external_certificate(expert: Expert, certificate_id: str) -> Certification:
    certification = next((held for held in expert.certifications if held.certificate_id == certificate_id
                          and held.source == "external"), None)
    if certification is None:
        raise NotFound(f"The expert has no external certificate {certificate_id}")
    return certification


def _change_certificate(principal: Principal, expert: Expert, certification: Certification, action: str,
                        **values) -> Certification:
    """Set `values` on one of the expert's certificates, and keep the change in the edit history."""
    changes = [FieldChange(field=f"certifications.{certification.certificate_id}.{name}",
                           old=_plain(getattr(certification, name)), new=_plain(value))
               for name, value in values.items()]
    for name, value in values.items():
        setattr(certification, name, value)

    def write() -> Certification:  # this certificate only: a training certificate may arrive meanwhile
        at_hand(expert).filter(
            certifications__certificate_id=certification.certificate_id).update_one(
            set__updated_at=now(), **{f"set__certifications__S__{name}": value for name, value in values.items()})
        _record_edit(principal, expert, action, changes)
        return certification

    return db.transaction(write)


def verify_certification(principal: Principal, expert_id: str, certificate_id: str) -> Certification:
    """The roster office checked the evidence of an external certificate: from now on it counts."""
    expert, _ = expert_to_change(principal, expert_id, "check_certificate")
    certification = _external_certificate(expert, certificate_id)
    if certification.status == "revoked":
        raise Conflict("The roster office revoked this certificate", current_state="revoked")
    return _change_certificate(principal, expert, certification, "certificate_verified",
                               verified_at=now(), verified_by=principal.sub)


def unverify_certification(principal: Principal, expert_id: str, certificate_id: str) -> Certification:
    """The roster office takes back its verification (the evidence did not hold): the certificate no
    longer counts towards readiness until verified again."""
    expert, _ = expert_to_change(principal, expert_id, "check_certificate")
    certification = _external_certificate(expert, certificate_id)
    if certification.verified_at is None:
        raise Conflict("The certificate is not verified", current_state="unverified",
                       allowed_next_states=["verified"])
    return _change_certificate(principal, expert, certification, "certificate_unverified",
                               verified_at=None, verified_by=None)


def revoke_certification(principal: Principal, expert_id: str, certificate_id: str, reason: str) -> Certification:
    """The roster office revokes an external certificate for good (e.g. forged evidence); it never counts again."""
    expert, _ = expert_to_change(principal, expert_id, "check_certificate")
    certification = _external_certificate(expert, certificate_id)
    if certification.status == "revoked":
        raise Conflict("The certificate is already revoked", current_state="revoked", allowed_next_states=[])
    return _change_certificate(principal, expert, certification, "certificate_revoked",
                               status="revoked", reason=reason)


def add_unavailability(principal: Principal, expert_id: str, data: dict) -> Period:
    expert, _ = expert_to_change(principal, expert_id, "keep_calendar")
    [period] = _periods([data])

    def write() -> None:
        at_hand(expert).update_one(
            push__unavailability=period, set__updated_at=now())
        _record_edit(principal, expert, "unavailability_added", [
            FieldChange(field=f"unavailability.{period.period_id}", new=_plain(period))])

    db.transaction(write)
    return period


def remove_unavailability(principal: Principal, expert_id: str, period_id: str) -> None:
    expert, _ = expert_to_change(principal, expert_id, "keep_calendar")
    period = next((period for period in expert.unavailability if period.period_id == period_id), None)
    if period is None:
        raise NotFound(f"The expert has no unavailability period {period_id}")

    def write() -> None:
        at_hand(expert).update_one(
            pull__unavailability__period_id=period_id, set__updated_at=now())
        _record_edit(principal, expert, "unavailability_removed", [
            FieldChange(field=f"unavailability.{period_id}", old=_plain(period))])

    db.transaction(write)


def withdraw_consent(principal: Principal, expert_id: str, comment: str | None) -> Expert:
    """Anonymise the profile: identity, contact, languages and certificates go; open offers end; the other
    services are told to forget the expert (`roster.expert.erased`), and the expert's identity is blanked in every
    event still in the outbox, sent or not.

    Kept: nationality, functions and the status history, which identify nobody and keep the
    roster's statistics and audit trail whole.
    """
    expert, _ = expert_to_change(principal, expert_id, "withdraw_consent")

    def write() -> Expert:
        fresh = at_hand(expert).get()
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
        # the edit history keeps who changed which field when, but no longer the values (names, e-mails, ...)
        for edit in policy.viewer(principal).sees(ProfileEdit, expert=expert):  # as it was before
            edit.changes = [FieldChange(field=change.field) for change in edit.changes]
            edit.save()
        events.redact_expert_from_outbox(str(fresh.id))
        events.expert_erased(str(fresh.id), user_id)  # after the redaction, which would blank its user_id
        return fresh

    return db.transaction(write)
