"""Who takes part: leaving a JPA ends access to its cases, its creator always coordinates it, and every tenant
code the service stores names a tenant the gateway created (issue 11, items 1, 2 and 10)."""

import json

import pytest
from bson import ObjectId

from chassis.testing.events import deliver, envelope
from joint_action_service.cases.models import Case, CaseShare
from joint_action_service.subscriptions import subscriptions
from joint_action_service.tests.conftest import TODAY, case_body, item_body, jpa_body

pytestmark = pytest.mark.integration


def total(response) -> int:
    assert response.status_code == 200, response.get_json()
    return json.loads(response.headers["X-Pagination"])["total"]


def fields(response) -> set[str]:
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    return {error["field"] for error in response.get_json()["errors"]}


# --- item 1: leaving a JPA ends access to its cases -------------------------------------------------------------

def test_a_tenant_removed_from_a_jpa_no_longer_reads_or_writes_its_cases(world):
    mys, path = world.mys, world.case_path
    mys.created(path("/items"), item_body("MYS's own lead"))
    assert mys.get(path()).status_code == 200

    response = world.tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN"]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["participating_tenants"] == ["THA", "IDN"]

    for read in (path(), path("/items"), path("/tasks"), path("/persons"), path("/outcomes"),
                 path("/extraditions"), path("/expert-requests"), f"/jpas/{world.jpa_id}",
                 f"/jpas/{world.jpa_id}/dashboard", f"/jpas/{world.jpa_id}/dashboard.csv"):
        assert mys.get(read).status_code == 404, read
    assert mys.post(path("/items"), item_body("MYS writes on")).status_code == 404
    assert mys.post(path("/outcomes"), {"kind": "arrest", "date": TODAY.isoformat()}).status_code == 404
    assert total(mys.get("/cases")) == 0
    assert total(mys.get("/items", query_string={"q": "lead"})) == 0
    # The lead sees that the share ended, and when.
    assert [share["tenant"] for share in world.tha.get(path()).get_json()["shares"]] == ["IDN"]
    actions = [(entry["action"], entry["detail"]) for entry in world.tha.get(
        "/access-log", query_string={"case_id": world.case_id, "page_size": 100}).get_json()]
    assert ("unshare", "MYS: left the JPA") in actions


def test_tasks_of_a_tenant_that_may_no_longer_work_the_case_go_back_to_the_lead(world, caller):
    """Leaving the JPA, losing the share, or keeping it for reading only: the tenant's unfinished tasks return to
    the lead (a task is never left with a tenant that cannot act on it); its finished ones stay its record."""
    path = world.case_path
    open_task = world.tha.created(path("/tasks"), {"title": "Trace the boat", "assigned_tenant": "MYS",
                                                   "assignee": "officer@mys.example.org"})
    done_task = world.tha.created(path("/tasks"), {"title": "Interview the crew", "assigned_tenant": "MYS"})
    assert world.mys.post(path(f"/tasks/{done_task['id']}/transitions"), {"to": "done"}).status_code == 200

    world.tha.put(path("/shares/MYS"), {"permission": "read"})

    def assigned(task) -> tuple:
        shown = world.tha.get(path(f"/tasks/{task['id']}")).get_json()
        return shown["assigned_tenant"], shown.get("assignee")

    assert assigned(open_task) == ("THA", None)
    assert assigned(done_task)[0] == "MYS"

    for leave in (lambda: world.tha.delete(path("/shares/MYS")),
                  lambda: world.tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN"]})):
        world.tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN", "MYS"]})
        world.tha.put(path("/shares/MYS"), {"permission": "contribute"})
        task = world.tha.created(path("/tasks"), {"title": "Check the manifest", "assigned_tenant": "MYS"})
        assert leave().status_code == 200
        assert assigned(task)[0] == "THA"


def test_a_share_left_behind_grants_nothing_to_a_tenant_outside_the_jpa(world):
    """Visibility itself asks for participation: a share that somehow outlived it (written before this rule, or
    by any future path) shows nothing."""
    world.tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN"]})
    Case._get_collection().update_one({"_id": ObjectId(world.case_id)}, {"$push": {
        "shares": CaseShare(tenant="MYS", permission="contribute", shared_at=TODAY, shared_by="x").to_mongo()}})

    assert world.mys.get(world.case_path()).status_code == 404
    assert world.mys.post(world.case_path("/items"), item_body()).status_code == 404
    assert total(world.mys.get("/cases")) == 0


def test_a_tenant_that_rejoins_is_shared_with_again_explicitly(world):
    world.tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN"]})
    world.tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN", "MYS"]})
    assert world.mys.get(world.case_path()).status_code == 404

    world.tha.put(world.case_path("/shares/MYS"), {"permission": "read"})
    assert world.mys.get(world.case_path()).status_code == 200


def test_a_tenant_leading_cases_of_a_jpa_cannot_leave_it(world):
    world.mys.created("/cases", case_body(world.jpa_id, title="MYS leads this one"))

    response = world.tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN"]})
    assert response.status_code == 409
    assert response.get_json()["leading_tenants"] == ["MYS"]
    assert world.tha.get(f"/jpas/{world.jpa_id}").get_json()["participating_tenants"] == ["THA", "IDN", "MYS"]


def test_a_co_coordinator_cannot_remove_the_jpas_creator(caller):
    tha, idn = caller("THA"), caller("IDN")
    jpa = tha.created("/jpas", jpa_body(coordinating_tenants=["IDN"]))
    assert jpa["coordinating_tenants"] == ["THA", "IDN"]

    assert fields(idn.patch(f"/jpas/{jpa['id']}", {"coordinating_tenants": ["IDN"]})) == {"coordinating_tenants"}
    assert fields(idn.patch(f"/jpas/{jpa['id']}", {"coordinating_tenants": ["IDN"], "participating_tenants": []})) \
        == {"coordinating_tenants"}
    assert tha.get(f"/jpas/{jpa['id']}").get_json()["coordinating_tenants"] == ["THA", "IDN"]


# --- item 2: unknown tenant codes are refused, never stored as latent access -------------------------------------

UNKNOWN = "ZG126CAD"


def test_a_code_of_no_existing_tenant_is_refused_wherever_a_tenant_is_stored(world, caller):
    tha, path = world.tha, world.case_path
    assert fields(tha.post("/jpas", jpa_body(participating_tenants=[UNKNOWN]))) == {"participating_tenants.0"}
    assert fields(tha.post("/jpas", jpa_body(coordinating_tenants=[UNKNOWN]))) == {"coordinating_tenants.0"}
    assert fields(tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN", UNKNOWN]})) == {
        "participating_tenants.1"}
    assert fields(tha.post("/cases", case_body(None, shares=[{"tenant": UNKNOWN, "permission": "read"}]))) == {
        "shares.0.tenant"}
    outside_any_jpa = tha.created("/cases", case_body(None))
    response = tha.put(f"/cases/{outside_any_jpa['id']}/shares/{UNKNOWN}", {"permission": "read"})
    assert fields(response) == {"tenant"}
    assert response.get_json()["errors"][0]["location"] == "path"
    assert fields(tha.post(path("/tasks"), {"title": "For nobody", "assigned_tenant": UNKNOWN})) == {"assigned_tenant"}
    assert fields(tha.post(path("/items"), item_body(released_to=[UNKNOWN]))) == {"released_to.0"}
    victim = tha.created(path("/persons"), {"kind": "victim", "full_name": "A. Victim"})
    assert fields(tha.patch(path(f"/persons/{victim['id']}"), {"consent": {
        "recorded_on": TODAY.isoformat(), "scope": [UNKNOWN]}})) == {"consent.scope.0"}
    assert tha.get(f"/tenants/{UNKNOWN}").status_code == 404

    # Once the gateway creates the tenant, the service learns it from the event, and the code is accepted.
    created = envelope("identity.tenant.created", {"tenant": UNKNOWN, "name": "Zeta", "kind": "member_state"},
                       tenant="RSO")
    assert deliver(subscriptions, created) == ["follow_tenant_status"]
    assert tha.get(f"/tenants/{UNKNOWN}").get_json() == {"code": UNKNOWN, "name": "Zeta", "kind": "member_state",
                                                         "suspended": False}
    assert tha.put(f"/cases/{outside_any_jpa['id']}/shares/{UNKNOWN}", {"permission": "read"}).status_code == 200
    assert caller(UNKNOWN).get(f"/cases/{outside_any_jpa['id']}").status_code == 200
