"""The function catalogue: the standard functions, versioned SOPs, managed by the roster office only."""

import pytest

from chassis.vocabulary import STANDARD_FUNCTIONS
from roster_service.functions.models import Function
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration


def test_every_tenant_reads_the_standard_catalogue(roster, client):
    listed = client.get("/functions", headers=roster.requester("THA")).get_json()
    assert [item["code"] for item in listed] == sorted(STANDARD_FUNCTIONS)
    assert client.get("/functions/age_determination", headers=roster.nominator("IDN")).get_json()["name"] == \
        "Age determination"
    assert client.get("/functions/astrology", headers=roster.office()).status_code == 404


def test_sops_are_versioned_and_the_one_in_effect_is_current(roster, client):
    office = roster.office()
    first = client.post("/functions/age_determination/sops", headers=office, json={
        "title": "Age assessment SOP", "body": "Holistic, multidisciplinary...", "effective_date": day(-10)})
    assert first.status_code == 201 and first.get_json()["version"] == 1
    second = client.post("/functions/age_determination/sops", headers=office, json={
        "title": "Age assessment SOP (rev.)", "body": "Revised after review", "effective_date": day(30)})
    assert second.get_json()["version"] == 2
    function = client.get("/functions/age_determination", headers=roster.requester("THA")).get_json()
    assert function["current_sop"]["version"] == 1  # version 2 takes effect in 30 days
    assert [item["version"] for item in function["sop_versions"]] == [1, 2]
    assert client.get("/functions/age_determination/sops/2", headers=roster.requester("THA")).get_json()["body"] == \
        "Revised after review"
    assert client.get("/functions/age_determination/sops/3", headers=office).status_code == 404


def test_only_the_roster_office_changes_the_catalogue(roster, client):
    new = {"code": "cyber_forensics", "name": "Cyber forensics", "qualifying_courses": ["CF-1"]}
    for headers in (roster.nominator("THA"), roster.auth_headers(tenant="THA", roles=["platform_admin"])):
        assert client.post("/functions", json=new, headers=headers).status_code == 403
        assert client.post("/functions/border_management/sops", headers=headers, json={
            "title": "t", "body": "b", "effective_date": day(0)}).status_code == 403
        assert client.patch("/functions/border_management", json={"name": "x"}, headers=headers).status_code == 403
    assert Function.objects(code="cyber_forensics").first() is None
    created = client.post("/functions", json=new, headers=roster.auth_headers(tenant="RSO", roles=["platform_admin"]))
    assert created.status_code == 201
    assert client.post("/functions", json=new, headers=roster.office()).status_code == 409
    # the new function is usable at once
    assert roster.register("IDN", functions=[{"code": "cyber_forensics", "experience_level": "junior", "years": 1}])
