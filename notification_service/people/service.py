"""Keep the people read model true to the gateway's identity events, and find who plays a role in a tenant."""

from __future__ import annotations

from typing import Any

from chassis.access import system
from chassis.auth import current_principal
from chassis.i18n import supported
from notification_service.people.models import Person


def remember_person(data: dict[str, Any]) -> None:
    """`identity.user.created|updated`: the person as the gateway now describes them (the last event wins)."""
    Person(id=data["user_id"], tenant=data["tenant"], email=data["email"].lower(),
           display_name=data["display_name"], roles=list(data.get("roles") or []),
           language=supported(data.get("preferred_language")),
           active=data.get("status", "active") == "active").save()


def forget_deactivated(data: dict[str, Any]) -> None:
    """`identity.user.deactivated`: a deactivated person is told nothing more."""
    system("the gateway names the person's tenant in the event").records(Person).filter(
        id=data["user_id"], tenant=data["tenant"]).update(set__active=False)


def person_by_id(user_id: str | None, *, tenant: str | None = None) -> Person | None:
    """The active person with this gateway id (only of `tenant` when given: an id the event's author typed)."""
    if not user_id:
        return None
    found = system("a recipient named by id in an event").records(Person).filter(id=user_id, active=True)
    return (found.filter(tenant=tenant) if tenant else found).first()


def person_by_email(email: str | None, tenant: str) -> Person | None:
    """The active person of `tenant` with this address (an address never identifies another tenant's person)."""
    if not email:
        return None
    return system("the event names the tenant the address belongs to").records(Person).filter(
        tenant=tenant, email=email.lower(), active=True).first()


def people_with_role(tenant: str, role: str) -> list[Person]:
    return list(system("the rule names the tenant whose people are told").records(Person).filter(
        tenant=tenant, roles=role, active=True).order_by("id"))


def language_of_caller(query: dict) -> str | None:
    """The language an API answer is written in: the one asked for (`language`), else the caller's own from this
    read model, else None (English)."""
    if query.get("language"):
        return query["language"]
    principal = current_principal()
    person = person_by_id(principal.sub, tenant=principal.tenant)
    return person.language if person else None
