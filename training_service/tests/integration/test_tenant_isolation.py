"""Another tenant can neither read nor change a tenant's records, through any endpoint.

The outsider holds every role and even the same user id and e-mail as the trainee, only in another
tenant. Every route of the service is called; the table below must name each one.
"""

import pymongo
import pytest

from chassis.testing.events import deliver, envelope
from chassis.testing.routes import service_routes
from training_service.subscriptions import subscriptions
from training_service.tests.builders import build_course, complete_course, ok, trainee_email

pytestmark = pytest.mark.integration

NOT_TENANT_SCOPED = {  # by an unguessable code, on purpose readable by anyone (tested in test_certificates)
                     "/public/certificates/<code>", "/public/certificates/<code>/printable"}
ALL_ROLES = ["training_coordinator", "trainer", "trainee", "expert", "auditor", "tenant_admin", "platform_admin"]

# (method, route) -> (body, expected): 404 for someone else's record, "empty" for a listing of one's own.
CALLS = {
    ("GET", "/modules"): (None, "empty"),
    ("POST", "/modules"): ({"title": "own module"}, 201),
    ("GET", "/modules/<module_id>"): (None, 404),
    ("PATCH", "/modules/<module_id>"): ({"title": "hacked"}, 404),
    ("GET", "/assessments"): (None, "empty"),
    ("POST", "/assessments"): ({"title": "own", "pass_mark": 1, "questions": [
        {"kind": "short_answer", "prompt": "?", "accepted_answers": ["x"]}]}, 201),
    ("GET", "/assessments/<assessment_id>"): (None, 404),
    ("PATCH", "/assessments/<assessment_id>"): ({"title": "hacked"}, 404),
    ("GET", "/courses"): (None, "empty"),
    ("POST", "/courses"): ({"code": "OWN", "title": "own course"}, 201),
    ("GET", "/courses/<course_id>"): (None, 404),
    ("PATCH", "/courses/<course_id>"): ({"title": "hacked"}, 404),
    ("POST", "/courses/<course_id>/status"): ({"status": "archived"}, 404),
    ("POST", "/courses/<course_id>/versions"): (None, 404),
    ("GET", "/courses/<course_id>/sessions"): (None, 404),
    ("POST", "/courses/<course_id>/sessions"): ({"mode": "self_paced", "title": "mine"}, 404),
    ("GET", "/sessions/<session_id>"): (None, 404),
    ("PATCH", "/sessions/<session_id>"): ({"capacity": 500}, 404),
    ("GET", "/sessions/<session_id>/enrolments"): (None, 404),
    ("POST", "/sessions/<session_id>/enrolments"): (None, 404),
    ("POST", "/sessions/<session_id>/nominations"): ({"email": "x@phl.example.org", "name": "X"}, 404),
    ("POST", "/sessions/<session_id>/enrolments/bulk"): ("email,name\nx@phl.example.org,X\n", 404),
    ("GET", "/enrolments"): (None, "empty"),
    ("GET", "/me/enrolments"): (None, "empty"),
    ("GET", "/enrolments/<enrolment_id>"): (None, 404),
    ("POST", "/enrolments/<enrolment_id>/approve"): ({}, 404),
    ("POST", "/enrolments/<enrolment_id>/reject"): ({}, 404),
    ("POST", "/enrolments/<enrolment_id>/withdraw"): ({}, 404),
    ("GET", "/enrolments/<enrolment_id>/content"): (None, 404),
    ("POST", "/enrolments/<enrolment_id>/progress"): ({"item_id": "<lesson_id>"}, 404),
    ("GET", "/enrolments/<enrolment_id>/assessments/<assessment_id>"): (None, 404),
    ("POST", "/enrolments/<enrolment_id>/assessments/<assessment_id>/attempts"): ({"answers": []}, 404),
    ("GET", "/certificates"): (None, "empty"),
    ("GET", "/me/certificates"): (None, "empty"),
    ("GET", "/certificates/<certificate_id>"): (None, 404),
    ("POST", "/certificates/<certificate_id>/revoke"): ({"reason": "hostile takeover"}, 404),
    ("GET", "/recommendations"): (None, "empty"),
    ("GET", "/me/recommendations"): (None, "empty"),
    ("POST", "/recommendations/<recommendation_id>/dismiss"): (None, 404),
    ("GET", "/reports/courses/<course_id>"): (None, 404),
    ("GET", "/reports/tenants/<tenant>"): (None, 404),
}


@pytest.fixture
def world(client, actors):
    """IOM's course offered to THA only; THA's trainees enrolled (one passed, one pending), a recommendation."""
    provider = actors.coordinator("IOM")
    built = build_course(client, provider, audience="listed", audience_tenants=["THA"])
    pending_course = build_course(client, provider, code="APPROVAL", requires_approval=True, audience="listed",
                                  audience_tenants=["THA"])
    trainee = actors.trainee("THA")
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    certificate_id = complete_course(client, trainee, built, enrolment["id"])["certificate_id"]
    pending = ok(client.post(f"/sessions/{pending_course.session_id}/enrolments", headers=trainee), 201)
    deliver(subscriptions, envelope("roster.deployment.completed", {
        "deployment_id": "d1", "expert": {"expert_id": "e1", "email": trainee_email(), "nominating_tenant": "THA",
                                          "full_name": "T", "user_id": None},
        "evaluation": {"skill_gaps": [{"function": "refugee_status_determination", "note": "n"}]}}, tenant="IDN"))
    [recommendation] = ok(client.get("/recommendations", headers=actors.coordinator("THA")))
    return {"module_id": built.module_id, "assessment_id": built.assessment_id, "course_id": built.course_id,
            "session_id": built.session_id, "enrolment_id": pending["id"], "completed_enrolment": enrolment["id"],
            "certificate_id": certificate_id, "recommendation_id": recommendation["id"], "tenant": "THA",
            "lesson_id": built.lesson_id}


def snapshot(app) -> dict:
    """Every stored record of the tenants in the world (not the outsider's own new records, nor the outbox)."""
    settings = app.extensions["rso.settings"]
    database = pymongo.MongoClient(settings.mongodb_uri)[settings.mongodb_database]
    collections = ["modules", "assessments", "courses", "sessions", "enrolments", "attempts", "certificates",
                   "recommendations"]
    state = {name: sorted(map(repr, database[name].find({"tenant": {"$ne": "PHL"}}))) for name in collections}
    database.client.close()
    return state


def path_for(route: str, ids: dict) -> str:
    for name, value in ids.items():
        route = route.replace(f"<{name}>", value)
    return route


def test_every_endpoint_keeps_other_tenants_records_out_of_reach(app, client, auth_headers, world):
    routes = {(method, rule.rule) for rule in service_routes(app) if rule.rule not in NOT_TENANT_SCOPED
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == set(CALLS), "every endpoint needs its row in CALLS"

    outsider = auth_headers(tenant="PHL", roles=ALL_ROLES, sub="user-trainee1-THA", email=trainee_email(),
                            name="Trainee1 Tha")
    before = snapshot(app)
    for (method, route), (body, expected) in sorted(CALLS.items()):
        path = path_for(route, world)
        if isinstance(body, str):
            response = client.open(path, method=method, data=body, content_type="text/csv", headers=outsider)
        else:
            body = {key: world.get(value.strip("<>"), value) if isinstance(value, str) else value
                    for key, value in body.items()} if body else body
            response = client.open(path, method=method, json=body, headers=outsider)
        if expected == "empty":
            assert response.status_code == 200 and response.get_json() == [], (method, route, response.get_json())
        else:
            assert response.status_code == expected, (method, route, response.status_code, response.get_json())
    assert snapshot(app) == before


@pytest.mark.parametrize(("method", "route", "body"), [
    ("GET", "/enrolments/<completed_enrolment>", None),
    ("GET", "/enrolments/<completed_enrolment>/content", None),
    ("GET", "/enrolments/<enrolment_id>/assessments/<assessment_id>", None),
    ("POST", "/enrolments/<enrolment_id>/progress", {"item_id": "x"}),
    ("POST", "/enrolments/<enrolment_id>/assessments/<assessment_id>/attempts", {"answers": []}),
    ("POST", "/enrolments/<enrolment_id>/withdraw", {}),
    ("GET", "/certificates/<certificate_id>", None),
])
def test_a_colleague_in_the_same_tenant_cannot_reach_a_trainees_own_records(client, actors, world, method, route,
                                                                          body):
    response = client.open(path_for(route, world), method=method, json=body, headers=actors.trainee("THA", 2))
    assert response.status_code == 404
    assert ok(client.get("/me/enrolments", headers=actors.trainee("THA", 2))) == []
    assert ok(client.get("/me/certificates", headers=actors.trainee("THA", 2))) == []
