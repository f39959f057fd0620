"""Reports: coverage by ready experts, deployments over a period, open requests by age; each tenant its own."""

import datetime as dt

import pytest

from roster_service.deployments.models import DeploymentRequest
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration


def test_coverage_counts_ready_experts_per_function_and_language(roster, client):
    roster.ready_expert("IDN")
    roster.ready_expert("THA", languages=[{"code": "th", "level": "native"}])
    roster.register("IDN")  # nominated only: not ready
    report = client.get("/reports/coverage", headers=roster.office()).get_json()
    assert {row["function"]: row["ready_experts"] for row in report["functions"]}["border_management"] == 2
    assert {(row["language"], row["ready_experts"]) for row in report["languages"]} == {("en", 1), ("id", 1),
                                                                                          ("th", 1)}
    own = client.get("/reports/coverage", headers=roster.auth_headers(tenant="THA", roles=["tenant_admin"]))
    assert {row["function"]: row["ready_experts"] for row in own.get_json()["functions"]}["border_management"] == 1


def test_deployments_per_tenant_and_function_over_a_period(roster, client):
    expert = roster.ready_expert("IDN")
    request_id = roster.request_under_review("THA", start_date=day(10), end_date=day(20))["request_id"]
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]
    roster.step_deployment(deployment_id, "accepted", roster.person(expert["user_id"]))
    period = {"start_date": day(0), "end_date": day(15)}
    report = client.get("/reports/deployments", query_string=period, headers=roster.office()).get_json()
    assert report["total"] == 1
    assert report["per_requesting_tenant"] == [{"key": "THA", "deployments": 1}]
    assert report["per_nominating_tenant"] == [{"key": "IDN", "deployments": 1}]
    assert report["per_function"] == [{"key": "border_management", "deployments": 1}]
    later = client.get("/reports/deployments", query_string={"start_date": day(21), "end_date": day(40)},
                       headers=roster.office()).get_json()
    assert later["total"] == 0
    both_sides = [roster.auth_headers(tenant=tenant, roles=["tenant_admin"]) for tenant in ("THA", "IDN")]
    assert [client.get("/reports/deployments", query_string=period, headers=headers).get_json()["total"]
            for headers in both_sides] == [1, 1]
    outsider = roster.auth_headers(tenant="MYS", roles=["tenant_admin"])
    assert client.get("/reports/deployments", query_string=period, headers=outsider).get_json()["total"] == 0


def test_open_requests_by_age(roster, client):
    old = roster.request("THA")
    roster.step_request(old["request_id"], "submitted", roster.requester("THA"))
    DeploymentRequest.across_tenants("test: age the request").filter(id=old["request_id"]).update_one(
        set__submitted_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=45))
    fresh = roster.request("MYS")
    roster.step_request(fresh["request_id"], "submitted", roster.requester("MYS"))
    roster.request("THA")  # a draft is not open
    report = client.get("/reports/open-requests", headers=roster.office()).get_json()
    assert report["total"] == 2
    assert [row["request_id"] for row in report["requests"]] == [old["request_id"], fresh["request_id"]]
    assert report["requests"][0]["age_days"] == 45
    assert {row["age"]: row["requests"] for row in report["by_age"]} == {
        "0-7 days": 1, "8-30 days": 0, "31-90 days": 1, "over 90 days": 0}
    mine = client.get("/reports/open-requests", headers=roster.auth_headers(tenant="MYS", roles=["tenant_admin"]))
    assert [row["request_id"] for row in mine.get_json()["requests"]] == [fresh["request_id"]]
    assert client.get("/reports/open-requests", headers=roster.requester("THA")).status_code == 403
