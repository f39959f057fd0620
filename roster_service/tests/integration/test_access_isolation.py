"""Every route, called by a tenant with no relation, one with a read share (its deployment of the expert is booked,
so it reads the expert's contact details) and one whose participation ended (its deployment of the expert was
cancelled), finds nothing it should not and changes nothing of another tenant's (issue 12, ADR 0100)."""

import pytest

from chassis.testing.isolation import assert_finds_nothing, every_response, stored
from chassis.testing.routes import service_routes
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration

ALL_ROLES = ["roster_manager", "requesting_officer", "expert", "auditor", "tenant_admin", "platform_admin"]
LOGS = ("outbox", "inbox")
CONTACT = ["Dewi Kartika", "dewi.kartika@idn.example.org", "555 0199"]  # IDN's active expert, shown as a summary
UNLISTED = ["Budi Hidden", "budi.hidden@idn.example.org"]  # IDN's expert still awaiting vetting
REQUESTS = {"THA": "Screening at Sadao checkpoint", "MYS": "Screening at Bukit Kayu Hitam",
            "AUS": "Screening on Christmas Island"}
# A valid body for every write, so that only access can stop it.
BODIES = {
    ("POST", "/functions"): {"code": "taken_over", "name": "Taken over", "description": "x"},
    ("PATCH", "/functions/<code>"): {"name": "Taken over"},
    ("POST", "/functions/<code>/sops"): {"title": "Taken over", "content": "x"},
    ("PATCH", "/experts/<expert_id>"): {"phone": "+00 000"},
    ("POST", "/experts/<expert_id>/transitions"): {"to": "suspended"},
    ("POST", "/experts/<expert_id>/certifications"): {
        "title": "Forged", "issuer": "X", "evidence_reference": "doc", "issued_on": day(-10), "expires_on": day(100)},
    ("POST", "/experts/<expert_id>/certifications/<certificate_id>/revocation"): {"reason": "taken over"},
    ("POST", "/experts/<expert_id>/functions/<code>/vetting"): {},
    ("POST", "/experts/<expert_id>/unavailability"): {"start_date": day(1), "end_date": day(2), "reason": "x"},
    ("POST", "/experts/<expert_id>/consent-withdrawal"): {},
    ("PATCH", "/requests/<request_id>"): {"location": "Penang"},
    ("POST", "/requests/<request_id>/transitions"): {"to": "withdrawn"},
    ("POST", "/requests/<request_id>/offers"): {"expert_id": "<expert_id>"},
    ("POST", "/deployments/<deployment_id>/transitions"): {"to": "cancelled", "reason": "taken over"},
}


@pytest.fixture
def values(roster, client) -> dict:
    expert = roster.ready_expert("IDN", full_name="Dewi Kartika", email="dewi.kartika@idn.example.org",
                                 phone="+62 21 555 0199")
    expert_id = expert["expert_id"]
    roster.register("IDN", full_name="Budi Hidden", email="budi.hidden@idn.example.org")
    nominator = roster.nominator("IDN")
    certificate_id = client.post(f"/experts/{expert_id}/certifications", headers=nominator, json={
        "title": "Interpreting", "function": "border_management", "issuer": "X", "evidence_reference": "doc-1",
        "issued_on": day(-10), "expires_on": day(300)}).get_json()["certificate_id"]
    period_id = client.post(f"/experts/{expert_id}/unavailability", headers=nominator, json={
        "start_date": day(200), "end_date": day(210), "reason": "Leave"}).get_json()["period_id"]
    deployments = {}
    for offset, tenant in enumerate(REQUESTS):
        request_id = roster.request_under_review(tenant, justification=REQUESTS[tenant],
                                                 start_date=day(30 + 40 * offset),
                                                 end_date=day(50 + 40 * offset))["request_id"]
        deployments[tenant] = (request_id, roster.offer(request_id, expert_id).get_json()["deployment_id"])
    the_expert = roster.person(expert["user_id"])
    for tenant in ("MYS", "AUS"):
        assert roster.step_deployment(deployments[tenant][1], "accepted", the_expert).status_code == 200
    assert roster.step_deployment(deployments["AUS"][1], "cancelled", roster.office(),
                                  reason="Dates changed").status_code == 200
    return {"expert_id": expert_id, "certificate_id": certificate_id, "period_id": period_id,
            "code": "border_management", "version": 1, "request_id": deployments["THA"][0],
            "deployment_id": deployments["THA"][1], "deployments": deployments}


@pytest.mark.parametrize(("tenant", "hidden"), [
    ("PHL", CONTACT + UNLISTED + list(REQUESTS.values())),  # no relation
    ("MYS", [*UNLISTED, REQUESTS["THA"], REQUESTS["AUS"]]),  # its booked deployment shows the expert's contact
    ("AUS", CONTACT + UNLISTED + [REQUESTS["THA"], REQUESTS["MYS"]]),  # its deployment of the expert was cancelled
], ids=["no relation", "read share", "participation ended"])
def test_every_route_finds_nothing_it_should_not(app, client, auth_headers, values, tenant, hidden):
    visitor = auth_headers(tenant=tenant, roles=ALL_ROLES, sub=f"{tenant.lower()}-visitor",
                           email=f"visitor@{tenant.lower()}.example.org")

    def body_for(method: str, rule: str):
        body = BODIES.get((method, rule))
        return {key: values.get(value.strip("<>"), value) if isinstance(value, str) else value
                for key, value in body.items()} if body else body

    others = [ids for owner, ids in values["deployments"].items() if owner != tenant]
    before = stored(excluding_tenant=tenant, collections_skipped=LOGS)
    calls = assert_finds_nothing(every_response(app, client, visitor, values, body_for=body_for), hidden,
                                 record_ids=[record_id for ids in others for record_id in ids])
    assert calls == sum(len(rule.methods - {"HEAD", "OPTIONS"}) for rule in service_routes(app))
    assert stored(excluding_tenant=tenant, collections_skipped=LOGS) == before
