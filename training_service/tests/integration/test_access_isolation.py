"""Every route, called by a tenant with no relation, one a course is offered to (a read share) and one whose person
left the course (participation ended), finds nothing it should not and changes nothing of another tenant's
(issue 12, ADR 0100)."""

import pytest

from chassis.testing.events import deliver, envelope
from chassis.testing.isolation import assert_finds_nothing, every_response, stored
from chassis.testing.tenants import tenants_exist
from training_service.subscriptions import subscriptions
from training_service.tests.builders import build_course, complete_course, ok, trainee_email
from training_service.tests.integration.test_tenant_isolation import ALL_ROLES, CALLS

pytestmark = pytest.mark.integration

LOGS = ("outbox", "inbox")
# THA's person, their enrolments, certificate and recommendation, and IOM's course not offered to anybody but THA.
THAI_PERSON = [trainee_email("THA"), "Trainee1 Tha", "Needs interview practice", "Course THA-ONLY"]


@pytest.fixture
def values(client, actors) -> dict:
    tenants_exist("MYS")
    provider = actors.coordinator("IOM")
    offered = build_course(client, provider, audience="listed", audience_tenants=["THA", "IDN", "MYS"])
    tha_only = build_course(client, provider, code="THA-ONLY", audience="listed", audience_tenants=["THA"])
    trainee = actors.trainee("THA")
    enrolment = ok(client.post(f"/sessions/{offered.session_id}/enrolments", headers=trainee), 201)
    certificate_id = complete_course(client, trainee, offered, enrolment["id"])["certificate_id"]
    waiting = ok(client.post(f"/sessions/{tha_only.session_id}/enrolments", headers=trainee), 201)
    deliver(subscriptions, envelope("roster.deployment.completed", {
        "deployment_id": "d1", "expert": {"expert_id": "e1", "email": trainee_email("THA"), "nominating_tenant": "THA",
                                          "full_name": "Trainee1 Tha", "user_id": None},
        "evaluation": {"skill_gaps": [{"function": "refugee_status_determination",
                                       "note": "Needs interview practice"}]}}, tenant="IDN"))
    [recommendation] = ok(client.get("/recommendations", headers=actors.coordinator("THA")))
    leaver = actors.trainee("MYS")
    left = ok(client.post(f"/sessions/{offered.session_id}/enrolments", headers=leaver), 201)
    ok(client.post(f"/enrolments/{left['id']}/withdraw", json={}, headers=leaver))
    return {"module_id": offered.module_id, "assessment_id": offered.assessment_id, "course_id": offered.course_id,
            "session_id": tha_only.session_id, "enrolment_id": enrolment["id"], "certificate_id": certificate_id,
            "recommendation_id": recommendation["id"], "tenant": "THA", "lesson_id": offered.lesson_id,
            "code": "no-such-code", "waiting_id": waiting["id"]}


@pytest.mark.parametrize("tenant", ["PHL", "IDN", "MYS"], ids=["no relation", "read share", "participation ended"])
def test_every_route_finds_nothing_it_should_not(app, client, auth_headers, values, tenant):
    # the caller holds every role, and the PHL caller even the THA trainee's user id and e-mail address
    person = "trainee1-THA" if tenant == "PHL" else f"trainee1-{tenant}"
    visitor = auth_headers(tenant=tenant, roles=ALL_ROLES, sub=f"user-{person}",
                           email=f"{person}@{person.split('-')[1].lower()}.example.org".lower(), name="Visitor")

    def body_for(method: str, rule: str):
        body, _expected = CALLS.get((method, rule), (None, None))
        if isinstance(body, dict):
            return {key: values.get(value.strip("<>"), value) if isinstance(value, str) else value
                    for key, value in body.items()}
        return body

    before = stored(excluding_tenant=tenant, collections_skipped=LOGS)
    calls = assert_finds_nothing(every_response(app, client, visitor, values, body_for=body_for), THAI_PERSON,
                                 record_ids=[values[name] for name in (
                                     "enrolment_id", "certificate_id", "recommendation_id", "waiting_id")])
    assert calls == len(CALLS) + 2  # and the two public routes, by a code nobody holds
    assert stored(excluding_tenant=tenant, collections_skipped=LOGS) == before
