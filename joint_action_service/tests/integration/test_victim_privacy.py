"""Acceptance: a tenant outside a victim's consent never receives the victim's identity, from any endpoint or
export; it sees victims as anonymised counts only."""

import pytest

from chassis.testing.events import emitted
from chassis.testing.isolation import assert_finds_nothing, every_response
from joint_action_service.tests.conftest import TODAY

pytestmark = pytest.mark.integration

IDENTITY = {"full_name": "Ayesha Begum", "aliases": ["Ayu Rahman"], "date_of_birth": "1999-04-12",
            "nationality": "BGD", "identity_documents": ["BD7788123"], "contact_details": "+880 1700 555 123"}
SECRETS = ["Ayesha", "Ayu Rahman", "1999-04-12", "BGD", "BD7788123", "555 123"]
def victim(consent_scope: list[str], **extra) -> dict:
    return {"kind": "victim", **IDENTITY, "sex": "female", "rescued_on": TODAY.isoformat(),
            "referrals": [{"service": "shelter", "referred_on": TODAY.isoformat()}],
            "consent": {"recorded_on": TODAY.isoformat(), "scope": consent_scope}, **extra}


@pytest.fixture
def records(world) -> dict:
    """A victim whose consent covers MYS only, and one record of every other kind, so every path resolves."""
    tha, path = world.tha, world.case_path
    person = tha.created(path("/persons"), victim(["MYS"]))
    tha.created(path("/persons"), {"kind": "suspect", "full_name": "Karim the recruiter", "network_role": "recruiter"})
    item = tha.created(path("/items"), {"title": "Rescue at Satun", "content": "Victims rescued from a boat",
                                        "source_reliability": "A", "information_credibility": "1"})
    task = tha.get(path("/tasks")).get_json()[0]
    extradition = tha.created(path("/extraditions"), {"requested_state": "MYS"})
    mla_request = tha.created(path("/outcomes"), {"kind": "mla_request", "date": TODAY.isoformat(),
                                                  "requested_state": "MYS"})
    tha.created(path("/expert-requests"), {
        "function": "victim_identification", "languages": [{"code": "rhg", "min_level": "professional"}],
        "country": "THA", "start_date": TODAY.isoformat(), "end_date": TODAY.isoformat(),
        "justification": "Interview rescued victims"})
    return {"case_id": world.case_id, "jpa_id": world.jpa_id, "person_id": person["id"], "item_id": item["id"],
            "task_id": task["id"], "extradition_id": extradition["id"],
            "outcome_id": mla_request["id"], "case_type": "trafficking_in_persons",
            "tenant": "IDN"}


def queries(records: dict) -> dict:
    return {"/access-log": [{}, {"format": "csv"}, {"case_id": records["case_id"]}], "/items": [{}, {"q": "Ayesha"}]}


def test_a_tenant_outside_the_consent_never_receives_victim_identity(app, client, world, caller, records):
    """Every route with every method (writes with an empty body), as IDN (reads the case) and PHL (no relation)."""
    outside_callers = [caller("IDN", "case_officer", "jpa_coordinator", "auditor"),
                       caller("PHL", "case_officer", "jpa_coordinator", "auditor")]
    seen = sum(assert_finds_nothing(every_response(app, client, outsider.headers, records, queries=queries(records)),
                                    SECRETS) for outsider in outside_callers)
    assert seen > 60

    people = world.idn.get(world.case_path("/persons")).get_json()
    assert [person["kind"] for person in people["persons"]] == ["suspect"]
    assert people["anonymised_victims"] == {"count": 1, "rescued": 1, "referred": 1}
    assert world.idn.get(world.case_path()).get_json()["counts"]["victims"] == 1
    assert world.idn.get(f"/jpas/{world.jpa_id}/dashboard").get_json()["totals"]["victims_rescued"] == 1

    for envelope in emitted():
        assert not [secret for secret in SECRETS if secret in str(envelope)], envelope["type"]


def test_the_lead_and_the_tenants_the_consent_covers_see_the_identity(world, records):
    for insider in (world.tha, world.mys):
        people = insider.get(world.case_path("/persons")).get_json()
        [victim_seen] = [person for person in people["persons"] if person["kind"] == "victim"]
        assert {field: victim_seen[field] for field in IDENTITY} == IDENTITY
        assert people["anonymised_victims"]["count"] == 0
        person = insider.get(world.case_path(f"/persons/{records['person_id']}"))
        assert person.get_json()["full_name"] == "Ayesha Begum"


def test_withdrawing_consent_hides_the_identity_again(world, records):
    path = world.case_path(f"/persons/{records['person_id']}")
    changed = world.tha.patch(path, {"consent": {"recorded_on": TODAY.isoformat(), "scope": []}})
    assert changed.status_code == 200, changed.get_json()
    assert world.mys.get(path).status_code == 404
    assert world.mys.get(world.case_path("/persons")).get_json()["anonymised_victims"]["count"] == 1
