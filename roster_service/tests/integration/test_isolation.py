"""Tenant A cannot read or act on tenant B's requests and deployments; every such call answers 404."""

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def offered(roster):
    """Thailand's request with Indonesia's expert offered."""
    expert = roster.ready_expert("IDN")
    request_id = roster.request_under_review("THA")["request_id"]
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]
    return {"expert": expert, "request_id": request_id, "deployment_id": deployment_id}


def test_another_state_cannot_see_or_act_on_a_request(roster, client, offered):
    request_id = offered["request_id"]
    malaysia = roster.requester("MYS")
    assert client.get(f"/requests/{request_id}", headers=malaysia).status_code == 404
    assert client.get("/requests", headers=malaysia).get_json() == []
    assert client.patch(f"/requests/{request_id}", json={"location": "Penang"}, headers=malaysia).status_code == 404
    assert roster.step_request(request_id, "withdrawn", malaysia).status_code == 404
    assert client.get(f"/requests/{request_id}/candidates", headers=malaysia).status_code == 404
    assert client.get(f"/requests/{request_id}", headers=roster.requester("THA")).get_json()["status"] == "offered"


def test_another_state_cannot_see_or_act_on_a_deployment(roster, client, offered):
    deployment_id = offered["deployment_id"]
    for outsider in (roster.requester("MYS"), roster.nominator("MYS"),
                     roster.auth_headers(tenant="MYS", roles=["expert"], sub="someone-else")):
        assert client.get(f"/deployments/{deployment_id}", headers=outsider).status_code == 404
        assert client.get("/deployments", headers=outsider).get_json() == []
        assert roster.step_deployment(deployment_id, "accepted", outsider).status_code == 404
        assert roster.step_deployment(deployment_id, "cancelled", outsider).status_code == 404
    assert client.get(f"/deployments/{deployment_id}", headers=roster.office()).get_json()["status"] == "offered"


def test_each_side_of_a_deployment_sees_it(roster, client, offered):
    deployment_id = offered["deployment_id"]
    sides = (roster.requester("THA"), roster.nominator("IDN"), roster.person(offered["expert"]["user_id"]),
             roster.office(roles=["auditor"]))
    for headers in sides:
        assert [item["deployment_id"] for item in client.get("/deployments", headers=headers).get_json()] == \
            [deployment_id]


def test_the_requesting_state_cannot_edit_a_submitted_request(roster, client, offered):
    response = client.patch(f"/requests/{offered['request_id']}", json={"location": "Chiang Mai"},
                            headers=roster.requester("THA"))
    assert response.status_code == 409


def test_another_tenant_cannot_read_the_edit_history_or_take_the_offices_steps_on_an_expert(roster, client):
    expert = roster.ready_expert("IDN")
    expert_id = expert["expert_id"]
    nominator = roster.nominator("IDN")
    certificate_id = client.post(f"/experts/{expert_id}/certifications", headers=nominator, json={
        "title": "Interpreting", "function": "border_management", "issuer": "X", "evidence_reference": "doc-1",
        "issued_on": "2025-01-01", "expires_on": "2030-01-01"}).get_json()["certificate_id"]
    client.post(f"/experts/{expert_id}/certifications/{certificate_id}/verification", headers=roster.office())
    client.patch(f"/experts/{expert_id}", headers=nominator, json={"functions": [
        {"code": "border_management", "experience_level": "senior", "years": 8},
        {"code": "age_determination", "experience_level": "junior", "years": 1}]})
    certificate = f"/experts/{expert_id}/certifications/{certificate_id}"
    for outsider in (roster.nominator("MYS"), roster.auth_headers(tenant="MYS", roles=["tenant_admin"])):
        assert client.get(f"/experts/{expert_id}/edits", headers=outsider).status_code == 404
    malaysia = roster.nominator("MYS")  # a roster manager, but not the roster office
    assert client.delete(f"{certificate}/verification", headers=malaysia).status_code == 404
    assert client.post(f"{certificate}/revocation", json={"reason": "x"}, headers=malaysia).status_code == 404
    assert client.post(f"/experts/{expert_id}/functions/age_determination/vetting", json={},
                       headers=malaysia).status_code == 404
    profile = client.get(f"/experts/{expert_id}", headers=roster.office()).get_json()
    [external] = [item for item in profile["certifications"] if item["source"] == "external"]
    assert (external["verified_at"] is not None, external["status"]) == (True, "valid")
    assert profile["functions_awaiting_vetting"] == ["age_determination"]
    assert client.patch(f"/experts/{expert_id}", json={"user_id": "x"}, headers=malaysia).status_code == 404
