"""Index consistency: every index of a collection finds exactly the documents a collection scan finds.

A database whose index lost an entry answers indexed queries without that document, while `validate` may call
it healthy (docs/adr/0065). This compares, per collection and index, the `_id`s of
`find(scope).hint({"$natural": 1})` with those of `find(scope).hint(index)`, where the scope is everything for
a plain index, the filter of a partial index, or the documents having one of a sparse index's fields.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from bson import json_util
from pymongo.collection import Collection
from pymongo.database import Database

NATURAL_ORDER = [("$natural", 1)]


@dataclasses.dataclass(frozen=True)
class IndexDiscrepancy:
    """One index that disagrees with a collection scan of its collection."""

    collection: str
    index: str
    missing_from_index: tuple[Any, ...]  # _ids a collection scan finds and the index does not
    only_in_index: tuple[Any, ...]  # _ids the index finds and a collection scan does not

    def __str__(self) -> str:
        parts = []
        if self.missing_from_index:
            parts.append(f"{len(self.missing_from_index)} document(s) missing from the index: "
                         f"{_listed(self.missing_from_index)}")
        if self.only_in_index:
            parts.append(f"{len(self.only_in_index)} index entr(ies) without a document: "
                         f"{_listed(self.only_in_index)}")
        return f"{self.collection} {self.index}: {'; '.join(parts)}"


@dataclasses.dataclass(frozen=True)
class IndexCheck:
    database: str
    collections: int
    indexes: int
    discrepancies: list[IndexDiscrepancy]

    @property
    def consistent(self) -> bool:
        return not self.discrepancies

    def report(self) -> str:
        lines = [f"INCONSISTENT: {self.database}.{discrepancy}" for discrepancy in self.discrepancies]
        verdict = "consistent" if self.consistent else f"{len(self.discrepancies)} index(es) inconsistent"
        lines.append(f"{self.database}: {verdict} ({self.collections} collection(s), {self.indexes} index(es))")
        return "\n".join(lines)


def check_indexes(database: Database) -> IndexCheck:
    """Compare every index of every collection of `database` with a collection scan.

    A difference is looked at twice and reported only if it is still there, so a document written or expired
    between the two scans of a live database is not reported.
    """
    collections = [name for name in sorted(database.list_collection_names()) if not name.startswith("system.")]
    discrepancies, indexes = [], 0
    for name in collections:
        collection = database[name]
        for index in collection.list_indexes():
            indexes += 1
            first = _compare(collection, index)
            if first is None:
                continue
            second = _compare(collection, index)
            if second is not None:
                missing = _common(first.missing_from_index, second.missing_from_index)
                extra = _common(first.only_in_index, second.only_in_index)
                if missing or extra:
                    discrepancies.append(IndexDiscrepancy(name, index["name"], missing, extra))
    return IndexCheck(database.name, len(collections), indexes, discrepancies)


def _compare(collection: Collection, index: dict[str, Any]) -> IndexDiscrepancy | None:
    scope = _documents_in(index)
    scanned = _ids(collection.find(scope, {"_id": 1}).hint(NATURAL_ORDER))
    indexed = _ids(collection.find(scope, {"_id": 1}).hint(index["name"]))
    if scanned.keys() == indexed.keys():
        return None
    return IndexDiscrepancy(collection.name, index["name"],
                            tuple(scanned[key] for key in sorted(scanned.keys() - indexed.keys())),
                            tuple(indexed[key] for key in sorted(indexed.keys() - scanned.keys())))


def _documents_in(index: dict[str, Any]) -> dict[str, Any]:
    """The filter selecting the documents this index holds an entry for."""
    if "partialFilterExpression" in index:
        return dict(index["partialFilterExpression"])
    if index.get("sparse"):
        return {"$or": [{field: {"$exists": True}} for field in index["key"]]}
    return {}


def _ids(documents: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """`_id`s keyed by their canonical JSON (an `_id` may be a document, which is not hashable)."""
    return {json_util.dumps(document["_id"]): document["_id"] for document in documents}


def _common(first: tuple[Any, ...], second: tuple[Any, ...]) -> tuple[Any, ...]:
    again = {json_util.dumps(value) for value in second}
    return tuple(value for value in first if json_util.dumps(value) in again)


def _listed(ids: tuple[Any, ...], shown: int = 10) -> str:
    text = ", ".join(str(value) for value in ids[:shown])
    return text + (f" and {len(ids) - shown} more" if len(ids) > shown else "")
