"""Tamper-evident logs: append-only entries linked in hash chains, verified from the first entry on.

An entry's `hash` is SHA-256 of the previous entry's hash and the entry's canonical content (sorted, compact
JSON of its content fields; moments as UTC ISO 8601 to the millisecond, MongoDB's precision; empty values as
""), so altering an entry breaks its hash, and deleting one breaks the sequence or the link of the next (or,
for the newest, the chain's head). A head document per chain holds the newest `seq` and `hash`; appends read
and update it in the transaction of what they record, conditionally on the `seq` they read, so of two
concurrent appends to one chain one is retried and the chain never forks.

Used by joint action's access log (one chain per case, ADR 0031) and the gateway's audit log (one chain per
tenant).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from pymongo.errors import DuplicateKeyError, PyMongoError

from chassis import db

T = TypeVar("T")
GENESIS_HASH = "0" * 64
APPEND_ATTEMPTS = 10
LINK_FIELDS = ("prev_hash", "hash")


class ChainHeadMoved(PyMongoError):
    """Another append extended the chain after this transaction read its head. Labelled a transient transaction
    error, so an enclosing `db.transaction` runs again, as it would after a write conflict."""

    def __init__(self, chain: str):
        super().__init__(f"the head of chain {chain} moved", error_labels=["TransientTransactionError"])


def logged(work: Callable[[], T]) -> T:
    """Run `work` (which appends to a hash chain) in one transaction, retried if a concurrent append to the same
    chain got there first."""
    for attempt in range(APPEND_ATTEMPTS):
        try:
            return db.transaction(work)
        except (ChainHeadMoved, DuplicateKeyError):
            if attempt == APPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def to_milliseconds(moment: dt.datetime) -> dt.datetime:
    """What MongoDB keeps of a moment; entries are hashed with this, so they verify after a round trip."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def iso(moment: dt.datetime) -> str:
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return iso(value)
    raise TypeError(f"{type(value).__name__} cannot be part of a hashed entry")


@dataclasses.dataclass(frozen=True)
class BrokenLink:
    chain: str
    seq: int
    reason: str
    chain_label: str = "chain"

    def __str__(self) -> str:
        return f"{self.chain_label} {self.chain}, entry {self.seq}: {self.reason}"


@dataclasses.dataclass(frozen=True)
class Verification:
    chains: int
    entries: int
    broken: list[BrokenLink]

    @property
    def intact(self) -> bool:
        return not self.broken


class HashChain:
    """The chains of one log: `entries` documents (with `chain`, `seq`, the content fields, `prev_hash`, `hash`)
    and one `heads` document per chain (`_id` = the chain, `seq`, `hash`)."""

    def __init__(self, entries: type[db.Document], heads: type[db.Document], content_fields: Sequence[str], *,
                 chain_label: str = "chain"):
        self.entries = entries
        self.heads = heads
        self.content_fields = tuple(content_fields)
        self.export_fields = (*self.content_fields, *LINK_FIELDS)
        self.chain_label = chain_label

    def canonical(self, content: dict[str, Any]) -> str:
        values = {name: content.get(name) for name in self.content_fields}
        values = {name: "" if value is None else value for name, value in values.items()}
        return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_value)

    def chain_hash(self, previous_hash: str, content: dict[str, Any]) -> str:
        return hashlib.sha256((previous_hash + self.canonical(content)).encode()).hexdigest()

    def append(self, chain: str, contents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Append entries (their content without `chain` and `seq`) to `chain`; must run inside the transaction
        of what they record. Moments must already be `to_milliseconds`. The entries as stored."""
        if not db.in_transaction():
            raise RuntimeError("hash-chained entries are written in the transaction of what they record")
        heads = self.heads._get_collection()
        head = heads.find_one({"_id": chain})
        seq, previous = (head["seq"], head["hash"]) if head else (0, GENESIS_HASH)
        entries = []
        for content in contents:
            seq += 1
            entry = {**content, "chain": chain, "seq": seq}
            entry_hash = self.chain_hash(previous, entry)
            entries.append({**entry, "prev_hash": previous, "hash": entry_hash})
            previous = entry_hash
        if not entries:
            return []
        self.entries._get_collection().insert_many(entries)
        if head is None:
            heads.insert_one({"_id": chain, "seq": seq, "hash": previous})
        elif heads.update_one({"_id": chain, "seq": head["seq"]},
                              {"$set": {"seq": seq, "hash": previous}}).matched_count != 1:
            raise ChainHeadMoved(chain)
        return entries

    def verify(self, chain: str | None = None) -> Verification:
        """Check every chain (or one) from its first entry; report each broken chain's first broken link."""
        heads = {head["_id"]: head for head in self.heads._get_collection().find({} if chain is None else
                                                                               {"_id": chain})}
        entries = self.entries._get_collection()
        chains = set(heads) | set(entries.distinct("chain", {} if chain is None else {"chain": chain}))
        broken, checked = [], 0
        for name in sorted(chains):
            link, count = self.first_broken_link(name, heads.get(name), entries.find({"chain": name}).sort("seq", 1))
            checked += count
            if link is not None:
                broken.append(link)
        return Verification(chains=len(chains), entries=checked, broken=broken)

    def first_broken_link(self, chain: str, head: dict | None,
                          entries: Iterable[dict]) -> tuple[BrokenLink | None, int]:
        def broken(seq: int, reason: str) -> BrokenLink:
            return BrokenLink(chain, seq, reason, self.chain_label)

        expected, previous, count = 1, GENESIS_HASH, 0
        for entry in entries:
            count += 1
            if entry["seq"] != expected:
                return broken(expected, f"entry {expected} is missing (deleted)"), count
            if entry["prev_hash"] != previous:
                return broken(expected, f"does not link to entry {expected - 1} (altered or replaced)"), count
            if self.chain_hash(previous, entry) != entry["hash"]:
                return broken(expected, "content does not match its hash (altered)"), count
            previous = entry["hash"]
            expected += 1
        last = expected - 1
        if head is None:
            return broken(last, "the chain's head is missing (deleted)"), count
        if head["seq"] > last:
            return broken(last + 1, f"entry {last + 1} is missing (deleted)"), count
        if head["seq"] != last or head["hash"] != previous:
            return broken(last, "the chain's head does not match its newest entry (altered)"), count
        return None, count

    def export_rows(self, entries: Iterable[Any]) -> list[dict[str, Any]]:
        """Entries (documents) as export rows: every content field and the links, moments as hashed."""
        rows = []
        for entry in entries:
            row = {}
            for name in self.export_fields:
                value = entry[name]
                row[name] = iso(value) if isinstance(value, dt.datetime) else ("" if value is None else value)
            rows.append(row)
        return rows
