"""Writing, verifying and exporting the tamper-evident access log.

Each case has its own chain. An entry's hash covers the previous entry's hash and the entry's own canonical
content, so altering an entry breaks its hash, and deleting one breaks the sequence or the link of the next
(or, for the newest, the chain's head). Appends read and update the chain's head document in the same
transaction as the change or read they record; of two concurrent appends one meets a write conflict and is
retried, so the chain never forks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from pymongo.errors import DuplicateKeyError

from chassis import db
from chassis.clock import now
from chassis.paging import page
from joint_action_service.access_log.models import GENESIS_HASH, AccessLogEntry, AccessLogHead

T = TypeVar("T")
APPEND_ATTEMPTS = 10
CONTENT_FIELDS = ("chain", "seq", "at", "actor", "actor_tenant", "action", "record_type", "record_id", "case_id",
                  "detail")
EXPORT_FIELDS = (*CONTENT_FIELDS, "prev_hash", "hash")  # and `withheld`


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


class ChainHeadMoved(RuntimeError):
    """Another append extended the chain after this transaction read its head."""


def logged(work: Callable[[], T]) -> T:
    """Run `work` (which appends to the access log) in one transaction, retried if a concurrent append to the
    same chain got there first. Every use case that logs access runs through here."""
    for attempt in range(APPEND_ATTEMPTS):
        try:
            return db.transaction(work)
        except (ChainHeadMoved, DuplicateKeyError):
            if attempt == APPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


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
    if not db.in_transaction():
        raise RuntimeError("access-log entries are written in the transaction of the access they record")
    at = _to_milliseconds(now())
    chains: dict[str, list[Access]] = {}
    for access in accesses:
        chains.setdefault(access.case_id, []).append(access)
    heads = AccessLogHead._get_collection()
    for chain, chain_accesses in chains.items():
        head = heads.find_one({"_id": chain})
        seq, previous = (head["seq"], head["hash"]) if head else (0, GENESIS_HASH)
        entries = []
        for access in chain_accesses:
            seq += 1
            content = {"chain": chain, "seq": seq, "at": at, "actor": actor.sub, "actor_tenant": actor.tenant,
                       "action": access.action, "record_type": access.record_type, "record_id": access.record_id,
                       "case_id": access.case_id, "detail": access.detail}
            entry_hash = chain_hash(previous, content)
            entries.append({**content, "prev_hash": previous, "hash": entry_hash})
            previous = entry_hash
        AccessLogEntry._get_collection().insert_many(entries)
        if head is None:
            heads.insert_one({"_id": chain, "seq": seq, "hash": previous})
        elif heads.update_one({"_id": chain, "seq": head["seq"]},
                              {"$set": {"seq": seq, "hash": previous}}).matched_count != 1:
            raise ChainHeadMoved(chain)


def chain_hash(previous_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256((previous_hash + canonical(content)).encode()).hexdigest()


def canonical(content: dict[str, Any]) -> str:
    """The entry's content as sorted, compact JSON; `at` as UTC ISO 8601 to the millisecond (MongoDB's precision)."""
    values = {name: content.get(name) for name in CONTENT_FIELDS}
    values["at"] = _iso(values["at"])
    values["detail"] = values["detail"] or ""
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _to_milliseconds(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _iso(moment: dt.datetime) -> str:
    moment = moment.astimezone(dt.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


# --- verification ---------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class BrokenLink:
    chain: str
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"case {self.chain}, entry {self.seq}: {self.reason}"


@dataclasses.dataclass(frozen=True)
class Verification:
    chains: int
    entries: int
    broken: list[BrokenLink]

    @property
    def intact(self) -> bool:
        return not self.broken


def verify(chain: str | None = None) -> Verification:
    """Check every chain (or one) from its first entry; report each broken chain's first broken link."""
    head_filter = {} if chain is None else {"_id": chain}
    heads = {head["_id"]: head for head in AccessLogHead._get_collection().find(head_filter)}
    entries = AccessLogEntry._get_collection()
    chains = set(heads) | set(entries.distinct("chain", {} if chain is None else {"chain": chain}))
    broken, checked = [], 0
    for name in sorted(chains):
        link, count = _first_broken_link(name, heads.get(name), entries.find({"chain": name}).sort("seq", 1))
        checked += count
        if link is not None:
            broken.append(link)
    return Verification(chains=len(chains), entries=checked, broken=broken)


def _first_broken_link(chain: str, head: dict | None, entries: Iterable[dict]) -> tuple[BrokenLink | None, int]:
    expected, previous, count = 1, GENESIS_HASH, 0
    for entry in entries:
        count += 1
        if entry["seq"] != expected:
            return BrokenLink(chain, expected, f"entry {expected} is missing (deleted)"), count
        if entry["prev_hash"] != previous:
            return BrokenLink(chain, expected, f"does not link to entry {expected - 1} (altered or replaced)"), count
        if chain_hash(previous, entry) != entry["hash"]:
            return BrokenLink(chain, expected, "content does not match its hash (altered)"), count
        previous = entry["hash"]
        expected += 1
    last = expected - 1
    if head is None:
        return BrokenLink(chain, last, "the chain's head is missing (deleted)"), count
    if head["seq"] > last:
        return BrokenLink(chain, last + 1, f"entry {last + 1} is missing (deleted)"), count
    if head["seq"] != last or head["hash"] != previous:
        return BrokenLink(chain, last, "the chain's head does not match its newest entry (altered)"), count
    return None, count


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
    def row(entry: AccessLogEntry) -> dict[str, Any]:
        withheld = entry.id not in readable
        return {**{name: "" if withheld and name not in CHAIN_FIELDS else
                   _iso(entry[name]) if name == "at" else entry[name] or "" for name in EXPORT_FIELDS},
                "withheld": withheld}

    return [row(entry) for entry in entries]


def search(entries, query: dict):
    """Narrow an access-log queryset (already limited to what the caller may see) by the export's filters."""
    filters = {name: query[name] for name in ("case_id", "actor_tenant") if name in query}
    if "since" in query:
        filters["at__gte"] = query["since"]
    if "until" in query:
        filters["at__lt"] = query["until"]
    return entries.filter(**filters).order_by("chain", "seq")
