"""Which queries a block of code sent to the database, and how the database plans to serve each (`explain`).

`recorded_queries()` collects every `find`, `count`, `distinct` and `aggregate` command this process sends
meanwhile (pymongo command monitoring: the listener is registered when this module is imported, so import it
before the clients are created, as a test module does); `plans()` asks the server to `explain` each distinct
query and names the indexes it would use, or `COLLSCAN` when it would read the whole collection.

SecantusDB answers `explain` as MongoDB does (`queryPlanner.winningPlan`, `IXSCAN` / `COLLSCAN` stages), but its
planner uses an index only when every field of the filter is in it, with equalities; MongoDB's uses any index
whose leading field the filter selects on (equality, `$in` or a range) and filters the rest of the fetched
documents. So a query also counts as served by an index when an index's leading field is selected on that way
(or, with no filter, when an index starts with the sort's fields), which is what MongoDB does; each plan says
which of the two found it (docs/indexes.md).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
from collections.abc import Iterator
from typing import Any

from pymongo import MongoClient, monitoring

READ_COMMANDS = ("find", "count", "distinct", "aggregate")
# What a command carries besides the query itself (session, transaction, cluster time, batches); an aggregate's
# `cursor` stays, MongoDB requires it.
_NOT_THE_QUERY = {"lsid", "$db", "$clusterTime", "txnNumber", "startTransaction", "autocommit", "readConcern",
                  "$readPreference", "writeConcern", "batchSize", "singleBatch", "maxTimeMS"}


@dataclasses.dataclass(frozen=True)
class Query:
    database: str
    command: dict[str, Any]

    @property
    def collection(self) -> str:
        return self.command[next(iter(self.command))]

    @property
    def shape(self) -> str:
        """The query with its values left out: `find cases {tenant, status} sort {created_at}`."""
        kind = next(iter(self.command))
        filter_ = self.command.get("filter", self.command.get("query"))
        if kind == "aggregate":
            filter_ = next((stage["$match"] for stage in self.command["pipeline"] if "$match" in stage), None)
        parts = [kind, self.collection, _shape(filter_ or {})]
        if self.command.get("sort"):
            parts += ["sort", _shape(self.command["sort"])]
        return " ".join(parts)


@dataclasses.dataclass(frozen=True)
class QueryPlan:
    query: Query
    indexes: tuple[str, ...]  # the indexes the server's winning plan scans
    leading: tuple[str, ...]  # the indexes whose leading field the query selects on (MongoDB's candidates)

    @property
    def counts_the_collection(self) -> bool:
        """A `count` with no filter, which MongoDB answers from the collection's metadata without reading it."""
        return next(iter(self.query.command)) == "count" and not self.query.command.get("query")

    @property
    def scans_the_collection(self) -> bool:
        return not self.indexes and not self.leading and not self.counts_the_collection

    def __str__(self) -> str:
        if self.counts_the_collection:
            return f"{self.query.shape} -> the collection's count"
        if self.indexes:
            return f"{self.query.shape} -> {', '.join(self.indexes)}"
        if self.leading:
            return f"{self.query.shape} -> {', '.join(self.leading)} (leading field; the embedded server scans)"
        return f"{self.query.shape} -> COLLSCAN"


class _Recorder(monitoring.CommandListener):
    def __init__(self) -> None:
        self.active: list[list[Query]] = []
        self.lock = threading.Lock()

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name not in READ_COMMANDS or not self.active:
            return
        command = {key: value for key, value in event.command.items() if key not in _NOT_THE_QUERY}
        with self.lock:
            for queries in self.active:
                queries.append(Query(event.database_name, command))

    def succeeded(self, event) -> None:
        pass

    def failed(self, event) -> None:
        pass


_RECORDER = _Recorder()
monitoring.register(_RECORDER)


@contextlib.contextmanager
def recorded_queries() -> Iterator[list[Query]]:
    """The read queries sent by this process's clients (those created after this module was imported) meanwhile."""
    queries: list[Query] = []
    with _RECORDER.lock:
        _RECORDER.active.append(queries)
    try:
        yield queries
    finally:
        with _RECORDER.lock:
            _RECORDER.active.remove(queries)


def plans(queries: list[Query], client: MongoClient) -> list[QueryPlan]:
    """The server's plan for each distinct query (queries of one shape are explained once each)."""
    explained: dict[str, QueryPlan] = {}
    for query in queries:
        key = json.dumps([query.database, query.command], sort_keys=True, default=str)
        if key not in explained:
            database = client[query.database]
            answer = database.command({"explain": query.command, "verbosity": "queryPlanner"})
            indexes = {name: [field for field, _direction in spec["key"]]
                       for name, spec in database[query.collection].index_information().items()}
            explained[key] = QueryPlan(query, tuple(dict.fromkeys(_index_names(answer))),
                                       _leading(query, indexes))
    return list(explained.values())


def _leading(query: Query, indexes: dict[str, list[str]]) -> tuple[str, ...]:
    """The indexes MongoDB's planner could serve the query from (`_serving`); with no filter, one that starts with
    the sort's fields."""
    kind = next(iter(query.command))
    if kind == "aggregate":
        stages = query.command["pipeline"]
        filter_ = stages[0].get("$match", {}) if stages else {}
    else:
        filter_ = query.command.get("filter", query.command.get("query")) or {}
    if not filter_:
        sort = list(query.command.get("sort") or {})
        return tuple(name for name, fields in indexes.items() if sort and fields[:len(sort)] == sort)
    return _serving(filter_, indexes)


def _serving(filter_: dict[str, Any], indexes: dict[str, list[str]]) -> tuple[str, ...]:
    """The index with the most leading fields the filter selects on; failing that, for a `$or` of the filter (or
    of its `$and`), one such index per branch (MongoDB's OR plan)."""
    prefixes = {name: _selected_prefix(filter_, fields) for name, fields in indexes.items()}
    if any(prefixes.values()):
        return (max(prefixes, key=lambda name: (prefixes[name], -len(indexes[name]))),)
    for clause in [filter_, *filter_.get("$and", [])]:
        branches = [_serving(branch, indexes) for branch in clause.get("$or", [])]
        if branches and all(branches):
            return tuple(dict.fromkeys(name for served in branches for name in served))
    return ()


def _selected_prefix(filter_: dict[str, Any], fields: list[str]) -> int:
    """How many of an index's leading fields the filter selects on (MongoDB seeks on those)."""
    count = 0
    while count < len(fields) and _selects_on(filter_, fields[count]):
        count += 1
    return count


def _selects_on(filter_: dict[str, Any], field: str) -> bool:
    """Whether the filter narrows `field` to values an index scan can seek (not `$ne`, `$nin`, `$not`, `$exists`)."""
    if field not in filter_:
        return any(_selects_on(branch, field) for branch in filter_.get("$and", []))
    condition = filter_[field]
    if not isinstance(condition, dict) or not any(key.startswith("$") for key in condition):
        return True
    return any(operator in condition for operator in ("$eq", "$in", "$gt", "$gte", "$lt", "$lte", "$all",
                                                      "$elemMatch"))


def _index_names(explain: Any) -> Iterator[str]:
    """The index of every IXSCAN (or other index-backed stage) in the winning plans, rejected plans left out."""
    if isinstance(explain, dict):
        if "indexName" in explain:
            yield explain["indexName"]
        for key, value in explain.items():
            if key not in ("rejectedPlans", "command"):
                yield from _index_names(value)
    elif isinstance(explain, list):
        for value in explain:
            yield from _index_names(value)


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(k if not isinstance(v, dict | list) or not _has_operators(v)
                               else f"{k}: {_shape(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_shape(v) for v in value) + "]"
    return "?"


def _has_operators(value: Any) -> bool:
    """Whether a filter value holds operators or sub-filters worth showing (`$or`, `$in`, `$elemMatch`)."""
    if isinstance(value, dict):
        return any(key.startswith("$") or _has_operators(v) for key, v in value.items())
    if isinstance(value, list):
        return any(isinstance(v, dict) for v in value)
    return False


# The chassis's collections that stay small whatever the load, with the reason.
BOUNDED = {
    "suspended_tenants": "one document per tenant ever suspended",
    "known_tenants": "one document per member state or organisation",
}


def collection_scans(queries: list[Query], client: MongoClient, bounded: dict[str, str]) -> list[QueryPlan]:
    """The plans that would read a whole collection that grows; `bounded` names the service's collections that do
    not (a catalogue), each with the reason, besides the chassis's (`BOUNDED`)."""
    return [plan for plan in plans(queries, client) if plan.scans_the_collection
            and plan.query.collection not in {**BOUNDED, **bounded}]
