"""Quizzes graded on the server: keys never reach trainees, attempts limited, best/last policy, pass marks."""

import json
import re
import threading

import pytest

from chassis.testing.events import emitted
from chassis.testing.routes import service_routes
from training_service.learning.models import Attempt
from training_service.tests.builders import QUIZ, build_course, complete_course, ok

pytestmark = pytest.mark.integration
KEY_FIELDS = {"correct", "correct_option_ids", "accepted_answers"}


def keys_in(document) -> set[str]:
    if isinstance(document, dict):
        return set(document) | {key for value in document.values() for key in keys_in(value)}
    if isinstance(document, list):
        return {key for value in document for key in keys_in(value)}
    return set()


def assert_no_answer_key(response, what: str) -> None:
    text = response.get_data(as_text=True)
    assert "refoulement" not in text.lower(), what
    body = json.loads(text) if response.mimetype.endswith("json") and text else None
    assert not keys_in(body) & KEY_FIELDS, what


def test_quiz_answers_never_appear_in_any_trainee_facing_response(app, client, actors):
    provider, trainee = actors.coordinator(), actors.trainee()
    built = build_course(client, provider)
    other = build_course(client, provider, code="OTHER")
    seen = []

    def call(method, path, **kwargs):
        response = getattr(client, method)(path, headers=trainee, **kwargs)
        seen.append((method, path, response))
        return response

    enrolment = ok(call("post", f"/sessions/{built.session_id}/enrolments"), 201)
    spare = ok(call("post", f"/sessions/{other.session_id}/enrolments"), 201)
    call("post", f"/enrolments/{spare['id']}/withdraw", json={})
    call("post", f"/enrolments/{enrolment['id']}/assessments/{built.assessment_id}/attempts",
         json={"answers": built.wrong_answers()})
    call("post", f"/enrolments/{enrolment['id']}/progress", json={"item_id": built.lesson_id})
    call("post", f"/enrolments/{enrolment['id']}/progress", json={"item_id": built.document_id})
    result = ok(call("post", f"/enrolments/{enrolment['id']}/assessments/{built.assessment_id}/attempts",
                     json={"answers": built.right_answers()}), 201)
    code = ok(client.get(f"/certificates/{result['certificate_id']}", headers=trainee))["verification_code"]

    # Then every route of the service, every method, with the ids a trainee has: nothing may carry a key.
    ids = {"session_id": built.session_id, "course_id": built.course_id, "enrolment_id": enrolment["id"],
           "assessment_id": built.assessment_id, "module_id": built.module_id, "code": code,
           "certificate_id": result["certificate_id"], "tenant": "THA", "recommendation_id": enrolment["id"]}
    swept = set()
    for rule in service_routes(app):
        path = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: ids[match.group(1)], rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            call(method.lower(), path, **({} if method == "GET" else {"json": {}}))
            swept.add((method, rule.rule))
    assert ("GET", "/enrolments/<enrolment_id>/assessments/<assessment_id>") in swept
    assert len(swept) >= 40

    for method, path, response in seen:
        assert_no_answer_key(response, f"{method} {path}")
    quiz = ok(client.get(f"/enrolments/{enrolment['id']}/assessments/{built.assessment_id}", headers=trainee))
    assert [set(question) for question in quiz["questions"]] == [
        {"question_id", "kind", "prompt", "points", "options"}] * 3
    # The authors, and only they, see the key.
    assert "correct" in keys_in(ok(client.get(f"/assessments/{built.assessment_id}", headers=provider)))


def enrolled(client, actors, **course_fields):
    built = build_course(client, actors.coordinator(), **course_fields)
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee()), 201)
    return built, enrolment["id"]


def attempt(client, headers, built, enrolment_id, answers):
    return client.post(f"/enrolments/{enrolment_id}/assessments/{built.assessment_id}/attempts",
                       json={"answers": answers}, headers=headers)


def test_grading_each_kind_of_question_on_the_server(client, actors):
    built, enrolment_id = enrolled(client, actors)
    single, multiple, short = built.questions.values()
    answers = [
        {"question_id": single["question_id"], "option_ids": [single["options"][0]["option_id"]]},  # right
        {"question_id": multiple["question_id"], "option_ids": [multiple["options"][0]["option_id"]]},  # half: 0
        {"question_id": short["question_id"], "text": "  NON   Refoulement "},  # right, loosely typed
    ]
    result = ok(attempt(client, actors.trainee(), built, enrolment_id, answers), 201)
    assert result["attempt"]["score"] == pytest.approx(66.67)
    assert result["passed"] is False and result["attempts_left"] == 2


def test_max_attempts_then_409_and_the_course_completes_not_passed(client, actors):
    built, enrolment_id = enrolled(client, actors)
    trainee = actors.trainee()
    for item_id in (built.lesson_id, built.document_id):
        ok(client.post(f"/enrolments/{enrolment_id}/progress", json={"item_id": item_id}, headers=trainee))
    for left in (2, 1, 0):
        assert ok(attempt(client, trainee, built, enrolment_id, built.wrong_answers()), 201)["attempts_left"] == left
    enrolment = ok(client.get(f"/enrolments/{enrolment_id}", headers=trainee))
    assert enrolment["status"] == "completed" and enrolment["passed"] is False
    assert enrolment["certificate_id"] is None
    refused = attempt(client, trainee, built, enrolment_id, built.right_answers())
    assert refused.status_code == 409
    assert Attempt.across_tenants("test").count() == 3
    [completed] = emitted("training.course.completed")
    assert completed["data"]["passed"] is False
    assert emitted("training.certificate.issued") == []


def test_out_of_attempts_while_still_learning_is_409(client, actors):
    built, enrolment_id = enrolled(client, actors, quiz={**QUIZ, "max_attempts": 1})
    trainee = actors.trainee()
    ok(attempt(client, trainee, built, enrolment_id, built.wrong_answers()), 201)
    refused = attempt(client, trainee, built, enrolment_id, built.right_answers())
    assert refused.status_code == 409 and refused.get_json()["max_attempts"] == 1


def test_concurrent_attempts_never_exceed_max_attempts(app, client, actors):
    built, enrolment_id = enrolled(client, actors, quiz={**QUIZ, "max_attempts": 2})
    start = threading.Barrier(6)
    statuses = []

    def submit():
        own_client = app.test_client()
        start.wait()
        statuses.append(attempt(own_client, actors.trainee(), built, enrolment_id, built.wrong_answers()).status_code)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [201, 201, 409, 409, 409, 409]
    assert sorted(a.number for a in Attempt.across_tenants("test")) == [1, 2]


@pytest.mark.parametrize(("policy", "expected_score", "passed"), [("best", 100.0, True), ("last", 0.0, False)])
def test_best_or_last_attempt_counts(client, actors, policy, expected_score, passed):
    built, enrolment_id = enrolled(client, actors, quiz={**QUIZ, "grading_policy": policy})
    trainee = actors.trainee()
    ok(attempt(client, trainee, built, enrolment_id, built.right_answers()), 201)
    result = ok(attempt(client, trainee, built, enrolment_id, built.wrong_answers()), 201)
    assert (result["score"], result["passed"]) == (expected_score, passed)


def test_the_course_pass_mark_applies_on_top_of_the_quiz_pass_mark(client, actors):
    built, enrolment_id = enrolled(client, actors, pass_mark=90, quiz={**QUIZ, "pass_mark": 60, "max_attempts": 1})
    trainee = actors.trainee()
    answers = [built.right_answers()[0], built.wrong_answers()[1], built.right_answers()[2]]
    for item_id in (built.lesson_id, built.document_id):
        ok(client.post(f"/enrolments/{enrolment_id}/progress", json={"item_id": item_id}, headers=trainee))
    result = ok(attempt(client, trainee, built, enrolment_id, answers), 201)
    assert result["passed"] is True  # the quiz: 66.67 >= 60
    enrolment = ok(client.get(f"/enrolments/{enrolment_id}", headers=trainee))
    assert enrolment["status"] == "completed" and enrolment["passed"] is False  # the course: 66.67 < 90
    assert enrolment["score"] == pytest.approx(66.67)


@pytest.mark.parametrize(("answers", "field"), [
    ([{"question_id": "nope", "option_ids": []}], "answers.0.question_id"),
    ([{"question_id": "Q0", "option_ids": ["not-an-option"]}], "answers.0.option_ids"),
    ([{"question_id": "Q0", "text": "words"}], "answers.0.text"),
    ([{"question_id": "Q0", "option_ids": []}, {"question_id": "Q0", "option_ids": []}], "answers.1.question_id"),
    ([{"option_ids": []}], "answers.0.question_id"),
    ("not a list", "answers"),
])
def test_answers_that_do_not_fit_the_quiz_are_422_and_use_no_attempt(client, actors, answers, field):
    built, enrolment_id = enrolled(client, actors)
    question_id = next(iter(built.questions.values()))["question_id"]
    answers = json.loads(json.dumps(answers).replace('"Q0"', f'"{question_id}"'))
    response = attempt(client, actors.trainee(), built, enrolment_id, answers)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in [row["field"] for row in response.get_json()["errors"]]
    assert Attempt.across_tenants("test").count() == 0


def test_progress_only_while_enrolled_and_only_for_reading_items(client, actors):
    built, enrolment_id = enrolled(client, actors)
    trainee = actors.trainee()
    quiz_item = client.post(f"/enrolments/{enrolment_id}/progress", json={"item_id": built.quiz_item_id},
                            headers=trainee)
    assert quiz_item.status_code == 422
    assert client.post(f"/enrolments/{enrolment_id}/progress", json={"item_id": "nope"},
                       headers=trainee).status_code == 422
    content = ok(client.get(f"/enrolments/{enrolment_id}/content", headers=trainee))
    assert content["progress"] == {"completed_items": 0, "total_items": 3}
    ok(client.post(f"/enrolments/{enrolment_id}/withdraw", json={}, headers=trainee))
    late = client.post(f"/enrolments/{enrolment_id}/progress", json={"item_id": built.lesson_id}, headers=trainee)
    assert late.status_code == 409


def test_content_shows_what_is_done(client, actors):
    built, enrolment_id = enrolled(client, actors)
    trainee = actors.trainee()
    ok(client.post(f"/enrolments/{enrolment_id}/progress", json={"item_id": built.lesson_id}, headers=trainee))
    content = ok(client.get(f"/enrolments/{enrolment_id}/content", headers=trainee))
    [module] = content["modules"]
    assert [(item["kind"], item["completed"]) for item in module["items"]] == [
        ("lesson", True), ("document", False), ("assessment", False)]
    assert module["items"][0]["body"] == "<p>Refugee status determination</p>"
    assert module["items"][2]["quiz"] == {"score": None, "passed": False, "attempts_used": 0, "attempts_left": 3}
    assert content["progress"] == {"completed_items": 1, "total_items": 3}


def test_a_waitlisted_trainee_cannot_take_the_quiz_yet(client, actors):
    from training_service.tests.builders import scheduled

    built = build_course(client, actors.coordinator(), session=scheduled(capacity=1))
    ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee("THA", 1)), 201)
    waiting = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee("THA", 2)), 201)
    response = attempt(client, actors.trainee("THA", 2), built, waiting["id"], built.right_answers())
    assert response.status_code == 409


def test_completing_passes_once_and_issues_one_certificate(client, actors):
    built, enrolment_id = enrolled(client, actors)
    complete_course(client, actors.trainee(), built, enrolment_id)
    assert len(emitted("training.certificate.issued")) == 1
    assert len(emitted("training.course.completed")) == 1
