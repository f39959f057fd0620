"""The home page: what needs the signed-in person's attention now, read from the services' own APIs.

Each line is one count a service's list answers (its `X-Pagination` total), for the people whose roles make it
their business. The roster's lines lead to the roster's pages (`portal/roster`), the training's to `portal/training`;
the others to the services' API documents until their journeys' pages exist.
"""

from __future__ import annotations

import dataclasses
import json

from flask import url_for
from flask_babel import lazy_gettext as _l

from chassis.vocabulary import PLATFORM_TENANT
from portal import gateway
from portal.sessions import Person


@dataclasses.dataclass(frozen=True)
class Check:
    roles: tuple[str, ...]
    title: object  # a lazy, translated string
    path: str
    params: dict[str, str]
    link: str  # a page's endpoint, or a path (an API document) for journeys without pages yet


@dataclasses.dataclass(frozen=True)
class Attention:
    title: str
    href: str
    count: int | None  # None: the service could not be read just now


ROSTER_OFFICE, MY_REQUESTS, MY_ROSTER = "roster.office", "roster.requests_list", "roster.my_roster"
MY_TRAINING, TRAINING_APPROVALS = "training.mine", "authoring.approvals"
CHECKS = (
    Check(("roster_manager",), _l("Nominated experts to vet"), "/api/roster/experts", {"status": "nominated"},
          ROSTER_OFFICE),
    Check(("roster_manager",), _l("Deployment requests to review"), "/api/roster/requests", {"status": "submitted"},
          ROSTER_OFFICE),
    Check(("requesting_officer",), _l("Your requests with an offer to answer"), "/api/roster/requests",
          {"status": "offered"}, MY_REQUESTS),
    Check(("requesting_officer",), _l("Your requests under review"), "/api/roster/requests",
          {"status": "under_review"}, MY_REQUESTS),
    Check(("requesting_officer",), _l("Your draft requests"), "/api/roster/requests", {"status": "draft"},
          MY_REQUESTS),
    Check(("expert",), _l("Deployment offers waiting for your answer"), "/api/roster/deployments",
          {"status": "offered"}, MY_ROSTER),
    Check(("trainee",), _l("Courses you are enrolled in"), "/api/training/me/enrolments", {"status": "enrolled"},
          MY_TRAINING),
    Check(("trainee",), _l("Your enrolments waiting for approval"), "/api/training/me/enrolments",
          {"status": "pending_approval"}, MY_TRAINING),
    Check(("training_coordinator",), _l("Enrolments waiting for your approval"), "/api/training/enrolments",
          {"status": "pending_approval"}, TRAINING_APPROVALS),
    Check(("case_officer", "jpa_coordinator"), _l("Cases you can work on"), "/api/joint-action/cases", {},
          "joint_action.cases"),
    Check(("case_officer", "jpa_coordinator"), _l("Joint Periods of Action under way"), "/api/joint-action/jpas",
          {"status": "active"}, "joint_action.jpas"),
)


def _count(check: Check) -> int | None:
    response = gateway.get(check.path, params={**check.params, "page": 1, "page_size": 1})
    if not response.ok:
        return None
    paging = response.headers.get("X-Pagination")
    return json.loads(paging)["total"] if paging else len(response.json())


def _href(check: Check, person: Person) -> str:
    if check.link.startswith("/"):
        return check.link
    if check.link == ROSTER_OFFICE and person.tenant != PLATFORM_TENANT:  # a member state's roster manager
        return url_for("roster.nominate")
    if check.link == MY_REQUESTS:
        return url_for(check.link, status=check.params["status"])
    return url_for(check.link)


def attention(person: Person) -> list[Attention]:
    """The counts for `person`'s roles; a service that cannot answer shows as unknown, never as zero."""
    return [Attention(str(check.title), _href(check, person), _count(check))
            for check in CHECKS if person.has_any(*check.roles)]


def training_links(person: Person) -> list[tuple[str, str]]:
    """The training pages `person`'s roles lead to: learning for everyone, authoring and reports by role."""
    links = [(url_for("training.catalogue"), str(_l("Course catalogue"))),
             (url_for("training.mine"), str(_l("Your training and certificates")))]
    if person.has_any("training_coordinator", "trainer"):
        links.append((url_for("authoring.index"), str(_l("Author modules, quizzes and courses"))))
    if person.has_any("training_coordinator"):
        links.append((url_for("authoring.approvals"), str(_l("Enrolment requests to decide"))))
    if person.has_any("training_coordinator", "trainer", "auditor", "tenant_admin", "platform_admin"):
        links.append((url_for("training_reports.index"), str(_l("Training reports"))))
    return links
