"""What training forgets when a roster expert withdraws consent (`roster.expert.erased`, docs/adr/0067).

The person is found by the roster's expert id, by their gateway user id, and by the e-mail training learned from
the roster (`ExpertLink`). Their enrolments and certificates stay, for the course's statistics and so that a
certificate's verification still answers, but name an erased person; open enrolments are withdrawn (their seats
go to the waitlist); what training derived from the roster (the expert link, recommendations from deployment
evaluations) and what it remembered of the person's own tokens (`known_people`) is deleted; events about them
still in training's outbox lose the person's identity.
"""

from __future__ import annotations

from chassis.access import system
from chassis.erasure import ERASED_NAME, erased_email
from chassis.messaging.outbox import redact
from training_service.certificates.models import Certificate
from training_service.common import SYSTEM
from training_service.directory.models import ExpertLink, KnownPerson
from training_service.enrolments.models import OPEN_STATES, Enrolment
from training_service.enrolments.service import end_enrolment
from training_service.recommendations.models import Recommendation

ERASURE = system("an erased person's records, whichever tenant holds them")
IDENTITY = ("user_id", "email", "name")


def erase_person(expert_id: str, user_id: str | None) -> None:
    """Runs in the consumer's transaction, once per erasure."""
    link = ExpertLink.objects(id=expert_id).first()
    user_ids = sorted({value for value in (user_id, link and link.user_id) if value})
    # An e-mail address names the person only within the expert's own tenant (ADR 24): another tenant's
    # person who happens to have the address typed on the profile keeps their records.
    tenant = link.nominating_tenant if link else None
    emails = [link.email] if link and link.email and tenant else []
    stand_in = {"user_id": None, "email": erased_email(expert_id), "name": ERASED_NAME}

    ERASURE.records(Certificate).filter(__raw__=_person("holder", user_ids, emails, tenant, expert_id)).update(
        set__expert_id=None, **{f"set__holder__{field}": value for field, value in stand_in.items()})
    ERASURE.records(Enrolment).filter(__raw__=_person("trainee", user_ids, emails, tenant)).update(
        **{f"set__trainee__{field}": value for field, value in stand_in.items()})
    for enrolment in ERASURE.records(Enrolment).filter(trainee__email=stand_in["email"],
                                                             status__in=OPEN_STATES):
        end_enrolment(enrolment, SYSTEM, "The person withdrew consent to data processing")
    ERASURE.records(Recommendation).filter(
        __raw__=_person("person", user_ids, emails, tenant, expert_id)).delete()
    ERASURE.records(KnownPerson).filter(
        __raw__={"$or": [{"user_id": {"$in": user_ids}}, {"email": {"$in": emails}, "tenant": tenant}]}).delete()
    if link is not None:
        link.delete()
    for who in ("trainee", "holder"):
        paths = [f"data.{who}.{field}" for field in IDENTITY]
        if user_ids:
            redact({f"data.{who}.user_id": {"$in": user_ids}}, paths)
        if emails:
            redact({f"data.{who}.email": {"$in": emails}, f"data.{who}.tenant": tenant}, paths)


def _person(field: str, user_ids: list[str], emails: list[str], tenant: str | None,
            expert_id: str | None = None) -> dict:
    """Raw filter for records naming the person in `field`: by user id, by e-mail in `tenant`, or (when
    given) by their expert id."""
    matches = [{f"{field}.user_id": {"$in": user_ids}}, {f"{field}.email": {"$in": emails}, "tenant": tenant}]
    if expert_id is not None:
        matches.append({"expert_id": expert_id})
    return {"$or": matches}
