"""`roster.expert.erased`: a case's deployments keep the erased expert's function and dates, never the name,
however late the roster's deployment events arrive (docs/adr/0067)."""

import json

import pytest

from chassis.erasure import ERASED_NAME
from chassis.testing.events import deliver, envelope
from joint_action_service.subscriptions import subscriptions
from joint_action_service.tests.integration.test_expert_support import REQUEST, deployment_event, deployments

pytestmark = pytest.mark.integration


def erased(expert_id="exp-42"):
    return envelope("roster.expert.erased", {"expert_id": expert_id, "user_id": None}, tenant="IDN", source="roster")


def test_a_case_no_longer_names_an_erased_expert_and_late_events_bring_no_name_back(world):
    request = world.tha.created(world.case_path("/expert-requests"), REQUEST)
    deliver(subscriptions, deployment_event("roster.deployment.accepted", request))
    deliver(subscriptions, deployment_event("roster.deployment.accepted", request, deployment_id="dep-other"))
    assert {d["expert_name"] for d in deployments(world.tha, world)} == {"Dr Siti Rahayu"}

    assert deliver(subscriptions, erased()) == ["forget_erased_person"]
    deliver(subscriptions, deployment_event("roster.deployment.deployed", request))  # published before, late

    shown = deployments(world.tha, world)
    assert {(d["deployment_id"], d["status"], d["function"], d["expert_name"]) for d in shown} == {
        ("dep-1", "deployed", REQUEST["function"], ERASED_NAME),
        ("dep-other", "accepted", REQUEST["function"], ERASED_NAME)}
    assert "Siti" not in json.dumps(deployments(world.idn, world))
