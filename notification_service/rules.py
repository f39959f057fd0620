"""Who hears about what: each event the service follows becomes notices to the people it concerns.

The table of docs/adr/0080-who-is-told-about-what.md, in code. A rule reads only fields the event's producer
documents (docs/events.md) and names recipients by gateway user id, by role in a tenant, or by the address the
event carries; it links to the record instead of quoting it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from chassis.messaging import Event
from chassis.vocabulary import PLATFORM_TENANT
from notification_service.people.models import Person
from notification_service.people.service import people_with_role, person_by_email, person_by_id

ROSTER_OFFICE_ROLE = "roster_manager"  # of the platform tenant: the roster office


@dataclasses.dataclass(frozen=True)
class Recipient:
    """Someone to tell: a known person (in-portal and e-mail), or only an address the event names (e-mail)."""

    tenant: str
    email: str
    user_id: str | None = None
    name: str | None = None
    language: str | None = None

    @classmethod
    def of(cls, person: Person) -> Recipient:
        return cls(tenant=person.tenant, email=person.email, user_id=person.id, name=person.display_name,
                   language=person.language)


@dataclasses.dataclass(frozen=True)
class Notice:
    kind: str
    recipients: list[Recipient]
    params: dict[str, str]
    link: str  # a path on the portal


def _named(user_id: str | None, email: str | None, tenant: str | None, name: str | None = None) -> list[Recipient]:
    """The person an event names: by account id, else by address within their tenant, else the address alone
    (e-mail only, in the platform's default language)."""
    person = person_by_id(user_id) or (person_by_email(email, tenant) if tenant else None)
    if person is not None:
        return [Recipient.of(person)]
    return [Recipient(tenant=tenant or "", email=email, name=name)] if email and tenant else []


def _with_role(tenant: str, role: str) -> list[Recipient]:
    return [Recipient.of(person) for person in people_with_role(tenant, role)]


def _deployment(data: dict[str, Any]) -> dict[str, str]:
    return {key: str(data.get(key) or "") for key in ("function", "country", "start_date", "end_date")}


def _requester_and_office(data: dict[str, Any]) -> list[Recipient]:
    return _with_role(data["requesting_tenant"], "requesting_officer") + _with_role(PLATFORM_TENANT,
                                                                                     ROSTER_OFFICE_ROLE)


def offer_made(event: Event) -> list[Notice]:
    data, expert = event.data, event.data.get("expert") or {}
    return [Notice("offer_made", _named(expert.get("user_id"), expert.get("email"), expert.get("nominating_tenant"),
                                        expert.get("full_name")),
                   _deployment(data), f"/roster/deployments/{data['deployment_id']}")]


def offer_accepted(event: Event) -> list[Notice]:
    data = event.data
    return [Notice("offer_accepted", _requester_and_office(data), _deployment(data),
                   f"/roster/requests/{data['request_id']}")]


def offer_cancelled(event: Event) -> list[Notice]:
    """A declined offer is published as a cancellation with `status: declined`; other cancellations are the
    office's or requester's own step and tell nobody."""
    data = event.data
    if data.get("status") != "declined":
        return []
    return [Notice("offer_declined", _requester_and_office(data), _deployment(data),
                   f"/roster/requests/{data['request_id']}")]


def request_moved(event: Event) -> list[Notice]:
    data = event.data
    if data.get("status") != "rejected":
        return []
    return [Notice("request_rejected", _with_role(data["requesting_tenant"], "requesting_officer"), {},
                   f"/roster/requests/{data['request_id']}")]


def _trainee(data: dict[str, Any]) -> list[Recipient]:
    trainee = data.get("trainee") or {}
    return _named(trainee.get("user_id"), trainee.get("email"), trainee.get("tenant"), trainee.get("name"))


def enrolment_promoted(event: Event) -> list[Notice]:
    """Approved onto a seat, or promoted from the waitlist: either way, the trainee now has a seat."""
    if event.data.get("status") != "enrolled":
        return []
    return [Notice("enrolment_seat", _trainee(event.data), {},
                   f"/training/enrolments/{event.data['enrolment_id']}")]


def enrolment_withdrawn(event: Event) -> list[Notice]:
    """Only a rejection is news to the trainee; a withdrawal was their own or their nominator's step."""
    if event.data.get("status") != "rejected":
        return []
    return [Notice("enrolment_rejected", _trainee(event.data), {},
                   f"/training/enrolments/{event.data['enrolment_id']}")]


def certificate_changed(event: Event) -> list[Notice]:
    data = event.data
    holder = data.get("holder") or {}
    kind = {"training.certificate.expiring": "certificate_expiring",
            "training.certificate.expired": "certificate_expired",
            "training.certificate.revoked": "certificate_revoked"}[event.type]
    params = {"course_code": str(data.get("course_code") or ""), "course_title": str(data.get("course_title") or ""),
              "issuer": str((data.get("issuer") or {}).get("name") or ""),
              "expires_on": str(data.get("expires_on") or "")}
    # the portal's page of the public check, for people (the API's verification_url answers JSON)
    link = f"/verify/{quote(data['verification_code'], safe='')}" if data.get("verification_code") \
        else data["verification_url"]
    return [Notice(kind, _named(holder.get("user_id"), holder.get("email"), holder.get("tenant"), holder.get("name")),
                   params, link)]


CASE_WORKER_ROLE = "case_officer"  # who hears of a case's steps for their organisation


def _case_link(data: dict[str, Any]) -> str:
    return f"/cases/{data['case_id']}"


def _case_officers(*tenants: str) -> list[Recipient]:
    return [recipient for tenant in dict.fromkeys(tenants) for recipient in _with_role(tenant, CASE_WORKER_ROLE)]


def case_shared(event: Event) -> list[Notice]:
    data = event.data
    return [Notice("case_shared", _case_officers(data["tenant"]),
                   {"lead_tenant": data["lead_tenant"], "permission": str(data.get("permission") or "")},
                   _case_link(data))]


def task_assigned(event: Event) -> list[Notice]:
    """The assignee when they are a person of the assigned tenant (by user id or address), otherwise that
    tenant's case officers. The task's title and description stay on the case."""
    data = event.data
    tenant, assignee = data["assigned_tenant"], data.get("assignee") or ""
    person = person_by_email(assignee, tenant) if "@" in assignee else person_by_id(assignee, tenant=tenant)
    recipients = [Recipient.of(person)] if person is not None else _case_officers(tenant)
    return [Notice("task_assigned", recipients,
                   {"lead_tenant": data["lead_tenant"], "assigned_tenant": tenant,
                    "due_date": str(data.get("due_date") or "-")}, _case_link(data))]


def item_released(event: Event) -> list[Notice]:
    """The case officers of each tenant newly released to; the item's content stays on the case."""
    data = event.data
    return [Notice("item_released", _case_officers(*data["tenants"]),
                   {"lead_tenant": data["lead_tenant"], "originator_tenant": data["originator_tenant"]},
                   _case_link(data))]


def expert_deployed(event: Event) -> list[Notice]:
    """The case officers of the case's lead and of the tenant that requested the expert (never the expert's
    name: the case shows whom the roster deployed)."""
    data = event.data
    return [Notice("expert_deployed", _case_officers(data["lead_tenant"], data["requesting_tenant"]),
                   {**_deployment(data), "lead_tenant": data["lead_tenant"]}, _case_link(data))]


def tenant_suspended(event: Event) -> list[Notice]:
    data = event.data
    return [Notice("tenant_suspended", _with_role(data["tenant"], "tenant_admin"),
                   {"tenant": data["tenant"], "reason": str(data.get("reason") or "")}, "/")]


def password_reset_requested(event: Event) -> list[Notice]:
    """The reset link, to the person's own address only and in their language: e-mail alone (no portal notice,
    which would show the link to whoever holds their session) and quoting nothing but the link."""
    data = event.data
    person = person_by_id(data.get("user_id"))
    email = person.email if person is not None else data.get("email")
    if not email:
        return []
    return [Notice("password_reset", [Recipient(tenant=data["tenant"], email=email, language=data.get("language"))],
                   {}, data["reset_link"])]


RULES: dict[str, Callable[[Event], list[Notice]]] = {
    "roster.deployment.offered": offer_made,
    "roster.deployment.accepted": offer_accepted,
    "roster.deployment.cancelled": offer_cancelled,
    "roster.deployment_request.moved": request_moved,
    "training.enrolment.promoted": enrolment_promoted,
    "training.enrolment.withdrawn": enrolment_withdrawn,
    "training.certificate.expiring": certificate_changed,
    "training.certificate.expired": certificate_changed,
    "training.certificate.revoked": certificate_changed,
    "joint_action.case.shared": case_shared,
    "joint_action.task.assigned": task_assigned,
    "joint_action.item.released": item_released,
    "joint_action.case.expert_deployed": expert_deployed,
    "identity.tenant.suspended": tenant_suspended,
    "identity.password_reset.requested": password_reset_requested,
}
