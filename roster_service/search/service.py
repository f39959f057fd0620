"""Search the whole roster for a need, and explain one expert against it.

Matching happens in the database (one flat filter); ranking reads only each match's functions and
languages, unconverted; only the experts of the page asked for are loaded whole. Converting
thousands of full profiles would cost far more than the query itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from chassis.tenant_status import suspended_tenants
from roster_service.experts.models import Expert
from roster_service.experts.readiness import Readiness, readiness
from roster_service.policy import policy
from roster_service.search.criteria import SearchCriteria, build_criteria, first_failure, mongo_filter
from roster_service.search.ranking import Ranker, ScorePart, score

# What summaries read; contact details are never loaded for a search.
SUMMARY_FIELDS = ("id", "tenant", "status", "nationality", "clearance_level", "languages", "functions",
                  "functions_awaiting_vetting",
                  "certifications", "vetted_at")


@dataclasses.dataclass(frozen=True)
class Match:
    """A matching expert, its score, the parts that add up to it, and the reasons it matched; reads
    through to the expert's own attributes."""

    expert: Expert
    score_parts: list[ScorePart]
    reasons: list[str]
    readiness_for_need: Readiness

    @property
    def score(self) -> int:
        return score(self.score_parts)

    def __getattr__(self, name: str):
        return getattr(self.expert, name)


@dataclasses.dataclass(frozen=True)
class Explanation:
    expert: Expert
    matched: bool
    reasons: list[str]
    first_failure: dict | None


class RankedMatches(Sequence):
    """Every match in rank order; a slice loads just its experts."""

    def __init__(self, ranked: list[tuple[int, str, list[ScorePart]]], criteria: SearchCriteria, reasons: list[str],
                 through: dt.date):
        self.ranked = ranked
        self.criteria = criteria
        self.reasons = reasons
        self.through = through

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index:index + 1 or None][0]
        chosen = self.ranked[index]
        experts = {str(expert.id): expert for expert in policy.public(Expert).filter(
            id__in=[expert_id for _, expert_id, _ in chosen]).only(*SUMMARY_FIELDS)}
        return [Match(experts[expert_id], parts, self.reasons,
                      readiness(experts[expert_id], self.criteria.function, through=self.through))
                for _, expert_id, parts in chosen]

    def __iter__(self):
        return iter(self[:])


# The equalities the experts' (functions.code, status) index seeks on. SecantusDB's planner uses an index only
# for a filter all of whose fields the index holds, so they go first in a $match of their own, and the rest of the
# search and the access rules filter what they found; MongoDB merges the stages and plans them as one
# (docs/indexes.md).
SEEK_FIELDS = ("functions.code", "status")


def matching(experts, query: dict, projection: dict):
    """The raw documents of `experts` (a queryset of what the caller sees) matching `query`, with the fields of
    `projection`. Not `experts.aggregate`: mongoengine puts the queryset's own filter first, before the seek."""
    seek = {field: query[field] for field in SEEK_FIELDS if field in query}
    rest = {field: value for field, value in query.items() if field not in seek}
    visible = experts._query  # the access rules (chassis.access), as mongoengine compiled them
    return experts._collection.aggregate([{"$match": seek}, {"$match": {"$and": [visible, rest]}},
                                          {"$project": projection}])


def search(criteria: SearchCriteria, *, today: dt.date | None = None) -> RankedMatches:
    """Every expert meeting `criteria`, best first."""
    today = today or dt.date.today()
    suspended = suspended_tenants()
    rules = build_criteria(criteria, suspended_tenants=suspended, today=today)
    query = mongo_filter(rules)
    experts = policy.public(Expert)
    certified = None  # every match holds a qualifying certificate when readiness `ready` is asked for
    if criteria.min_readiness != "ready":
        ready = dataclasses.replace(criteria, min_readiness="ready")
        certified = {str(raw["_id"]) for raw in matching(experts, mongo_filter(
            build_criteria(ready, suspended_tenants=suspended, today=today)), {"_id": 1})}
    ranked = []
    ranker = Ranker(criteria)
    for raw in matching(experts, query, {"functions": 1, "languages": 1}):
        expert_id = str(raw["_id"])
        experience = next((item for item in raw.get("functions", []) if item["code"] == criteria.function), None)
        levels = {item["code"]: item["level"] for item in raw.get("languages", [])}
        points, parts = ranker.rank(experience=experience, levels=levels,
                                    certified=certified is None or expert_id in certified)
        ranked.append((points, expert_id, parts))
    ranked.sort(key=lambda entry: (-entry[0], entry[1]))
    return RankedMatches(ranked, criteria, [rule.success for rule in rules], criteria.ready_through(today))


def explain(criteria: SearchCriteria, expert: Expert, *, today: dt.date | None = None) -> Explanation:
    """Whether one expert meets `criteria`: every reason it does, or the first reason it does not."""
    rules = build_criteria(criteria, suspended_tenants=suspended_tenants(), today=today or dt.date.today())
    failure = first_failure(rules, expert)
    if failure is None:
        return Explanation(expert, True, [rule.success for rule in rules], None)
    criterion, reason = failure
    return Explanation(expert, False, [], {"criterion": criterion, "reason": reason})
