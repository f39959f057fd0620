"""How matching experts are ordered: better qualified first, ties broken by id so pages are stable.

Points, each from one rule below: a qualifying certificate valid through the deployment (`certificate`,
20), experience in the function (`experience_years`, 2 a year, at most 40; `experience_level`, 5 for
experienced or 10 for senior), and 3 for each proficiency level above the minimum asked for each language
(`language_proficiency`). A match's score is the sum of its parts, and each part says the rule it came
from, so a requester can see why one expert ranks above another.
"""

from __future__ import annotations

import dataclasses

from chassis.vocabulary import PROFICIENCY_LEVELS
from roster_service.search.criteria import SearchCriteria
from roster_service.vocabulary import rank

CERTIFICATE_POINTS = 20
POINTS_PER_YEAR = 2
MAX_YEARS_COUNTED = 20
EXPERIENCE_POINTS = {"junior": 0, "experienced": 5, "senior": 10}
POINTS_PER_LEVEL_ABOVE_MINIMUM = 3


@dataclasses.dataclass(frozen=True)
class ScorePart:
    rule: str
    points: int
    explanation: str


def score_parts(criteria: SearchCriteria, *, experience: dict | None, levels: dict[str, str],
                certified: bool) -> list[ScorePart]:
    """The parts of a match's score, one per rule that gives points (parts worth nothing are listed too).

    `experience` is the expert's entry for the function; `levels` its proficiency per language code.
    """
    parts = [ScorePart("certificate", CERTIFICATE_POINTS if certified else 0,
                       f"{CERTIFICATE_POINTS} points for a certificate qualifying for '{criteria.function}' "
                       f"valid through the need" if certified
                       else f"No certificate qualifying for '{criteria.function}' valid through the need: 0 points")]
    if experience is not None:
        years = experience["years"]
        counted = min(years, MAX_YEARS_COUNTED)
        parts.append(ScorePart("experience_years", counted * POINTS_PER_YEAR,
                               f"{years} years in '{criteria.function}': {POINTS_PER_YEAR} points a year, "
                               f"at most {MAX_YEARS_COUNTED} years counted"))
        level = experience["experience_level"]
        parts.append(ScorePart("experience_level", EXPERIENCE_POINTS[level],
                               f"Experience level {level}: {EXPERIENCE_POINTS[level]} points "
                               "(experienced 5, senior 10)"))
    for need in criteria.languages:
        if need.code in levels:
            above = max(0, rank(PROFICIENCY_LEVELS, levels[need.code]) - rank(PROFICIENCY_LEVELS, need.min_level))
            parts.append(ScorePart("language_proficiency", above * POINTS_PER_LEVEL_ABOVE_MINIMUM,
                                   f"Speaks '{need.code}' at {levels[need.code]}, {above} level(s) above "
                                   f"{need.min_level}: {POINTS_PER_LEVEL_ABOVE_MINIMUM} points a level"))
    return parts


def score(parts: list[ScorePart]) -> int:
    return sum(part.points for part in parts)


class Ranker:
    """Score parts for one search. Experts with the same inputs (years and level in the function, levels of
    the languages asked for, certified or not) share one list of parts, worked out once: a search ranking
    thousands of matches then costs a lookup per expert, not a list of explained parts each."""

    def __init__(self, criteria: SearchCriteria):
        self.criteria = criteria
        self._known: dict[tuple, tuple[int, list[ScorePart]]] = {}

    def rank(self, *, experience: dict | None, levels: dict[str, str], certified: bool) -> tuple[int, list[ScorePart]]:
        """The score and its parts."""
        key = (experience and (experience["years"], experience["experience_level"]),
               tuple(levels.get(need.code) for need in self.criteria.languages), certified)
        known = self._known.get(key)
        if known is None:
            parts = score_parts(self.criteria, experience=experience, levels=levels, certified=certified)
            known = self._known[key] = (score(parts), parts)
        return known
