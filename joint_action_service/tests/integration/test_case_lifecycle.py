"""Cases from opening (with template tasks) through milestones to closing; JPAs, shares, tasks, extraditions."""

import pytest

from chassis.testing.events import emitted
from joint_action_service.tests.conftest import TODAY, case_body, item_body, jpa_body

pytestmark = pytest.mark.integration


def mandatory_tasks(caller, world) -> list[dict]:
    return [task for task in caller.get(world.case_path("/tasks")).get_json() if task["mandatory"]]


def close(caller, world, resolution="insufficient_evidence"):
    return caller.post(world.case_path("/milestones"), {"status": "closed", "resolution": resolution})


def test_closing_with_open_mandatory_tasks_answers_409_naming_the_tasks(world):
    open_tasks = mandatory_tasks(world.tha, world)
    assert len(open_tasks) == 3  # from the built-in trafficking template

    refused = close(world.tha, world)
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert sorted(task["title"] for task in body["open_mandatory_tasks"]) == sorted(t["title"] for t in open_tasks)
    assert all(task["title"] in body["detail"] for task in open_tasks)
    assert world.tha.get(world.case_path()).get_json()["status"] == "intelligence"
    assert emitted("joint_action.case.closed") == []

    for task in open_tasks:
        done = world.tha.post(world.case_path(f"/tasks/{task['id']}/transitions"), {"to": "done"})
        assert done.status_code == 200, done.get_json()
    closed = close(world.tha, world)
    assert closed.status_code == 200, closed.get_json()
    assert (closed.get_json()["status"], closed.get_json()["resolution"]) == ("closed", "insufficient_evidence")
    [event] = emitted("joint_action.case.closed")
    assert event["data"]["resolution"] == "insufficient_evidence"
    assert world.mys.post(world.case_path("/items"), item_body()).status_code == 409  # a closed case takes nothing more


def test_closing_needs_a_resolution_that_fits_the_verdict(world):
    response = world.tha.post(world.case_path("/milestones"), {"status": "closed"})
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == ["resolution"]
    assert close(world.tha, world, resolution="convicted").status_code == 422


def test_only_the_lead_closes_and_cancels_mandatory_tasks(world):
    assert close(world.mys, world).status_code == 403
    task = mandatory_tasks(world.tha, world)[0]
    reassigned = world.tha.patch(world.case_path(f"/tasks/{task['id']}"), {"assigned_tenant": "MYS"})
    assert reassigned.status_code == 200, reassigned.get_json()
    cancel = world.mys.post(world.case_path(f"/tasks/{task['id']}/transitions"), {"to": "cancelled"})
    assert cancel.status_code == 403
    assert world.mys.post(world.case_path(f"/tasks/{task['id']}/transitions"), {"to": "done"}).status_code == 200
    assert world.idn.post(world.case_path(f"/tasks/{task['id']}/comments"), {"text": "hi"}).status_code == 403


def test_an_illegal_milestone_answers_409_with_the_allowed_next_states(world):
    response = world.tha.post(world.case_path("/milestones"), {"status": "charged"})
    assert response.status_code == 409
    body = response.get_json()
    assert (body["current_state"], body["allowed_next_states"]) == ("intelligence", ["closed", "investigation"])


def test_a_milestone_cannot_predate_the_previous_one(world):
    response = world.tha.post(world.case_path("/milestones"), {"status": "investigation", "date": "2000-01-01"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "date"


def test_a_tenants_own_template_gives_its_new_cases_their_tasks(world, caller):
    template = {"tasks": [{"title": "Brief the coast guard", "mandatory": True, "due_in_days": 3},
                          {"title": "Check vessel registry"}]}
    assert world.tha.put("/case-templates/people_smuggling", template).status_code == 200
    tha_case = world.tha.created("/cases", case_body(None, case_type="people_smuggling"))
    tasks = world.tha.get(f"/cases/{tha_case['id']}/tasks").get_json()
    assert [(task["title"], task["mandatory"]) for task in tasks] == [
        ("Brief the coast guard", True), ("Check vessel registry", False)]
    assert tasks[0]["due_date"] > TODAY.isoformat()

    mys_case = world.mys.created("/cases", case_body(None, case_type="people_smuggling"))
    mys_titles = [task["title"] for task in world.mys.get(f"/cases/{mys_case['id']}/tasks").get_json()]
    assert "Brief the coast guard" not in mys_titles and mys_titles
    assert world.tha.delete("/case-templates/people_smuggling").get_json()["source"] == "default"


def test_a_jpa_runs_planning_active_closed_and_takes_no_cases_once_closed(caller):
    coordinator, other = caller("AUS", "jpa_coordinator", "case_officer"), caller("NZL", "jpa_coordinator")
    jpa = coordinator.created("/jpas", jpa_body(participating_tenants=["NZL"]))
    assert (jpa["status"], jpa["coordinating_tenants"], jpa["participating_tenants"]) == (
        "planning", ["AUS"], ["AUS", "NZL"])
    assert other.post(f"/jpas/{jpa['id']}/transitions", {"to": "active"}).status_code == 403
    assert coordinator.post(f"/jpas/{jpa['id']}/transitions", {"to": "active"}).status_code == 200
    assert coordinator.post(f"/jpas/{jpa['id']}/transitions", {"to": "planning"}).get_json()[
        "allowed_next_states"] == ["closed"]
    assert coordinator.post(f"/jpas/{jpa['id']}/transitions", {"to": "closed"}).status_code == 200
    assert [event["type"] for event in emitted() if event["type"].startswith("joint_action.jpa")] == [
        "joint_action.jpa.opened", "joint_action.jpa.closed"]
    assert coordinator.post("/cases", case_body(jpa["id"])).status_code == 409
    assert coordinator.patch(f"/jpas/{jpa['id']}", {"name": "Renamed"}).status_code == 409


def test_a_case_is_shared_only_within_its_jpa_and_never_when_lead_only(world, caller):
    assert world.tha.put(world.case_path("/shares/PHL"), {"permission": "read"}).status_code == 422
    lead_only = world.tha.created("/cases", case_body(world.jpa_id, handling_code="lead_only"))
    assert world.tha.put(f"/cases/{lead_only['id']}/shares/IDN", {"permission": "read"}).status_code == 409
    assert world.idn.get(f"/cases/{lead_only['id']}").status_code == 404
    making_lead_only = world.tha.patch(world.case_path(), {"handling_code": "lead_only"})
    assert making_lead_only.status_code == 409


def test_revoking_a_share_hides_the_case_and_its_records(world):
    world.tha.created(world.case_path("/items"), item_body())
    assert world.tha.put(world.case_path("/shares/IDN"), {"permission": "contribute"}).status_code == 200
    assert [e["data"]["permission"] for e in emitted("joint_action.case.shared") if e["data"]["tenant"] == "IDN"] \
        == ["read", "contribute"]
    assert world.tha.delete(world.case_path("/shares/IDN")).status_code == 200
    assert world.idn.get(world.case_path()).status_code == 404
    assert world.idn.get("/items").get_json() == []
    assert world.idn.get(f"/jpas/{world.jpa_id}/dashboard").get_json()["cases"] == 0


def test_an_extradition_request_runs_its_own_lifecycle(world):
    suspect = world.tha.created(world.case_path("/persons"), {"kind": "suspect", "full_name": "Sarawut",
                                                              "network_role": "transporter"})
    request = world.tha.created(world.case_path("/extraditions"), {"person_id": suspect["id"],
                                                                   "requested_state": "MYS"})
    path = world.case_path(f"/extraditions/{request['id']}/transitions")
    assert world.tha.post(path, {"to": "granted"}).get_json()["allowed_next_states"] == ["sent"]
    for step, caller in (("sent", world.tha), ("received", world.mys), ("granted", world.mys),
                         ("executed", world.tha)):
        response = caller.post(path, {"to": step})
        assert response.status_code == 200, response.get_json()
    assert response.get_json()["allowed_next_states"] == []
    totals = world.idn.get(f"/jpas/{world.jpa_id}/dashboard").get_json()["totals"]
    assert (totals["extradition_requests"], totals["extraditions_executed"]) == (1, 1)
