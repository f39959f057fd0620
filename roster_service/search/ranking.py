"""How matching experts are ordered: better qualified first, ties broken by id so pages are stable.

Points: a qualifying certificate valid through the deployment (20), experience in the function
(2 a year, at most 40, plus 5 for experienced or 10 for senior), and 3 for each proficiency level
above the minimum asked for each language.
"""

from __future__ import annotations

from chassis.vocabulary import PROFICIENCY_LEVELS
from roster_service.search.criteria import SearchCriteria
from roster_service.vocabulary import rank

EXPERIENCE_POINTS = {"junior": 0, "experienced": 5, "senior": 10}
CERTIFICATE_POINTS = 20


def score(criteria: SearchCriteria, *, experience: dict | None, levels: dict[str, str], certified: bool) -> int:
    """`experience` is the expert's entry for the function; `levels` its proficiency per language code."""
    points = CERTIFICATE_POINTS if certified else 0
    if experience is not None:
        points += min(experience["years"], 20) * 2 + EXPERIENCE_POINTS[experience["experience_level"]]
    for need in criteria.languages:
        if need.code in levels:
            points += 3 * max(0, rank(PROFICIENCY_LEVELS, levels[need.code]) - rank(PROFICIENCY_LEVELS, need.min_level))
    return points
