"""Who is who: the caller as a trainee, roster experts, suspended tenants."""

from __future__ import annotations

from chassis.auth import Principal
from chassis.problems import Forbidden
from training_service.directory.models import ExpertLink, TraineeRef


def normalise_email(email: str) -> str:
    return email.strip().lower()


def caller_as_trainee(principal: Principal) -> TraineeRef:
    """The calling person, from their token only (people's tokens carry `email` and `name`)."""
    if not principal.email:
        raise Forbidden("This needs a person's token: it carries no e-mail")
    email = normalise_email(principal.email)
    return TraineeRef(user_id=principal.sub, email=email, name=principal.name or email, tenant=principal.tenant)


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
    """The roster expert this person is, when training has heard of it (user id first, then e-mail)."""
    link = None
    if trainee.user_id:
        link = ExpertLink.objects(user_id=trainee.user_id).first()
    if link is None:
        link = ExpertLink.objects(email=trainee.email).first()
    return link.id if link else None


def record_expert(*, expert_id: str, email: str | None, user_id: str | None, full_name: str | None,
                  nominating_tenant: str | None) -> ExpertLink:
    return ExpertLink(id=expert_id, email=normalise_email(email) if email else None, user_id=user_id,
                      full_name=full_name, nominating_tenant=nominating_tenant).save()
