"""Functions declared after vetting wait for the roster office's vetting (issue #11, item 5)."""

import pytest

pytestmark = pytest.mark.integration

BORDER = {"code": "border_management", "experience_level": "senior", "years": 8}
ADDED = {"code": "language_document_analysis", "experience_level": "senior", "years": 20}


def readiness_of(client, headers, expert_id, function):
    profile = client.get(f"/experts/{expert_id}", headers=headers).get_json()
    return next(entry for entry in profile["readiness"] if entry["function"] == function)


def found_by_search(client, headers, expert_id, function) -> bool:
    found = client.get("/search", query_string={"function": function, "min_readiness": "vetted"}, headers=headers)
    assert found.status_code == 200, found.get_json()
    return expert_id in [match["expert_id"] for match in found.get_json()]


def test_a_function_an_expert_adds_to_a_vetted_profile_counts_only_once_the_office_vets_it(roster, client):
    expert = roster.ready_expert("IDN")
    expert_id = expert["expert_id"]
    me, requester, office = roster.person(expert["user_id"]), roster.requester("THA"), roster.office()
    roster.certify(expert, "language_document_analysis")

    added = client.patch(f"/experts/{expert_id}", json={"functions": [BORDER, ADDED]}, headers=me)
    assert added.status_code == 200, added.get_json()
    assert [item["code"] for item in added.get_json()["functions"]] == ["border_management",
                                                                         "language_document_analysis"]
    assert added.get_json()["functions_awaiting_vetting"] == ["language_document_analysis"]
    pending = readiness_of(client, office, expert_id, "language_document_analysis")
    assert pending["level"] == "not_ready" and "not vetted" in pending["explanation"]
    assert readiness_of(client, office, expert_id, "border_management")["level"] == "ready"
    assert not found_by_search(client, requester, expert_id, "language_document_analysis")
    assert found_by_search(client, requester, expert_id, "border_management")
    explained = client.get(f"/search/explanations/{expert_id}", query_string={"function": "language_document_analysis"},
                           headers=requester).get_json()
    assert explained["first_failure"]["criterion"] == "function"
    assert "not vetted" in explained["first_failure"]["reason"]
    report = client.get("/reports/coverage", headers=office).get_json()
    assert {row["function"]: row["ready_experts"] for row in report["functions"]}["language_document_analysis"] == 0

    vetting = f"/experts/{expert_id}/functions/language_document_analysis/vetting"
    assert client.post(vetting, json={}, headers=me).status_code == 403
    assert client.post(vetting, json={}, headers=roster.nominator("IDN")).status_code == 403
    vetted = client.post(vetting, json={"comment": "Twenty years at the document fraud unit"}, headers=office)
    assert vetted.status_code == 200, vetted.get_json()
    assert readiness_of(client, office, expert_id, "language_document_analysis")["level"] == "ready"
    assert found_by_search(client, requester, expert_id, "language_document_analysis")
    assert client.post(vetting, json={}, headers=office).status_code == 409
    edits = client.get(f"/experts/{expert_id}/edits", headers=me).get_json()
    assert [(edit["action"], edit["actor"]) for edit in edits] == [
        ("function_vetted", "rso-officer"), ("profile_updated", expert["user_id"])]
    assert edits[0]["comment"] == "Twenty years at the document fraud unit"


def test_the_nominating_tenant_adding_a_function_after_vetting_needs_the_office_too(roster, client):
    expert = roster.ready_expert("IDN")
    added = client.patch(f"/experts/{expert['expert_id']}", json={"functions": [BORDER, ADDED]},
                         headers=roster.nominator("IDN"))
    assert added.get_json()["functions_awaiting_vetting"] == ["language_document_analysis"]
    # editing the experience of a function keeps its vetting; dropping and adding it again does not
    edited = client.patch(f"/experts/{expert['expert_id']}", json={"functions": [{**BORDER, "years": 9}, ADDED]},
                          headers=roster.nominator("IDN")).get_json()
    assert edited["functions_awaiting_vetting"] == ["language_document_analysis"]
    dropped = client.patch(f"/experts/{expert['expert_id']}", json={"functions": [BORDER]},
                           headers=roster.nominator("IDN")).get_json()
    assert dropped["functions_awaiting_vetting"] == []


def test_vetting_the_profile_vets_every_function_it_lists(roster, client):
    expert = roster.register("IDN")  # not vetted yet: what it lists is vetted with it
    expert_id = expert["expert_id"]
    added = client.patch(f"/experts/{expert_id}", json={"functions": [BORDER, ADDED]},
                         headers=roster.person(expert["user_id"])).get_json()
    assert added["functions_awaiting_vetting"] == []
    roster.step_expert(expert_id, "vetted", roster.office())
    roster.step_expert(expert_id, "active", roster.nominator("IDN"))
    assert found_by_search(client, roster.requester("THA"), expert_id, "language_document_analysis")

    # a suspended expert's new function waits; vetting the profile again vets it
    roster.step_expert(expert_id, "suspended", roster.office())
    more = [BORDER, ADDED, {"code": "interview_techniques", "experience_level": "junior", "years": 1}]
    pending = client.patch(f"/experts/{expert_id}", json={"functions": more}, headers=roster.nominator("IDN"))
    assert pending.get_json()["functions_awaiting_vetting"] == ["interview_techniques"]
    revetted = roster.step_expert(expert_id, "vetted", roster.office()).get_json()
    assert revetted["functions_awaiting_vetting"] == []
    assert (revetted["history"][-1]["from_state"], revetted["history"][-1]["to_state"]) == ("suspended", "vetted")
