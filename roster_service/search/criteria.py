"""Each matching rule once, in two forms that must agree: a MongoDB filter for searching the whole
roster, and a check of one expert that says why it passes or the reason it fails.

Periods include both their first and last day: an unavailability or deployment ending on the day
another starts overlaps it. An unavailability without an end lasts until further notice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from chassis.vocabulary import PROFICIENCY_LEVELS
from roster_service.experts.models import Expert, function_language
from roster_service.experts.readiness import qualifying_certificate
from roster_service.vocabulary import CLEARANCE_LEVELS, rank


@dataclasses.dataclass(frozen=True)
class LanguageNeed:
    code: str
    min_level: str = "basic"


@dataclasses.dataclass(frozen=True)
class SearchCriteria:
    function: str
    languages: tuple[LanguageNeed, ...] = ()
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    min_readiness: str = "ready"
    country: str | None = None
    exclude_nationals: bool = False
    nominating_tenant: str | None = None
    min_clearance: str = "none"

    def ready_through(self, today: dt.date) -> dt.date:
        """A certificate must stay valid until the deployment ends (or today, with no dates given)."""
        return self.end_date or self.start_date or today


@dataclasses.dataclass(frozen=True)
class Criterion:
    name: str
    query: dict
    failure: Callable[[Expert], str | None]  # why the expert fails, or None when it passes
    success: str  # why a passing expert passes


def at(day: dt.date) -> dt.datetime:
    """Dates are stored as midnight datetimes."""
    return dt.datetime(day.year, day.month, day.day)


def overlaps(start: dt.date, end: dt.date | None, other_start: dt.date, other_end: dt.date) -> bool:
    return start <= other_end and (end is None or end >= other_start)


def build_criteria(criteria: SearchCriteria, *, suspended_tenants: set[str], today: dt.date) -> list[Criterion]:
    """The rules in the order an explanation reports the first failure."""
    rules = [_on_roster(criteria, suspended_tenants), _has_function(criteria.function)]
    if criteria.min_readiness == "ready":
        rules.append(_ready(criteria.function, criteria.ready_through(today), today))
    if criteria.min_clearance != "none":
        rules.append(_cleared(criteria.min_clearance))
    if criteria.languages:
        rules.append(_speaks(criteria.function, criteria.languages))
    if criteria.start_date and criteria.end_date:
        rules.append(_available(criteria.start_date, criteria.end_date))
    if criteria.exclude_nationals and criteria.country:
        rules.append(_not_national_of(criteria.country))
    return rules


def mongo_filter(rules: list[Criterion]) -> dict:
    """All rules' conditions in one flat filter (each rule uses fields of its own)."""
    merged: dict = {}
    for rule in rules:
        merged.update(rule.query)
    return merged


def first_failure(rules: list[Criterion], expert: Expert) -> tuple[str, str] | None:
    for rule in rules:
        reason = rule.failure(expert)
        if reason is not None:
            return rule.name, reason
    return None


def _on_roster(criteria: SearchCriteria, suspended_tenants: set[str]) -> Criterion:
    def failure(expert: Expert) -> str | None:
        if expert.status != "active":
            return f"The expert is not active on the roster (status: {expert.status})"
        if expert.tenant in suspended_tenants:
            return "The nominating tenant is suspended"
        if criteria.nominating_tenant and expert.tenant != criteria.nominating_tenant:
            return f"Nominated by {expert.tenant}, not {criteria.nominating_tenant}"
        return None

    tenant: dict = {"$nin": sorted(suspended_tenants)}
    if criteria.nominating_tenant:
        tenant["$eq"] = criteria.nominating_tenant
    return Criterion("on_roster", {"status": "active", "tenant": tenant}, failure,
                     "Active on the roster")


def _has_function(function: str) -> Criterion:
    """The expert offers the function and the roster office vetted it (with the profile, or on its own)."""
    def failure(expert: Expert) -> str | None:
        if function not in expert.function_codes():
            return f"Does not offer the function '{function}'"
        if function in expert.functions_awaiting_vetting:
            return f"Offers the function '{function}', which the roster office has not vetted yet"
        return None

    query = {"functions.code": function, "functions_awaiting_vetting": {"$ne": function}}
    return Criterion("function", query, failure, f"Offers the function '{function}', vetted by the roster office")


def _ready(function: str, through: dt.date, today: dt.date) -> Criterion:
    def failure(expert: Expert) -> str | None:
        if qualifying_certificate(expert, function, through, today) is None:
            return f"No valid certificate qualifies for '{function}' through {through.isoformat()}"
        return None

    query = {"certifications": {"$elemMatch": {
        "status": "valid",
        "qualifies_for": function,
        "$and": [
            {"$or": [{"source": "training"}, {"verified_at": {"$ne": None}}]},
            {"$or": [{"issued_on": None}, {"issued_on": {"$lte": at(today)}}]},
            {"$or": [{"expires_on": None}, {"expires_on": {"$gte": at(through)}}]},
        ],
    }}}
    return Criterion("readiness", query, failure,
                     f"Ready: a valid certificate qualifies for '{function}' through {through.isoformat()}")


def _cleared(min_clearance: str) -> Criterion:
    enough = list(CLEARANCE_LEVELS[rank(CLEARANCE_LEVELS, min_clearance):])

    def failure(expert: Expert) -> str | None:
        return None if expert.clearance_level in enough else \
            f"Security clearance {expert.clearance_level}, below {min_clearance}"

    return Criterion("clearance", {"clearance_level": {"$in": enough}}, failure,
                     f"Security clearance {min_clearance} or higher")


def _speaks(function: str, needs: tuple[LanguageNeed, ...]) -> Criterion:
    def failure(expert: Expert) -> str | None:
        for need in needs:
            level = expert.language_level(need.code)
            if level is None:
                return f"Does not speak '{need.code}'"
            if rank(PROFICIENCY_LEVELS, level) < rank(PROFICIENCY_LEVELS, need.min_level):
                return f"Speaks '{need.code}' at level {level}, below {need.min_level}"
        return None

    query = {"$and": [{"function_languages": {"$in": speaking(function, need)}} for need in needs]}
    return Criterion("languages", query, failure,
                     "Speaks " + ", ".join(f"'{need.code}' at {need.min_level} or better" for need in needs))


def speaking(function: str, need: LanguageNeed) -> list[str]:
    """The `function_languages` keys of experts offering `function` who meet `need`: one per level high enough."""
    return [function_language(function, need.code, level)
            for level in PROFICIENCY_LEVELS[rank(PROFICIENCY_LEVELS, need.min_level):]]


def index_seek(criteria: SearchCriteria) -> dict:
    """The part of a search that one index answers, narrowed the most: active experts offering the function and
    speaking the language asked for at the highest level (if any language is), else all offering the function.

    A search sends it as a `$match` of its own before the whole filter: SecantusDB's planner uses an index only for
    a filter all of whose fields the index holds, and reads every document the index finds (docs/indexes.md).
    """
    if criteria.languages:
        need = max(criteria.languages, key=lambda need: rank(PROFICIENCY_LEVELS, need.min_level))
        return {"status": "active", "function_languages": {"$in": speaking(criteria.function, need)}}
    return {"functions.code": criteria.function, "status": "active"}


def _available(start: dt.date, end: dt.date) -> Criterion:
    def failure(expert: Expert) -> str | None:
        for period in expert.unavailability:
            if overlaps(period.start_date, period.end_date, start, end):
                until = period.end_date.isoformat() if period.end_date else "further notice"
                return f"Unavailable from {period.start_date.isoformat()} until {until}"
        for booking in expert.bookings:
            if overlaps(booking.start_date, booking.end_date, start, end):
                return (f"Already deployed from {booking.start_date.isoformat()} to {booking.end_date.isoformat()}"
                        f" (deployment {booking.deployment_id})")
        return None

    query = {
        "unavailability": {"$not": {"$elemMatch": {
            "start_date": {"$lte": at(end)}, "$or": [{"end_date": None}, {"end_date": {"$gte": at(start)}}]}}},
        "bookings": {"$not": {"$elemMatch": {"start_date": {"$lte": at(end)}, "end_date": {"$gte": at(start)}}}},
    }
    return Criterion("availability", query, failure,
                     f"Available from {start.isoformat()} to {end.isoformat()}")


def _not_national_of(country: str) -> Criterion:
    def failure(expert: Expert) -> str | None:
        return f"A national of {country}, the deployment country" if expert.nationality == country else None

    return Criterion("conflict_of_interest", {"nationality": {"$ne": country}}, failure,
                     f"Not a national of {country}, the deployment country")
