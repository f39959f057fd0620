"""A case worked jointly: led by one tenant, shared explicitly with others, moving through criminal-justice
milestones from intelligence to conviction."""

from __future__ import annotations

import itertools

import mongoengine as me

from chassis.clock import now
from chassis.tenancy import TenantOwnedDocument
from chassis.workflow import Transition, Workflow
from joint_action_service.vocabulary import CASE_TYPES, CASE_WORKERS, HANDLING_CODES, SHARE_PERMISSIONS

MILESTONES = ("intelligence", "investigation", "arrests", "charged", "prosecution", "convicted", "acquitted")
VERDICTS = ("convicted", "acquitted")
CLOSED = "closed"


def _milestone_steps() -> dict[str, dict[str, tuple[str, ...]]]:
    """Each milestone leads to the next (prosecution to either verdict); any open case may be closed."""
    steps: dict[str, dict[str, tuple[str, ...]]] = {}
    for current, following in itertools.pairwise(MILESTONES[:5]):
        steps[current] = {following: CASE_WORKERS}
    steps["prosecution"] = {verdict: CASE_WORKERS for verdict in VERDICTS}
    for verdict in VERDICTS:
        steps[verdict] = {}
    for targets in steps.values():
        targets[CLOSED] = CASE_WORKERS
    steps[CLOSED] = {}
    return steps


CASE_WORKFLOW = Workflow("case", _milestone_steps())

RESOLUTIONS = ("convicted", "acquitted", "insufficient_evidence", "no_further_action", "merged", "transferred")


class CaseShare(me.EmbeddedDocument):
    tenant = me.StringField(required=True)
    permission = me.StringField(required=True, choices=SHARE_PERMISSIONS)
    shared_at = me.DateTimeField(required=True)
    shared_by = me.StringField(required=True)


class Milestone(me.EmbeddedDocument):
    """A milestone reached: when it happened, in (or recorded by) which tenant, and a note."""

    status = me.StringField(required=True)
    date = me.DateField(required=True)
    tenant = me.StringField(required=True)
    note = me.StringField(max_length=2000)
    recorded_by = me.StringField(required=True)
    recorded_at = me.DateTimeField(required=True)


class Case(TenantOwnedDocument):
    """Owned by its lead tenant; seen by the tenants it is shared with (see visibility.py)."""

    meta = {"collection": "cases", "indexes": ["jpa_id", "shares.tenant", "status"]}

    jpa_id = me.ObjectIdField(null=True)
    case_type = me.StringField(required=True, choices=CASE_TYPES)
    title = me.StringField(required=True, max_length=200)
    summary = me.StringField(max_length=10000)
    handling_code = me.StringField(required=True, choices=HANDLING_CODES)
    status = me.StringField(required=True, default="intelligence", choices=CASE_WORKFLOW.states)
    resolution = me.StringField(choices=RESOLUTIONS)
    shares = me.EmbeddedDocumentListField(CaseShare)
    milestones = me.EmbeddedDocumentListField(Milestone)
    history = me.EmbeddedDocumentListField(Transition)
    created_by = me.StringField(required=True)
    created_at = me.DateTimeField(required=True, default=now)

    @property
    def lead_tenant(self) -> str:
        return self.tenant

    @property
    def participants(self) -> list[str]:
        return [self.tenant, *(share.tenant for share in self.shares)]

    def share_of(self, tenant: str) -> CaseShare | None:
        return next((share for share in self.shares if share.tenant == tenant), None)

    @property
    def opened_on(self):
        """The date of the case's first milestone (`intelligence`)."""
        return self.milestones[0].date if self.milestones else self.created_at.date()

    def reached_on(self, status: str):
        """When the case reached milestone `status`, or None if it has not."""
        return next((milestone.date for milestone in self.milestones if milestone.status == status), None)

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED
