"""Lesson bodies are cleaned to the platform's rich-text policy when stored and when served; document
links are http(s) only (issue 11, item 9)."""

import pytest

from training_service.catalogue.models import Course, Module
from training_service.tests.builders import build_course, ok

pytestmark = pytest.mark.integration

DIRTY_LESSON = ('<p onclick="steal(document.cookie)">Refugee <em>status</em></p><script>steal()</script>'
                '<a href="javascript:steal()">more</a>')
CLEAN_LESSON = '<p>Refugee <em>status</em></p><a rel="noopener noreferrer nofollow">more</a>'


def test_a_lesson_body_is_stored_and_served_without_scripts_or_handlers(client, actors):
    author = actors.trainer()
    module = ok(client.post("/modules", headers=author, json={
        "title": "Basics", "items": [{"kind": "lesson", "title": "Intro", "body": DIRTY_LESSON}]}), 201)
    assert module["items"][0]["body"] == CLEAN_LESSON
    assert Module.across_tenants("test").get(id=module["id"]).items[0].body == CLEAN_LESSON
    assert ok(client.get(f"/modules/{module['id']}", headers=author))["items"][0]["body"] == CLEAN_LESSON


def test_a_lesson_of_nothing_but_script_is_a_lesson_without_a_body(client, actors):
    response = client.post("/modules", headers=actors.trainer(), json={
        "title": "Basics", "items": [{"kind": "lesson", "title": "Intro", "body": "<script>steal()</script>"}]})
    assert response.status_code == 422
    assert [row["field"] for row in response.get_json()["errors"]] == ["items.0.body"]


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)", "data:text/html,<script>x</script>",
                                 "file:///etc/passwd", "docs/handbook.pdf"])
def test_a_document_link_must_be_http_or_https(client, actors, url):
    author = actors.trainer()
    response = client.post("/modules", headers=author, json={
        "title": "Basics", "items": [{"kind": "document", "title": "Handbook", "document_url": url}]})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert [row["field"] for row in response.get_json()["errors"]] == ["items.0.document_url"]
    assert Module.across_tenants("test").count() == 0


def test_content_stored_before_the_policy_is_served_clean(client, actors):
    built = build_course(client, actors.coordinator())
    course = Course.across_tenants("test").get(id=built.course_id)
    lesson, document = course.outline[0].items[:2]
    lesson.body, document.document_url = DIRTY_LESSON, "javascript:steal()"
    course.save()
    trainee = actors.trainee()
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    items = ok(client.get(f"/enrolments/{enrolment['id']}/content", headers=trainee))["modules"][0]["items"]
    assert items[0]["body"] == CLEAN_LESSON
    assert items[1]["document_url"] is None
