"""Rules of the roster that did not hold (issue #11, item 7): future certificates, deployments before they
start, the profile's edit history, ranking reasons, clearance, coverage gaps, CSV reports, and the office
taking back a verification."""

import csv
import io

import pytest

from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration

EXTERNAL = {"title": "Advanced border management", "function": "border_management", "issuer": "Frontex",
            "evidence_reference": "scan-2026-001.pdf", "issued_on": day(-100), "expires_on": day(400)}


def readiness_of(client, headers, expert_id, function="border_management"):
    profile = client.get(f"/experts/{expert_id}", headers=headers).get_json()
    return next(entry for entry in profile["readiness"] if entry["function"] == function)


def search_ids(client, headers, **query) -> list[str]:
    response = client.get("/search", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return [match["expert_id"] for match in response.get_json()]


def vetted_and_active(roster, tenant="IDN", **overrides):
    expert = roster.register(tenant, **overrides)
    roster.step_expert(expert["expert_id"], "vetted", roster.office())
    roster.step_expert(expert["expert_id"], "active", roster.nominator(tenant))
    return expert


def test_a_certificate_dated_in_the_future_does_not_make_anyone_ready(roster, client):
    expert = vetted_and_active(roster)
    roster.certify(expert, "border_management", issued_on=day(5))
    assert readiness_of(client, roster.office(), expert["expert_id"])["level"] == "vetted"
    assert expert["expert_id"] not in search_ids(client, roster.requester("THA"), function="border_management")
    refused = client.post(f"/experts/{expert['expert_id']}/certifications", json={**EXTERNAL, "issued_on": day(1)},
                          headers=roster.nominator("IDN"))
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "issued_on"


def test_a_deployment_is_deployed_and_completed_only_from_its_start_date(roster, client):
    expert = roster.ready_expert("IDN")
    request_id = roster.request_under_review("THA", start_date=day(3), end_date=day(10))["request_id"]
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]
    roster.step_deployment(deployment_id, "accepted", roster.person(expert["user_id"]))
    early = roster.step_deployment(deployment_id, "deployed", roster.requester("THA"))
    assert early.status_code == 409 and early.mimetype == "application/problem+json"
    assert day(3) in early.get_json()["detail"] and early.get_json()["allowed_next_states"] == ["cancelled"]
    assert client.get(f"/deployments/{deployment_id}", headers=roster.office()).get_json()["status"] == "accepted"

    today = roster.request_under_review("THA", start_date=day(0), end_date=day(10), location="Satun")
    other = roster.ready_expert("IDN")
    deployment_id = roster.offer(today["request_id"], other["expert_id"]).get_json()["deployment_id"]
    roster.step_deployment(deployment_id, "accepted", roster.nominator("IDN"))
    assert roster.step_deployment(deployment_id, "deployed", roster.requester("THA")).status_code == 200


def test_profile_edits_are_kept_with_who_when_and_what_for_those_who_read_the_profile(roster, client):
    expert = roster.register("IDN")
    expert_id = expert["expert_id"]
    me = roster.person(expert["user_id"])
    client.patch(f"/experts/{expert_id}", json={"phone": "+62 21 555 0199", "full_name": "Siti Rahma"}, headers=me)
    client.patch(f"/experts/{expert_id}", json={"clearance_level": "secret"}, headers=roster.nominator("IDN"))
    period = client.post(f"/experts/{expert_id}/unavailability", json={"start_date": day(5)}, headers=me).get_json()

    edits = client.get(f"/experts/{expert_id}/edits", headers=roster.nominator("IDN"))
    assert edits.status_code == 200
    newest, clearance, phone = edits.get_json()
    assert (phone["action"], phone["actor"], phone["actor_tenant"], phone["changes"]) == (
        "profile_updated", expert["user_id"], "IDN",
        [{"field": "phone", "old": "+62 21 555 0100", "new": "+62 21 555 0199"}])  # an unchanged name is no change
    assert phone["at"] and clearance["changes"] == [{"field": "clearance_level", "old": "restricted", "new": "secret"}]
    assert newest["action"] == "unavailability_added"
    assert newest["changes"][0]["new"]["start_date"] == day(5) and period["period_id"] in newest["changes"][0]["field"]
    assert len(client.get(f"/experts/{expert_id}/edits", headers=roster.office(roles=["auditor"])).get_json()) == 3
    for outsider in (roster.nominator("THA"), roster.requester("THA")):
        assert client.get(f"/experts/{expert_id}/edits", headers=outsider).status_code == 404

    client.post(f"/experts/{expert_id}/consent-withdrawal", json={}, headers=me)
    erased = client.get(f"/experts/{expert_id}/edits", headers=roster.nominator("IDN")).get_json()
    assert len(erased) == 3 and all(change["old"] is None and change["new"] is None
                                    for edit in erased for change in edit["changes"])


def test_the_score_is_the_sum_of_parts_each_naming_its_rule(roster, client):
    expert = vetted_and_active(roster, functions=[{"code": "border_management", "experience_level": "senior",
                                                   "years": 25}])
    roster.certify(expert, "border_management")
    [match] = client.get("/search", query_string={"function": "border_management", "language": "en:intermediate"},
                         headers=roster.requester("THA")).get_json()
    assert match["expert_id"] == expert["expert_id"]
    parts = {part["rule"]: part for part in match["score_parts"]}
    assert {rule: part["points"] for rule, part in parts.items()} == {
        "certificate": 20, "experience_years": 40, "experience_level": 10, "language_proficiency": 3}
    assert sum(part["points"] for part in match["score_parts"]) == match["score"] == 73
    assert "25 years" in parts["experience_years"]["explanation"]
    assert "at most 20 years" in parts["experience_years"]["explanation"]
    assert "professional" in parts["language_proficiency"]["explanation"]


def test_clearance_narrows_searches_and_requests(roster, client):
    secret = roster.ready_expert("IDN", clearance_level="secret")
    restricted = roster.ready_expert("IDN", clearance_level="restricted")
    requester = roster.requester("THA")
    assert set(search_ids(client, requester, function="border_management")) == \
        {secret["expert_id"], restricted["expert_id"]}
    assert search_ids(client, requester, function="border_management", min_clearance="confidential") == \
        [secret["expert_id"]]
    explained = client.get(f"/search/explanations/{restricted['expert_id']}", headers=requester, query_string={
        "function": "border_management", "min_clearance": "secret"}).get_json()
    assert explained["first_failure"] == {"criterion": "clearance",
                                          "reason": "Security clearance restricted, below secret"}
    bad = client.get("/search", query_string={"function": "border_management", "min_clearance": "top"},
                     headers=requester)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "min_clearance"

    request = roster.request_under_review("THA", min_clearance="secret")
    assert request["min_clearance"] == "secret"
    candidates = client.get(f"/requests/{request['request_id']}/candidates", headers=roster.office()).get_json()
    assert [candidate["expert_id"] for candidate in candidates] == [secret["expert_id"]]
    refused = roster.offer(request["request_id"], restricted["expert_id"])
    assert refused.status_code == 409 and refused.get_json()["first_failure"]["criterion"] == "clearance"


def test_the_coverage_report_shows_the_functions_nobody_is_ready_for(roster, client):
    roster.ready_expert("IDN")
    rows = {row["function"]: row["ready_experts"]
            for row in client.get("/reports/coverage", headers=roster.office()).get_json()["functions"]}
    functions = [function["code"] for function in client.get("/functions", headers=roster.office()).get_json()]
    assert sorted(rows) == sorted(functions)
    assert rows["border_management"] == 1 and rows["age_determination"] == 0


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_reports_download_as_csv(roster, client):
    expert = roster.ready_expert("IDN")
    request = roster.request_under_review("THA", start_date=day(10), end_date=day(20))
    deployment_id = roster.offer(request["request_id"], expert["expert_id"]).get_json()["deployment_id"]
    roster.step_deployment(deployment_id, "accepted", roster.nominator("IDN"))
    waiting = roster.request("MYS")
    roster.step_request(waiting["request_id"], "submitted", roster.requester("MYS"))
    office = roster.office()

    coverage = read_csv(client.get("/reports/coverage.csv", headers=office))
    assert {"function": "border_management", "language": "", "ready_experts": "1"} in coverage
    assert {"function": "border_management", "language": "en", "ready_experts": "1"} in coverage
    assert {"function": "age_determination", "language": "", "ready_experts": "0"} in coverage

    deployments = read_csv(client.get("/reports/deployments.csv", headers=office,
                                      query_string={"start_date": day(0), "end_date": day(30)}))
    assert {"breakdown": "per_requesting_tenant", "key": "THA", "deployments": "1"} in deployments
    assert deployments[-1] == {"breakdown": "total", "key": f"{day(0)}/{day(30)}", "deployments": "1"}
    bad = client.get("/reports/deployments.csv", headers=office, query_string={"start_date": day(3)})
    assert bad.status_code == 422

    [open_request] = read_csv(client.get("/reports/open-requests.csv", headers=office))
    assert (open_request["request_id"], open_request["requesting_tenant"]) == (waiting["request_id"], "MYS")
    mine = read_csv(client.get("/reports/open-requests.csv",
                               headers=roster.auth_headers(tenant="THA", roles=["tenant_admin"])))
    assert mine == []  # another tenant's requests stay out of a member state's download
    assert client.get("/reports/coverage.csv", headers=roster.requester("THA")).status_code == 403


def test_the_office_can_take_back_a_verification_or_revoke_an_external_certificate(roster, client):
    expert = vetted_and_active(roster)
    expert_id = expert["expert_id"]
    office, nominator = roster.office(), roster.nominator("IDN")
    certificate_id = client.post(f"/experts/{expert_id}/certifications", json=EXTERNAL,
                                 headers=nominator).get_json()["certificate_id"]
    verification = f"/experts/{expert_id}/certifications/{certificate_id}/verification"
    client.post(verification, headers=office)
    assert readiness_of(client, office, expert_id)["level"] == "ready"

    assert client.delete(verification, headers=nominator).status_code == 403
    unverified = client.delete(verification, headers=office)
    assert unverified.status_code == 200 and unverified.get_json()["verified_at"] is None
    assert readiness_of(client, office, expert_id)["level"] == "vetted"
    assert expert_id not in search_ids(client, roster.requester("THA"), function="border_management")
    assert client.delete(verification, headers=office).status_code == 409

    client.post(verification, headers=office)
    revocation = f"/experts/{expert_id}/certifications/{certificate_id}/revocation"
    assert client.post(revocation, json={"reason": "Forged"}, headers=roster.person(expert["user_id"])).status_code \
        == 403
    missing = client.post(revocation, json={}, headers=office)
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["field"] == "reason"
    revoked = client.post(revocation, json={"reason": "The issuer has no record of it"}, headers=office)
    assert revoked.status_code == 200
    assert (revoked.get_json()["status"], revoked.get_json()["reason"]) == ("revoked", "The issuer has no record of it")
    assert readiness_of(client, office, expert_id)["level"] == "vetted"
    assert client.post(verification, headers=office).status_code == 409
    assert client.post(revocation, json={"reason": "again"}, headers=office).status_code == 409
    actions = [edit["action"] for edit in client.get(f"/experts/{expert_id}/edits", headers=nominator).get_json()]
    assert actions == ["certificate_revoked", "certificate_verified", "certificate_unverified",
                       "certificate_verified", "certificate_added"]
