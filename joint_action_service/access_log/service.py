"""Writing, verifying and exporting the tamper-evident access log: one hash chain per case
(`chassis.hash_chain`, ADR 0031). Every use case that logs access runs through `logged`, so that a concurrent
append to the same case's chain retries it rather than fork the chain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from chassis.clock import now
from chassis.hash_chain import HashChain, Verification, logged, to_milliseconds
from chassis.paging import page
from joint_action_service.access_log.models import AccessLogEntry, AccessLogHead

CONTENT_FIELDS = ("chain", "seq", "at", "actor", "actor_tenant", "action", "record_type", "record_id", "case_id",
                  "detail")
ACCESS_LOG = HashChain(AccessLogEntry, AccessLogHead, CONTENT_FIELDS, chain_label="case")
EXPORT_FIELDS = ACCESS_LOG.export_fields  # and `withheld`


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


# --- export -----------------------------------------------------------------------------------------------

CHAIN_FIELDS = ("chain", "seq", "prev_hash", "hash")
FILTERS_ON_CONTENT = ("actor_tenant", "since", "until")


def export_page(viewer, query: dict, pagination_parameters) -> list[dict[str, Any]]:
    """One page of the export, in chain order. Unless filtered on content (actor, time), it holds whole chains:
    an entry about a record the viewer does not see comes `withheld`, with only its place and hashes, so the
    export still lets its holder check every link of the chain (`rso-joint-action verify-access-log --export`)."""
    whole_chains = not any(name in query for name in FILTERS_ON_CONTENT)
    entries = page(search(viewer.access_log_chains() if whole_chains else viewer.access_log(), query),
                   pagination_parameters)
    readable = set(viewer.access_log().filter(id__in=[entry.id for entry in entries]).scalar("id"))
    return export_rows(entries, readable)


def export_rows(entries: Sequence[AccessLogEntry], readable: set) -> list[dict[str, Any]]:
    rows = ACCESS_LOG.export_rows(entries)
    for entry, row in zip(entries, rows, strict=True):
        row["withheld"] = entry.id not in readable
        if row["withheld"]:
            row.update({name: "" for name in EXPORT_FIELDS if name not in CHAIN_FIELDS})
    return rows


def search(entries, query: dict):
    """Narrow an access-log queryset (already limited to what the caller may see) by the export's filters."""
    filters = {name: query[name] for name in ("case_id", "actor_tenant") if name in query}
    if "since" in query:
        filters["at__gte"] = query["since"]
    if "until" in query:
        filters["at__lt"] = query["until"]
    return entries.filter(**filters).order_by("chain", "seq")
