"""Search the whole roster for a need, and explain one expert against it.

Matching happens in the database (one flat filter, after an index seek); ranking reads only each match's
functions and languages (and certificates, when the filter did not ask for one), unconverted; only the experts
of the page asked for are loaded whole. Converting thousands of full profiles would cost far more than the
query itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from chassis.db import aggregate_after_seek
from chassis.tenant_status import suspended_tenants
from roster_service.experts.models import Expert
from roster_service.experts.readiness import Readiness, longest_qualifying, readiness
from roster_service.policy import policy
from roster_service.search.criteria import (
    SearchCriteria,
    build_criteria,
    first_failure,
    index_seek,
    mongo_filter,
)
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


def search(criteria: SearchCriteria, *, today: dt.date | None = None) -> RankedMatches:
    """Every expert meeting `criteria`, best first, from one read of the matching profiles."""
    today = today or dt.date.today()
    rules = build_criteria(criteria, suspended_tenants=suspended_tenants(), today=today)
    through = criteria.ready_through(today)
    every_match_certified = criteria.min_readiness == "ready"  # the filter then asks for a qualifying certificate
    projection = {"functions": 1, "languages": 1} | ({} if every_match_certified else {"certifications": 1})
    ranked = []
    ranker = Ranker(criteria)
    matching = policy.public(Expert).filter(__raw__=mongo_filter(rules))
    for raw in aggregate_after_seek(matching, index_seek(criteria), [{"$project": projection}]):
        experience = next((item for item in raw.get("functions", []) if item["code"] == criteria.function), None)
        levels = {item["code"]: item["level"] for item in raw.get("languages", [])}
        certified = every_match_certified or _holds_qualifying(raw, criteria.function, through, today)
        points, parts = ranker.rank(experience=experience, levels=levels, certified=certified)
        ranked.append((points, str(raw["_id"]), parts))
    ranked.sort(key=lambda entry: (-entry[0], entry[1]))
    return RankedMatches(ranked, criteria, [rule.success for rule in rules], through)


def _holds_qualifying(raw: dict, function: str, through: dt.date, today: dt.date) -> bool:
    """Whether a stored profile holds a certificate qualifying for `function` through `through`. The stored
    certificates are read as they are, not converted: a broad search checks thousands of them."""
    listing = [StoredCertificate.of(item) for item in raw.get("certifications", [])
               if function in item.get("qualifies_for", ())]
    return longest_qualifying(listing, function, through, today) is not None


@dataclasses.dataclass(frozen=True)
class StoredCertificate:
    """What the readiness rule reads of a certificate, from its stored form (dates are stored as datetimes)."""

    status: str
    source: str
    verified_at: dt.datetime | None
    qualifies_for: list[str]
    issued_on: dt.date | None
    expires_on: dt.date | None

    @classmethod
    def of(cls, stored: dict) -> StoredCertificate:
        def day(name: str) -> dt.date | None:
            return stored[name].date() if stored.get(name) else None

        return cls(stored["status"], stored["source"], stored.get("verified_at"), stored["qualifies_for"],
                   day("issued_on"), day("expires_on"))


def explain(criteria: SearchCriteria, expert: Expert, *, today: dt.date | None = None) -> Explanation:
    """Whether one expert meets `criteria`: every reason it does, or the first reason it does not."""
    rules = build_criteria(criteria, suspended_tenants=suspended_tenants(), today=today or dt.date.today())
    failure = first_failure(rules, expert)
    if failure is None:
        return Explanation(expert, True, [rule.success for rule in rules], None)
    criterion, reason = failure
    return Explanation(expert, False, [], {"criterion": criterion, "reason": reason})
