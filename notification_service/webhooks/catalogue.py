"""The events a tenant's systems may subscribe to, whose they are, and what a delivery says about them.

An event is a tenant's when it is about a record that tenant owns (docs/adr/0082): a deployment request and its
deployments are the requesting state's, an expert is their nominating tenant's, an enrolment or a certificate
is the trainee's (holder's) tenant's (ADR 23), a case and its expert requests are the lead state's; a case
shared is also the news of the tenant it was shared with. The owner is read from the event's `data` (which names
it), never from the envelope's `tenantid` (the tenant whose person acted, docs/events.md).

A delivery names the event (type, id, time), the record (its kind, id and the link to it on the portal) and the
codes, ids, statuses and dates listed here, nothing else: no person's name or address, no free text (a
justification, a comment, a reason), no score. Whoever opens the link sees what their own access allows.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import marshmallow as ma

from chassis.messaging.contracts import Reads

Data = dict[str, Any]


def _at(data: Data, path: str):
    for key in path.split("."):
        data = (data or {}).get(key)
    return data


def _reads(paths: Iterable[str]) -> type[Reads]:
    """The consumer schema of the dotted `paths`, values taken as they come."""
    fields: dict[str, ma.fields.Field] = {}
    nested: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        head, _, rest = path.partition(".")
        if rest:
            nested[head].append(rest)
        else:
            fields[head] = ma.fields.Raw(allow_none=True)
    fields.update({head: ma.fields.Nested(_reads(rest), allow_none=True) for head, rest in nested.items()})
    return Reads.from_dict(fields)


@dataclasses.dataclass(frozen=True)
class WebhookEvent:
    type: str
    description: str
    owners: tuple[str, ...]  # the data paths naming the tenants whose subscriptions receive it
    record: str  # the kind of record the event is about
    record_id: str  # the data field naming it
    link: tuple[str, str]  # portal path prefix and the data field that completes it
    fields: tuple[str, ...] = ()  # further data fields passed on as they are (codes, ids, statuses, dates)

    def owner_tenants(self, data: Data) -> set[str]:
        return {code for code in (_at(data, path) for path in self.owners) if code}

    def reads(self) -> type[Reads]:
        """What a delivery reads of the event (tests/contract checks the producer declares it)."""
        return _reads({*self.owners, self.record_id, self.link[1], *self.fields})

    def payload_data(self, data: Data, *, event_id: str, public_url: str) -> Data:
        prefix, field = self.link
        return {"event_id": event_id,
                "record": {"type": self.record, "id": data.get(self.record_id),
                           "link": f"{public_url}{prefix}{data.get(field)}"},
                **{name: data.get(name) for name in self.fields}}


_DEPLOYMENT = ("request_id", "status", "function", "country", "start_date", "end_date", "case_id")
_REQUESTER = ("requesting_tenant",)

_EVENTS = [
    WebhookEvent("roster.expert.registered", "An expert your organisation nominated was registered",
                 ("nominating_tenant",), "expert", "expert_id", ("/roster/experts/", "expert_id"),
                 ("functions",)),
    WebhookEvent("roster.expert.vetted", "An expert your organisation nominated was vetted",
                 ("nominating_tenant",), "expert", "expert_id", ("/roster/experts/", "expert_id"),
                 ("functions", "vetted_at")),
    WebhookEvent("roster.deployment.requested", "Your organisation requested experts",
                 _REQUESTER, "deployment_request", "request_id", ("/roster/requests/", "request_id"),
                 ("function", "country", "start_date", "end_date", "case_id")),
    WebhookEvent("roster.deployment_request.moved", "A request of your organisation reached a new status",
                 _REQUESTER, "deployment_request", "request_id", ("/roster/requests/", "request_id"),
                 ("status", "case_id")),
    *(WebhookEvent(f"roster.deployment.{verb}", f"An expert for a request of your organisation: {verb}",
                   _REQUESTER, "deployment", "deployment_id", ("/roster/requests/", "request_id"), _DEPLOYMENT)
      for verb in ("offered", "accepted", "deployed", "completed", "cancelled")),
    *(WebhookEvent(f"training.enrolment.{verb}", f"An enrolment of a person of your organisation was {verb}",
                   ("trainee.tenant",), "enrolment", "enrolment_id",
                   ("/training/enrolments/", "enrolment_id"), ("status", "course_id", "session_id"))
      for verb in ("created", "promoted", "withdrawn")),
    WebhookEvent("training.course.completed", "A person of your organisation completed a course",
                 ("trainee.tenant",), "enrolment", "enrolment_id",
                 ("/training/enrolments/", "enrolment_id"), ("course_id",)),
    *(WebhookEvent(f"training.certificate.{verb}", f"A certificate of a person of your organisation: {verb}",
                   ("holder.tenant",), "certificate", "certificate_id",
                   ("/training/certificates/", "certificate_id"), ("status", "course_code", "expires_on"))
      for verb in ("issued", "expiring", "expired", "revoked")),
    WebhookEvent("joint_action.case.expert_requested", "A case your organisation leads requested experts",
                 _REQUESTER, "expert_request", "expert_request_id", ("/joint-action/cases/", "case_id"),
                 ("case_id", "function", "country", "start_date", "end_date", "number_of_experts")),
    WebhookEvent("joint_action.case.shared", "A case was shared with your organisation, or by it",
                 ("lead_tenant", "tenant"), "case", "case_id", ("/joint-action/cases/", "case_id"),
                 ("lead_tenant", "tenant", "permission")),
]

WEBHOOK_EVENTS: dict[str, WebhookEvent] = {event.type: event for event in _EVENTS}
