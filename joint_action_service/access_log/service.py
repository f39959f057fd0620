"""Writing, verifying and exporting the tamper-evident access log: one hash chain per case
(`chassis.hash_chain`, ADR 0031). Every use case that logs access runs through `logged`, so that a concurrent
append to the same case's chain retries it rather than fork the chain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Protocol

from chassis.clock import now
from chassis.hash_chain import HashChain, Verification, logged, to_milliseconds
from chassis.paging import page
from joint_action_service.access_log.models import AccessLogEntry, AccessLogHead

CONTENT_FIELDS = ("chain", "seq", "at", "actor", "actor_tenant", "action", "record_type", "record_id", "case_id",
                  "detail")
ACCESS_LOG = HashChain(AccessLogEntry, AccessLogHead, CONTENT_FIELDS, chain_label="case")
EXPORT_FIELDS = ACCESS_LOG.export_fields


@dataclasses.dataclass(frozen=True)
class Access:
    """One read or change of a case, item or person record."""

    action: str  # read | create | update | release | ...
    record_type: str  # case | item | person
    record_id: str
    case_id: str
    detail: str = ""


def case_access(case, action: str, detail: str = "") -> Access:
    return Access(action, "case", str(case.id), str(case.id), detail)


def record_access(record_type: str, record, action: str, detail: str = "") -> Access:
    return Access(action, record_type, str(record.id), str(record.case_id), detail)


class Actor(Protocol):
    sub: str
    tenant: str


def logged_page(actor: Actor, queryset, pagination_parameters,
                accesses: Callable[[list], Iterable[Access]]) -> list:
    """A page of `queryset`, with the reads it makes recorded in the same transaction."""
    def work() -> list:
        records = page(queryset, pagination_parameters)
        append(actor, accesses(records))
        return records

    return logged(work)


def append(actor: Actor, accesses: Iterable[Access]) -> None:
    """Append one entry per access to its case's chain; must run inside the transaction of what it records."""
    at = to_milliseconds(now())
    chains: dict[str, list[dict]] = {}
    for access in accesses:
        chains.setdefault(access.case_id, []).append({
            "at": at, "actor": actor.sub, "actor_tenant": actor.tenant, "action": access.action,
            "record_type": access.record_type, "record_id": access.record_id, "case_id": access.case_id,
            "detail": access.detail})
    for chain, contents in chains.items():
        ACCESS_LOG.append(chain, contents)


def verify(chain: str | None = None) -> Verification:
    """Check every case's chain (or one) from its first entry; report each broken chain's first broken link."""
    return ACCESS_LOG.verify(chain)


def export_rows(entries) -> list[dict]:
    return ACCESS_LOG.export_rows(entries)


def search(entries, query: dict):
    """Narrow an access-log queryset (already limited to what the caller may see) by the export's filters."""
    filters = {name: query[name] for name in ("case_id", "actor_tenant") if name in query}
    if "since" in query:
        filters["at__gte"] = query["since"]
    if "until" in query:
        filters["at__lt"] = query["until"]
    return entries.filter(**filters).order_by("chain", "seq")
