"""Expert profiles: nomination, vetting, who sees what, who changes what, consent withdrawal."""

import pytest

from chassis.testing.events import emitted
from roster_service.deployments.models import Deployment
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration

CONTACT = {"full_name", "email", "phone"}


def test_nominating_an_expert_records_it_and_announces_it(roster, client):
    expert = roster.register("IDN", email="Siti.Rahma@Example.org")
    assert expert["status"] == "nominated" and expert["nominating_tenant"] == "IDN"
    assert expert["email"] == "siti.rahma@example.org"
    assert expert["consent"]["given_on"] == day(-30)
    assert [item["level"] for item in expert["readiness"]] == ["not_ready"]
    [event] = emitted("roster.expert.registered")
    assert event["data"] == {"expert_id": expert["expert_id"], "nominating_tenant": "IDN",
                             "full_name": "Siti Rahma", "email": "siti.rahma@example.org",
                             "user_id": expert["user_id"], "functions": ["border_management"]}
    again = client.post("/experts", json=roster.expert_payload(email="siti.rahma@example.org"),
                        headers=roster.nominator("IDN"))
    assert again.status_code == 409


def test_only_the_roster_office_vets_and_vetting_is_announced(roster):
    expert_id = roster.register("IDN")["expert_id"]
    assert roster.step_expert(expert_id, "vetted", roster.nominator("IDN")).status_code == 403
    assert roster.step_expert(expert_id, "vetted", roster.auth_headers(
        tenant="THA", roles=["roster_manager"])).status_code == 404
    assert roster.step_expert(expert_id, "active", roster.office()).status_code == 409
    vetted = roster.step_expert(expert_id, "vetted", roster.office(), comment="References checked")
    assert vetted.status_code == 200
    assert vetted.get_json()["history"][0]["comment"] == "References checked"
    [event] = emitted("roster.expert.vetted")
    assert event["data"]["expert_id"] == expert_id
    assert roster.step_expert(expert_id, "active", roster.nominator("IDN")).get_json()["status"] == "active"
    illegal = roster.step_expert(expert_id, "nominated", roster.office())
    assert illegal.status_code == 409
    assert illegal.get_json()["allowed_next_states"] == ["inactive", "suspended"]


def test_what_each_caller_sees_of_an_expert(roster, client):
    expert = roster.ready_expert("IDN")
    expert_id = expert["expert_id"]
    own = client.get(f"/experts/{expert_id}", headers=roster.nominator("IDN")).get_json()
    assert own["email"] == expert["email"] and own["certifications"]
    office = client.get(f"/experts/{expert_id}", headers=roster.office(roles=["auditor"])).get_json()
    assert office["email"] == expert["email"]
    person = client.get(f"/experts/{expert_id}", headers=roster.person(expert["user_id"])).get_json()
    assert person["email"] == expert["email"]
    summary = client.get(f"/experts/{expert_id}", headers=roster.requester("THA")).get_json()
    assert not (CONTACT | {"user_id", "certifications", "history"}) & set(summary)
    assert summary["nominating_tenant"] == "IDN" and summary["readiness"][0]["level"] == "ready"
    mine = client.get("/experts/me", headers=roster.person(expert["user_id"])).get_json()
    assert [item["expert_id"] for item in mine] == [expert_id]


def test_a_requesting_state_sees_contact_details_only_after_acceptance(roster, client):
    expert = roster.ready_expert("IDN")
    request_id = roster.request_under_review("THA")["request_id"]
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]
    thailand = roster.requester("THA")

    offered = client.get(f"/deployments/{deployment_id}", headers=thailand).get_json()
    assert offered["expert"]["full_name"] is None and offered["expert"]["email"] is None
    assert not CONTACT & set(client.get(f"/experts/{expert['expert_id']}", headers=thailand).get_json())

    roster.step_deployment(deployment_id, "accepted", roster.person(expert["user_id"]))
    accepted = client.get(f"/deployments/{deployment_id}", headers=thailand).get_json()
    assert accepted["expert"]["email"] == expert["email"]
    card = client.get(f"/experts/{expert['expert_id']}", headers=thailand).get_json()
    assert card["email"] == expert["email"] and "certifications" not in card
    # a third state still sees only the summary
    assert not CONTACT & set(client.get(f"/experts/{expert['expert_id']}", headers=roster.requester("MYS")).get_json())


def test_another_tenant_cannot_read_the_list_or_change_an_expert(roster, client):
    expert = roster.register("IDN")  # nominated: not on the roster yet, so invisible to others
    expert_id = expert["expert_id"]
    other = roster.nominator("THA")
    assert client.get(f"/experts/{expert_id}", headers=other).status_code == 404
    assert client.get("/experts", headers=other).get_json() == []
    assert [item["expert_id"] for item in client.get("/experts", headers=roster.nominator("IDN")).get_json()] == \
        [expert_id]
    assert client.get("/experts", headers=roster.office()).get_json()[0]["expert_id"] == expert_id
    assert client.patch(f"/experts/{expert_id}", json={"phone": "+66 2 000 0000"}, headers=other).status_code == 404
    for path, body in ((f"/experts/{expert_id}/transitions", {"to": "active"}),
                       (f"/experts/{expert_id}/unavailability", {"start_date": day(1)}),
                       (f"/experts/{expert_id}/consent-withdrawal", {}),
                       (f"/experts/{expert_id}/certifications", {
                           "title": "Interpreting", "issuer": "X", "evidence_reference": "doc-1",
                           "issued_on": day(-10), "expires_on": day(100)})):
        assert client.post(path, json=body, headers=other).status_code == 404, path
    assert client.get(f"/experts/{expert_id}/deployments", headers=other).status_code == 404
    # an account of another tenant with the expert's e-mail is not the expert
    impostor = roster.auth_headers(tenant="THA", roles=["expert"], sub="someone", email=expert["email"])
    assert client.get(f"/experts/{expert_id}", headers=impostor).status_code == 404
    unchanged = client.get(f"/experts/{expert_id}", headers=roster.nominator("IDN")).get_json()
    assert unchanged["phone"] == expert["phone"] and unchanged["unavailability"] == []


def test_a_summary_viewer_cannot_change_an_active_expert(roster, client):
    expert = roster.ready_expert("IDN")
    response = client.patch(f"/experts/{expert['expert_id']}", json={"phone": "+66 2 000 0000"},
                            headers=roster.requester("THA"))
    assert response.status_code == 404


def test_the_expert_and_the_nominating_tenant_keep_the_profile_current(roster, client):
    expert = roster.register("IDN")
    expert_id = expert["expert_id"]
    me = roster.person(expert["user_id"])
    updated = client.patch(f"/experts/{expert_id}", json={"languages": [{"code": "rhg", "level": "intermediate"}]},
                           headers=me)
    assert updated.status_code == 200
    assert updated.get_json()["languages"] == [{"code": "rhg", "level": "intermediate"}]
    assert client.patch(f"/experts/{expert_id}", json={"clearance_level": "secret"}, headers=me).status_code == 403
    assert client.patch(f"/experts/{expert_id}", json={"clearance_level": "secret"},
                        headers=roster.nominator("IDN")).get_json()["clearance_level"] == "secret"

    period = client.post(f"/experts/{expert_id}/unavailability", json={"start_date": day(5), "reason": "Leave"},
                         headers=me)
    assert period.status_code == 201 and period.get_json()["end_date"] is None
    period_id = period.get_json()["period_id"]
    assert client.delete(f"/experts/{expert_id}/unavailability/{period_id}", headers=me).status_code == 204
    assert client.get(f"/experts/{expert_id}", headers=me).get_json()["unavailability"] == []


def test_an_external_certificate_counts_once_the_roster_office_verifies_it(roster, client):
    expert = roster.register("IDN")
    expert_id = expert["expert_id"]
    roster.step_expert(expert_id, "vetted", roster.office())
    added = client.post(f"/experts/{expert_id}/certifications", json={
        "title": "Advanced border management", "function": "border_management", "issuer": "Frontex",
        "evidence_reference": "scan-2026-001.pdf", "issued_on": day(-100), "expires_on": day(400)},
        headers=roster.nominator("IDN"))
    assert added.status_code == 201, added.get_json()
    certificate_id = added.get_json()["certificate_id"]
    profile = client.get(f"/experts/{expert_id}", headers=roster.office()).get_json()
    assert profile["readiness"][0]["level"] == "vetted"
    verify = f"/experts/{expert_id}/certifications/{certificate_id}/verification"
    assert client.post(verify, headers=roster.nominator("IDN")).status_code == 403
    assert client.post(verify, headers=roster.office()).status_code == 200
    profile = client.get(f"/experts/{expert_id}", headers=roster.office()).get_json()
    assert profile["readiness"][0]["level"] == "ready"
    assert certificate_id in profile["readiness"][0]["explanation"]


def test_withdrawing_consent_anonymises_the_profile_and_ends_open_offers(roster, client):
    expert = roster.ready_expert("IDN")
    request_id = roster.request_under_review("THA")["request_id"]
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]

    withdrawn = client.post(f"/experts/{expert['expert_id']}/consent-withdrawal", json={},
                            headers=roster.person(expert["user_id"]))
    assert withdrawn.status_code == 200, withdrawn.get_json()
    profile = client.get(f"/experts/{expert['expert_id']}", headers=roster.nominator("IDN")).get_json()
    assert profile["status"] == "anonymised" and profile["full_name"] == "Anonymised expert"
    assert profile["email"] is None and profile["user_id"] is None and profile["languages"] == []
    assert profile["consent"]["withdrawn_on"]
    deployment = Deployment.across_tenants("test").get(id=deployment_id)
    assert deployment.status == "declined" and deployment.expert.email is None
    [event] = emitted("roster.deployment.cancelled")
    assert event["data"]["expert"]["full_name"] is None
    assert client.get("/search", query_string={"function": "border_management", "min_readiness": "vetted"},
                      headers=roster.requester("THA")).get_json() == []
    assert client.patch(f"/experts/{expert['expert_id']}", json={"phone": "+62 1 234 5678"},
                        headers=roster.nominator("IDN")).status_code == 409
