"""The roster's lifecycles: who (in which capacity) may move an expert, a request or a deployment where.

Capacities, not bare roles, guard each step (see `roster_service.access`). States reached only as a
consequence of the deployments of a request (offered, accepted, deployed, completed) name the
capacity of whoever took the deployment step that caused them.
"""

from __future__ import annotations

from chassis.workflow import Workflow
from roster_service.access import NOMINATING_TENANT, REQUESTING_TENANT, ROSTER_OFFICE, THE_EXPERT

EXPERT_SIDE = {ROSTER_OFFICE, NOMINATING_TENANT, THE_EXPERT}

EXPERT_LIFECYCLE = Workflow("expert", {
    "nominated": {"vetted": {ROSTER_OFFICE}, "suspended": {ROSTER_OFFICE}},
    "vetted": {"active": EXPERT_SIDE, "suspended": {ROSTER_OFFICE}},
    "active": {"inactive": EXPERT_SIDE, "suspended": {ROSTER_OFFICE}},
    "inactive": {"active": EXPERT_SIDE, "suspended": {ROSTER_OFFICE}},
    "suspended": {"vetted": {ROSTER_OFFICE}},
    "anonymised": {},  # reached only by withdrawing consent
})

EVERY_DEPLOYMENT_ACTOR = {ROSTER_OFFICE, REQUESTING_TENANT, NOMINATING_TENANT, THE_EXPERT}

REQUEST_WORKFLOW = Workflow("deployment request", {
    "draft": {"submitted": {REQUESTING_TENANT}, "withdrawn": {REQUESTING_TENANT}},
    "submitted": {"under_review": {ROSTER_OFFICE}, "rejected": {ROSTER_OFFICE}, "withdrawn": {REQUESTING_TENANT}},
    "under_review": {"offered": {ROSTER_OFFICE}, "rejected": {ROSTER_OFFICE}, "withdrawn": {REQUESTING_TENANT}},
    "offered": {"accepted": EVERY_DEPLOYMENT_ACTOR, "under_review": EVERY_DEPLOYMENT_ACTOR,
                "withdrawn": {REQUESTING_TENANT}, "cancelled": {ROSTER_OFFICE, REQUESTING_TENANT}},
    "accepted": {"deployed": EVERY_DEPLOYMENT_ACTOR, "offered": EVERY_DEPLOYMENT_ACTOR,
                 "under_review": EVERY_DEPLOYMENT_ACTOR, "cancelled": {ROSTER_OFFICE, REQUESTING_TENANT}},
    "deployed": {"completed": EVERY_DEPLOYMENT_ACTOR, "cancelled": {ROSTER_OFFICE, REQUESTING_TENANT}},
    "completed": {},
    "rejected": {},
    "withdrawn": {},
    "cancelled": {},
})
# Steps a caller asks for on a request itself; the others follow from its deployments.
REQUEST_STEPS_BY_HAND = ("submitted", "under_review", "rejected", "withdrawn", "cancelled")

DEPLOYMENT_WORKFLOW = Workflow("deployment", {
    "offered": {"accepted": {THE_EXPERT, NOMINATING_TENANT}, "declined": {THE_EXPERT, NOMINATING_TENANT},
                "cancelled": {ROSTER_OFFICE, REQUESTING_TENANT}},
    "accepted": {"deployed": {ROSTER_OFFICE, REQUESTING_TENANT},
                 "cancelled": {ROSTER_OFFICE, REQUESTING_TENANT, NOMINATING_TENANT, THE_EXPERT}},
    "deployed": {"completed": {ROSTER_OFFICE, REQUESTING_TENANT}, "cancelled": {ROSTER_OFFICE, REQUESTING_TENANT}},
    "completed": {},
    "declined": {},
    "cancelled": {},
})
LIVE_DEPLOYMENT_STATES = ("offered", "accepted", "deployed")
BOOKED_DEPLOYMENT_STATES = ("accepted", "deployed", "completed")

