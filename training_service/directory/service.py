"""Who is who: the caller as a trainee, the people a tenant's nominations name, organisations, roster experts.

A person's identity (user id) and name come only from their own token. A coordinator names a person
of their own tenant by e-mail; the nomination takes the user id and name training last saw in that
person's token, and otherwise keeps the typed name until the person's own first learning step.
"""

from __future__ import annotations

import contextlib

import mongoengine as me

from chassis.auth import Principal
from chassis.clock import now
from chassis.problems import Forbidden
from chassis.tenant_status import KnownTenant
from training_service.directory.models import ExpertLink, KnownPerson, TraineeRef


def normalise_email(email: str) -> str:
    return email.strip().lower()


def caller_as_trainee(principal: Principal) -> TraineeRef:
    """The calling person, from their token only (people's tokens carry `email` and `name`)."""
    if not principal.email:
        raise Forbidden("This needs a person's token: it carries no e-mail")
    email = normalise_email(principal.email)
    return TraineeRef(user_id=principal.sub, email=email, name=_name_in_token(principal, email),
                      tenant=principal.tenant)


def _name_in_token(principal: Principal, email: str) -> str:
    return principal.name or email


def remember_caller(trainee: TraineeRef) -> None:
    """Record the calling person as their token shows them, for their tenant's later nominations.
    Only ever called with the caller's own `TraineeRef` (from `caller_as_trainee` or `take_identity`)."""
    with contextlib.suppress(me.NotUniqueError):  # the person's concurrent request recorded them just now
        KnownPerson.objects(user_id=trainee.user_id).update_one(
            upsert=True, set__email=trainee.email, set__name=trainee.name, set__seen_at=now())


def take_identity(trainee: TraineeRef, principal: Principal) -> None:
    """The person acts on their own record: their account's user id and name replace what a coordinator
    typed when nominating them (callers have checked `is_trainee`)."""
    trainee.user_id = principal.sub
    trainee.name = _name_in_token(principal, trainee.email)
    remember_caller(trainee)


def nominated_person(email: str, typed_name: str, principal: Principal) -> TraineeRef:
    """The person of the coordinator's own tenant with this e-mail, as training knows them; else the
    address and the typed name, waiting for the person's first sign-in (`user_id` None).

    The lookup is scoped to the coordinator's tenant, so an address of another tenant's person reads
    exactly like an address training has never seen: nothing about other tenants' people shows.
    """
    email = normalise_email(email)
    known = KnownPerson.objects(email=email).order_by("-seen_at").first()
    if known is None:
        return TraineeRef(user_id=None, email=email, name=typed_name.strip(), tenant=principal.tenant)
    return TraineeRef(user_id=known.user_id, email=email, name=known.name, tenant=principal.tenant)


def organisation_name(tenant: str) -> str | None:
    """A tenant's name as the gateway's `identity.tenant.created` told this service (None if never told)."""
    known = KnownTenant.objects(code=tenant).only("name").first()
    return known.name if known else None


def is_trainee(principal: Principal, trainee: TraineeRef) -> bool:
    """Whether `principal` is the person `trainee` names (same tenant; user id, else e-mail)."""
    if principal.tenant != trainee.tenant:
        return False
    if trainee.user_id and trainee.user_id == principal.sub:
        return True
    return bool(principal.email) and normalise_email(principal.email) == trainee.email


def person_filter(user_id: str | None, email: str | None, field: str = "trainee") -> dict:
    """Raw query matching one person's records: by user id, or by e-mail (case-insensitively)."""
    matches = []
    if user_id:
        matches.append({f"{field}.user_id": user_id})
    if email:
        matches.append({f"{field}.email": normalise_email(email)})
    return {"$or": matches} if matches else {"_id": None}


def caller_filter(principal: Principal, field: str = "trainee") -> dict:
    """Raw query matching the calling person's own records."""
    return person_filter(principal.sub, principal.email, field)


def expert_id_for(trainee: TraineeRef) -> str | None:
    """The roster expert this person is, when training has heard of it: by user id, else by e-mail within
    the person's own tenant (an address another tenant typed on a roster profile proves nothing)."""
    link = None
    if trainee.user_id:
        link = ExpertLink.objects(user_id=trainee.user_id).first()
    if link is None:
        link = ExpertLink.objects(email=trainee.email, nominating_tenant=trainee.tenant).first()
    return link.id if link else None


def expert_filter(user_id: str | None, email: str | None, tenant: str | None, field: str = "holder") -> dict:
    """Raw query matching a roster expert's own records: by user id, or by e-mail in the expert's tenant."""
    matches = []
    if user_id:
        matches.append({f"{field}.user_id": user_id})
    if email and tenant:
        matches.append({f"{field}.email": normalise_email(email), "tenant": tenant})
    return {"$or": matches} if matches else {"_id": None}


def record_expert(*, expert_id: str, email: str | None, user_id: str | None, full_name: str | None,
                  nominating_tenant: str | None) -> ExpertLink:
    return ExpertLink(id=expert_id, email=normalise_email(email) if email else None, user_id=user_id,
                      full_name=full_name, nominating_tenant=nominating_tenant).save()
