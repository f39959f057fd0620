"""Catalogue: authoring, validation, the course workflow and versions, who sees which course."""

import datetime as dt

import pytest

from chassis import clock
from training_service.catalogue.models import Assessment, Course, Module
from training_service.sessions.models import Session
from training_service.tests.builders import QUIZ, build_course, ok

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


def fields_of(response) -> set[str]:
    assert response.status_code == 422 and response.mimetype == PROBLEM, response.get_json()
    return {row["field"] for row in response.get_json()["errors"]}


def a_module(client, headers, **fields):
    return ok(client.post("/modules", headers=headers, json={
        "title": "Interviewing", "items": [{"kind": "lesson", "title": "Basics", "body": "<p>Listen</p>"}],
        **fields}), 201)


def a_draft(client, headers, module_id, code="INT-1", **fields):
    return ok(client.post("/courses", headers=headers, json={
        "code": code, "title": "Interview techniques", "module_ids": [module_id], **fields}), 201)


def publish(client, headers, course_id, status="published"):
    return client.post(f"/courses/{course_id}/status", json={"status": status}, headers=headers)


def test_bad_module_input_names_each_field_and_writes_nothing(client, actors):
    response = client.post("/modules", headers=actors.trainer(), json={
        "title": "", "functions": ["juggling"], "learning_objectives": "not a list",
        "items": [{"kind": "lesson", "title": "No body"}, {"kind": "video", "title": "x"},
                  {"kind": "assessment", "title": "q", "assessment_id": "0" * 24}],
        "owner": "someone"})
    assert fields_of(response) == {"title", "functions.0", "learning_objectives", "items.0.body", "items.1.kind",
                                   "owner"}
    response = client.post("/modules", headers=actors.trainer(), json={
        "title": "Quiz of nobody", "items": [{"kind": "assessment", "title": "q", "assessment_id": "0" * 24}]})
    assert fields_of(response) == {"items.0.assessment_id"}
    assert Module.across_tenants("test").count() == 0


@pytest.mark.parametrize(("question", "field"), [
    ({"kind": "single_choice", "prompt": "?",
      "options": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]}, "questions.0.options"),
    ({"kind": "multiple_choice", "prompt": "?", "options": [{"text": "a"}, {"text": "b"}]}, "questions.0.options"),
    ({"kind": "single_choice", "prompt": "?", "options": [{"text": "a", "correct": True}]}, "questions.0.options"),
    ({"kind": "short_answer", "prompt": "?"}, "questions.0.accepted_answers"),
    ({"kind": "short_answer", "prompt": "?", "accepted_answers": ["x"], "options": [{"text": "a"}]},
     "questions.0.options"),
    ({"kind": "essay", "prompt": "?"}, "questions.0.kind"),
])
def test_an_answer_key_that_does_not_fit_the_question_is_422(client, actors, question, field):
    response = client.post("/assessments", headers=actors.trainer(), json={
        "title": "Quiz", "pass_mark": 50, "questions": [question]})
    assert field in fields_of(response)
    assert Assessment.across_tenants("test").count() == 0


def test_quiz_limits_are_checked(client, actors):
    response = client.post("/assessments", headers=actors.trainer(), json={
        **QUIZ, "pass_mark": 101, "max_attempts": 0, "grading_policy": "worst"})
    assert fields_of(response) == {"pass_mark", "max_attempts", "grading_policy"}


def test_the_course_workflow_answers_409_with_allowed_next_states(client, actors):
    coordinator = actors.coordinator()
    module = a_module(client, coordinator)
    course = a_draft(client, coordinator, module["id"])
    assert course["status"] == "draft" and course["version"] == 1
    published = ok(publish(client, coordinator, course["id"]))
    assert published["status"] == "published" and published["history"][-1]["to_state"] == "published"
    again = publish(client, coordinator, course["id"])
    assert again.status_code == 409
    assert again.get_json()["allowed_next_states"] == ["archived"]
    assert ok(publish(client, coordinator, course["id"], "archived"))["status"] == "archived"
    assert publish(client, coordinator, course["id"]).get_json()["allowed_next_states"] == []
    trainer_publish = publish(client, actors.trainer(), a_draft(client, coordinator, module["id"], code="X")["id"])
    assert trainer_publish.status_code == 403


def test_a_published_course_is_frozen_and_changes_go_into_a_new_version(client, actors):
    coordinator = actors.coordinator()
    built = build_course(client, coordinator)
    assert client.patch(f"/courses/{built.course_id}", json={"title": "New"}, headers=coordinator).status_code == 409
    locked = client.patch(f"/assessments/{built.assessment_id}", json={"pass_mark": 10}, headers=coordinator)
    assert locked.status_code == 409 and locked.get_json()["locked"] is True
    ok(client.patch(f"/modules/{built.module_id}", json={"title": "Foundations, revised"}, headers=coordinator))
    assert ok(client.get(f"/courses/{built.course_id}", headers=actors.trainee()))["modules"][0]["title"] == \
        "Foundations"

    draft = ok(client.post(f"/courses/{built.course_id}/versions", headers=coordinator), 201)
    assert (draft["version"], draft["status"], draft["code"]) == (2, "draft", "RSD-101")
    assert client.post(f"/courses/{built.course_id}/versions", headers=coordinator).status_code == 409
    ok(client.patch(f"/courses/{draft['id']}", json={"title": "RSD, second edition"}, headers=coordinator))
    ok(publish(client, coordinator, draft["id"]))
    assert Course.across_tenants("test").get(id=built.course_id).status == "archived"
    catalogue = ok(client.get("/courses", headers=actors.trainee()))
    assert [(c["code"], c["version"], c["title"]) for c in catalogue] == [("RSD-101", 2, "RSD, second edition")]
    assert catalogue[0]["modules"][0]["title"] == "Foundations, revised"


def test_course_rules_across_fields_are_422(client, actors):
    coordinator = actors.coordinator()
    module = a_module(client, coordinator)
    other_tenants_module = a_module(client, actors.coordinator("UNHCR"))
    response = client.post("/courses", headers=coordinator, json={
        "code": "bad code!", "title": "", "pass_mark": 120, "function": "magic", "audience": "everyone",
        "certificate_validity_months": 0})
    assert fields_of(response) == {"code", "title", "pass_mark", "function", "audience",
                                   "certificate_validity_months"}
    assert fields_of(client.post("/courses", headers=coordinator, json={
        "code": "A", "title": "A", "module_ids": [other_tenants_module["id"]]})) == {"module_ids.0"}
    assert fields_of(client.post("/courses", headers=coordinator, json={
        "code": "A", "title": "A", "audience": "listed"})) == {"audience_tenants"}
    assert fields_of(client.post("/courses", headers=coordinator, json={
        "code": "A", "title": "A", "prerequisites": ["NOPE"]})) == {"prerequisites"}
    assert Course.across_tenants("test").count() == 0
    a_draft(client, coordinator, module["id"], code="A")
    assert client.post("/courses", headers=coordinator, json={"code": "A", "title": "A"}).status_code == 409


def test_publishing_needs_content(client, actors):
    coordinator = actors.coordinator()
    empty = ok(client.post("/courses", headers=coordinator, json={"code": "EMPTY", "title": "Empty"}), 201)
    assert fields_of(publish(client, coordinator, empty["id"])) == {"module_ids"}
    assert Course.across_tenants("test").get(id=empty["id"]).status == "draft"


def test_drafts_are_for_the_providers_authors_and_audience_decides_the_rest(client, actors):
    provider = actors.coordinator("IOM")
    module = a_module(client, provider)
    draft = a_draft(client, provider, module["id"], code="DRAFT")
    listed = a_draft(client, provider, module["id"], code="LISTED", audience="listed", audience_tenants=["THA"])
    ok(publish(client, provider, listed["id"]))
    open_to_all = a_draft(client, provider, module["id"], code="ALL")
    ok(publish(client, provider, open_to_all["id"]))

    def codes(headers):
        return sorted(course["code"] for course in ok(client.get("/courses", headers=headers)))

    assert codes(provider) == ["ALL", "DRAFT", "LISTED"]
    assert codes(actors.trainee("IOM")) == ["ALL", "LISTED"]
    assert codes(actors.trainee("THA")) == ["ALL", "LISTED"]
    assert codes(actors.trainee("IDN")) == ["ALL"]
    assert client.get(f"/courses/{listed['id']}", headers=actors.trainee("IDN")).status_code == 404
    assert client.get(f"/courses/{draft['id']}", headers=actors.trainee("THA")).status_code == 404
    seen_by_tha = ok(client.get(f"/courses/{listed['id']}", headers=actors.trainee("THA")))
    assert "audience_tenants" not in seen_by_tha and "history" not in seen_by_tha
    assert ok(client.get(f"/courses/{listed['id']}", headers=provider))["audience_tenants"] == ["THA"]


def test_the_catalogue_filters_by_function_and_provider(client, actors):
    build_course(client, actors.coordinator("IOM"), code="RSD")
    module = a_module(client, actors.coordinator("UNHCR"))
    course = a_draft(client, actors.coordinator("UNHCR"), module["id"], code="INT", function="interview_techniques")
    ok(publish(client, actors.coordinator("UNHCR"), course["id"]))
    trainee = actors.trainee()
    assert [c["code"] for c in ok(client.get("/courses?function=interview_techniques", headers=trainee))] == ["INT"]
    assert [c["code"] for c in ok(client.get("/courses?provider=IOM", headers=trainee))] == ["RSD"]
    assert client.get("/courses?function=magic", headers=trainee).status_code == 422
    listing = client.get("/courses?page_size=1", headers=trainee)
    assert len(listing.get_json()) == 1 and '"total": 2' in listing.headers["X-Pagination"]


def test_sessions_need_a_published_course_and_a_complete_schedule(client, actors):
    coordinator = actors.coordinator()
    module = a_module(client, coordinator)
    draft = a_draft(client, coordinator, module["id"])
    assert client.post(f"/courses/{draft['id']}/sessions", headers=coordinator,
                       json={"mode": "self_paced", "title": "x"}).status_code == 409
    ok(publish(client, coordinator, draft["id"]))
    response = client.post(f"/courses/{draft['id']}/sessions", headers=coordinator,
                           json={"mode": "in_person", "title": "x", "starts_on": "2099-05-02", "ends_on": "2099-05-01"})
    assert fields_of(response) == {"capacity", "location", "ends_on"}
    session = ok(client.post(f"/courses/{draft['id']}/sessions", headers=coordinator, json={
        "mode": "virtual", "title": "Online", "starts_on": "2099-05-01", "ends_on": "2099-05-02", "capacity": 30,
        "hosting_tenant": "THA", "trainers": [{"name": "Dr Lee", "email": "lee@iom.example.org"}]}), 201)
    assert (session["hosting_tenant"], session["seats_left"], session["provider"]) == ("THA", 30, "IOM")
    assert [s["id"] for s in ok(client.get(f"/courses/{draft['id']}/sessions", headers=actors.trainee()))] == [
        session["id"]]


def test_a_session_cannot_be_scheduled_in_the_past(client, actors):
    coordinator = actors.coordinator()
    course_id = build_course(client, coordinator).course_id
    yesterday, today = (clock.today() - dt.timedelta(days=1)).isoformat(), clock.today().isoformat()
    past = {"mode": "virtual", "title": "Online", "starts_on": "2020-05-01", "ends_on": yesterday, "capacity": 30}
    response = client.post(f"/courses/{course_id}/sessions", headers=coordinator, json=past)
    assert fields_of(response) == {"starts_on", "ends_on"}
    assert Session.across_tenants("test").filter(course_id=course_id).count() == 1  # build_course's own

    session = ok(client.post(f"/courses/{course_id}/sessions", headers=coordinator,
                             json={**past, "starts_on": today, "ends_on": "2099-01-01"}), 201)
    response = client.patch(f"/sessions/{session['id']}", headers=coordinator, json={"ends_on": yesterday})
    assert fields_of(response) == {"ends_on"}
    Session.across_tenants("test").filter(id=session["id"]).update_one(set__starts_on=dt.date(2020, 5, 1))
    ok(client.patch(f"/sessions/{session['id']}", headers=coordinator,  # a running session keeps its start
                    json={"starts_on": "2020-05-01", "capacity": 40}))


def test_two_courses_with_one_code_at_once_make_one(app, actors):
    import threading

    start = threading.Barrier(4)
    statuses = []

    def create():
        client = app.test_client()
        start.wait()
        statuses.append(client.post("/courses", json={"code": "SAME", "title": "Same"},
                                    headers=actors.coordinator()).status_code)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(statuses) == [201, 409, 409, 409]
    assert Course.across_tenants("test").filter(code="SAME").count() == 1


def test_an_audience_or_a_host_must_be_a_tenant_that_exists(client, actors):
    """A code of no existing tenant would wait, as latent access, for someone to create that tenant (issue 11)."""
    coordinator = actors.coordinator()
    module = a_module(client, coordinator)
    assert fields_of(client.post("/courses", headers=coordinator, json={
        "code": "A", "title": "A", "module_ids": [module["id"]], "audience": "listed",
        "audience_tenants": ["THA", "ZG126CAD"]})) == {"audience_tenants.1"}
    draft = a_draft(client, coordinator, module["id"])
    assert fields_of(client.patch(f"/courses/{draft['id']}", headers=coordinator, json={
        "audience": "listed", "audience_tenants": ["ZG126CAD"]})) == {"audience_tenants.0"}
    ok(publish(client, coordinator, draft["id"]))
    response = client.post(f"/courses/{draft['id']}/sessions", headers=coordinator, json={
        "mode": "virtual", "title": "Online", "starts_on": "2099-05-01", "ends_on": "2099-05-02", "capacity": 30,
        "hosting_tenant": "ZG126CAD"})
    assert fields_of(response) == {"hosting_tenant"}
    assert Course.across_tenants("test").get(id=draft["id"]).audience_tenants == []
