"""The steps the notification service tells people about leave through the outbox with the change: a task
assigned, an item released to more participants, an expert deployed on a case. They carry ids, tenants and
dates, never a task's text, an item's content or the expert's name."""

import pytest

from chassis.testing.events import deliver, emitted, envelope
from joint_action_service.subscriptions import subscriptions
from joint_action_service.tests.conftest import TODAY, item_body

pytestmark = pytest.mark.integration


def test_a_task_added_or_reassigned_is_published_and_other_changes_are_not(world):
    task = world.tha.created(world.case_path("/tasks"), {"title": "Interview the skipper", "assigned_tenant": "MYS",
                                                         "assignee": "mys-officer", "due_date": TODAY.isoformat()})
    task_path = world.case_path(f"/tasks/{task['id']}")
    assert world.tha.patch(task_path, {"description": "Use an interpreter"}).status_code == 200
    assert world.tha.patch(task_path, {"assignee": "mys-analyst@example.org"}).status_code == 200

    case = {"case_id": world.case_id, "jpa_id": world.jpa_id, "lead_tenant": "THA", "task_id": task["id"],
            "assigned_tenant": "MYS", "due_date": TODAY.isoformat(), "mandatory": False}
    assert [(event["tenantid"], event["data"]) for event in emitted("joint_action.task.assigned")] == [
        ("THA", {**case, "assignee": "mys-officer"}), ("THA", {**case, "assignee": "mys-analyst@example.org"})]
    assert "Interview" not in str(emitted("joint_action.task.assigned"))


def test_an_item_released_names_the_tenants_newly_released_to_and_not_its_content(world):
    items = world.case_path("/items")
    world.mys.created(items, item_body("For every participant"))
    secret = world.mys.created(items, item_body("Informant in Langkawi", handling_code="originator_approval"))
    world.mys.created(world.case_path(f"/items/{secret['id']}/releases"), {"tenants": ["THA"]})
    world.mys.created(world.case_path(f"/items/{secret['id']}/releases"), {"tenants": ["THA", "IDN"]})

    released = emitted("joint_action.item.released")
    assert [event["data"]["tenants"] for event in released] == [["THA", "IDN"], ["THA"], ["IDN"]]
    assert {(event["data"]["originator_tenant"], event["data"]["lead_tenant"]) for event in released} == {
        ("MYS", "THA")}
    assert "Langkawi" not in str(released) and "participant" not in str(released)


def test_an_expert_deployed_on_a_case_is_published_once_without_the_experts_name(world):
    request = world.mys.created(world.case_path("/expert-requests"), {
        "function": "victim_identification", "languages": [], "country": "THA", "location": "Satun",
        "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(), "number_of_experts": 1,
        "justification": "Identify victims"})
    data = {"deployment_id": "dep-9", "request_id": "roster-9", "case_id": world.case_id,
            "expert_request_id": request["id"], "requesting_tenant": "MYS", "function": "victim_identification",
            "country": "THA", "location": "Satun", "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(),
            "expert": {"expert_id": "exp-9", "full_name": "Dr Siti Rahayu", "email": "siti@example.org",
                       "user_id": None, "nominating_tenant": "IDN"}}
    for step in ("accepted", "deployed", "deployed", "completed"):
        deliver(subscriptions, envelope(f"roster.deployment.{step}", {**data, "status": step}, tenant="RSO"))

    [deployed] = emitted("joint_action.case.expert_deployed")
    assert (deployed["tenantid"], deployed["data"]) == ("THA", {
        "case_id": world.case_id, "jpa_id": world.jpa_id, "lead_tenant": "THA", "requesting_tenant": "MYS",
        "deployment_id": "dep-9", "function": "victim_identification", "country": "THA",
        "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat()})
    assert "Siti" not in str(deployed)
