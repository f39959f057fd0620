"""Every route, called by a tenant with no relation, one with a read share and one whose participation ended, finds
nothing it should not and changes nothing of another tenant's (issue 12, ADR 0100)."""

import pytest

from chassis.testing.isolation import assert_finds_nothing, every_response, stored
from joint_action_service.tests.conftest import TODAY, case_body, item_body
from joint_action_service.tests.integration.test_every_endpoint import COLLECTION_CALLS, RECORD_CALLS

pytestmark = pytest.mark.integration

ALL_ROLES = ("case_officer", "jpa_coordinator", "auditor", "tenant_admin")
LOGS = ("outbox", "inbox", "access_log", "access_log_heads")
VICTIM = {"kind": "victim", "full_name": "Ayesha Begum", "date_of_birth": "1999-04-12", "sex": "female",
          "identity_documents": ["BD7788123"], "rescued_on": TODAY.isoformat(),
          "consent": {"recorded_on": TODAY.isoformat(), "scope": ["THA"]}}
# What each caller may see of THA's JPA: IDN reads the shared case; nobody else sees anything of it.
CASE = ["Operation Andaman Sea", "Boat arrivals at Satun", "Recruiters in Cox's Bazar", "MYS's own lead"]
ALWAYS_HIDDEN = ["Ayesha", "BD7788123", "Informant in Satun harbour", "Lead-only probe"]


def _body_for(method: str, rule: str):
    """The valid body of the endpoint's test in test_every_endpoint, so that only access can stop a write."""
    path = (rule.replace("<", "{").replace(">", "}").replace("_id}", "}")
            .replace("{tenant}", "IDN" if method == "DELETE" else "PHL"))
    return next((call.body for call in RECORD_CALLS + COLLECTION_CALLS
                 if (call.method, call.path) == (method, path)), None)


@pytest.fixture
def values(world) -> dict:
    """THA's JPA: a case shared with IDN for reading and with MYS, which then leaves the JPA; an item released to
    nobody, a victim whose consent covers THA only, a lead-only case; one record of every kind."""
    tha, path = world.tha, world.case_path
    world.mys.created(path("/items"), item_body("MYS's own lead"))
    person = tha.created(path("/persons"), VICTIM)
    item = tha.created(path("/items"), item_body("Informant in Satun harbour", handling_code="originator_approval"))
    tha.created("/cases", case_body(world.jpa_id, title="Lead-only probe", handling_code="lead_only"))
    task = tha.get(path("/tasks")).get_json()[0]
    extradition = tha.created(path("/extraditions"), {"requested_state": "MYS"})
    outcome = tha.created(path("/outcomes"), {"kind": "mla_request", "date": TODAY.isoformat(),
                                              "requested_state": "MYS"})
    left = tha.patch(f"/jpas/{world.jpa_id}", {"participating_tenants": ["IDN"]})
    assert left.status_code == 200, left.get_json()
    return {"jpa_id": world.jpa_id, "case_id": world.case_id, "person_id": person["id"], "item_id": item["id"],
            "task_id": task["id"], "extradition_id": extradition["id"], "outcome_id": outcome["id"],
            "case_type": "trafficking_in_persons", "tenant": "PHL"}


@pytest.mark.parametrize(("tenant", "hidden"), [
    ("PHL", ALWAYS_HIDDEN + CASE),  # no relation
    ("IDN", ALWAYS_HIDDEN),  # reads the case through its share
    ("MYS", ALWAYS_HIDDEN + CASE),  # left the JPA
], ids=["no relation", "read share", "participation ended"])
def test_every_route_finds_nothing_it_should_not(app, client, caller, world, values, tenant, hidden):
    visitor = caller(tenant, *ALL_ROLES)
    record_ids = [values[name] for name in ("person_id", "item_id")]
    if tenant != "IDN":
        record_ids += [values[name] for name in ("jpa_id", "case_id", "task_id", "extradition_id", "outcome_id")]
    before = stored(excluding_tenant=tenant, collections_skipped=LOGS)
    calls = assert_finds_nothing(
        every_response(app, client, visitor.headers, values, body_for=_body_for,
                       queries={"/items": [{}, {"q": "Satun"}], "/access-log": [{}, {"format": "csv"}]}),
        hidden, record_ids=record_ids)
    assert calls > 40
    assert stored(excluding_tenant=tenant, collections_skipped=LOGS) == before
