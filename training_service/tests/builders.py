"""Test helpers: who calls (tokens per role) and a course built through the API, as providers build one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Callable

from bson import ObjectId
from flask.testing import FlaskClient

from training_service.certificates.models import Certificate
from training_service.directory.models import TraineeRef

CORRECT_SHORT_ANSWER = "Non-refoulement"


class Actors:
    """Bearer headers for the people of a test: a tenant's coordinator, trainer, trainees, auditors."""

    def __init__(self, auth_headers: Callable[..., dict[str, str]]):
        self._headers = auth_headers

    def coordinator(self, tenant: str = "IOM") -> dict[str, str]:
        return self.person(tenant, "training_coordinator", name=f"coordinator-{tenant}")

    def trainer(self, tenant: str = "IOM") -> dict[str, str]:
        return self.person(tenant, "trainer", name=f"trainer-{tenant}")

    def trainee(self, tenant: str = "THA", number: int = 1) -> dict[str, str]:
        return self.person(tenant, "trainee", name=f"trainee{number}-{tenant}")

    def person(self, tenant: str, *roles: str, name: str) -> dict[str, str]:
        return self._headers(tenant=tenant, roles=list(roles), sub=f"user-{name}",
                             email=f"{name}@{tenant.lower()}.example.org", name=name.replace("-", " ").title())

    def machine(self, tenant: str, *roles: str) -> dict[str, str]:
        """A client_credentials token: no e-mail, no name."""
        return self._headers(tenant=tenant, roles=list(roles), sub=f"client-{tenant.lower()}")


def trainee_email(tenant: str = "THA", number: int = 1) -> str:
    return f"trainee{number}-{tenant}@{tenant.lower()}.example.org".lower()


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


@dataclasses.dataclass
class BuiltCourse:
    course_id: str
    session_id: str
    assessment_id: str
    lesson_id: str
    document_id: str
    quiz_item_id: str
    module_id: str
    questions: dict[str, dict]  # prompt -> author's view of the question (with its key)

    def right_answers(self) -> list[dict]:
        return [_answer(question, right=True) for question in self.questions.values()]

    def wrong_answers(self) -> list[dict]:
        return [_answer(question, right=False) for question in self.questions.values()]


def _answer(question: dict, *, right: bool) -> dict:
    if question["kind"] == "short_answer":
        return {"question_id": question["question_id"], "text": CORRECT_SHORT_ANSWER if right else "no idea"}
    options = [option["option_id"] for option in question["options"] if option["correct"] == right]
    return {"question_id": question["question_id"], "option_ids": options[:1] if not right else options}


QUIZ = {
    "title": "Principles check",
    "pass_mark": 70,
    "max_attempts": 3,
    "grading_policy": "best",
    "questions": [
        {"kind": "single_choice", "prompt": "Who determines refugee status here?",
         "options": [{"text": "UNHCR or the state", "correct": True}, {"text": "The carrier"}]},
        {"kind": "multiple_choice", "prompt": "Which are vulnerable groups?",
         "options": [{"text": "Unaccompanied minors", "correct": True},
                     {"text": "Victims of trafficking", "correct": True}, {"text": "Tour operators"}]},
        {"kind": "short_answer", "prompt": "Name the principle against return to danger.",
         "accepted_answers": [CORRECT_SHORT_ANSWER, "non refoulement"]},
    ],
}


def build_course(client: FlaskClient, provider: dict[str, str], *, code: str = "RSD-101", quiz: dict | None = None,
                 session: dict | None = None, **course_fields) -> BuiltCourse:
    """A published course (one module: lesson, document, quiz) and one session, made through the API."""
    assessment = ok(client.post("/assessments", json=quiz or QUIZ, headers=provider), 201)
    module = ok(client.post("/modules", headers=provider, json={
        "title": "Foundations", "summary": "What RSD is", "learning_objectives": ["Explain RSD"],
        "functions": ["refugee_status_determination"],
        "items": [
            {"kind": "lesson", "title": "Introduction", "body": "<p>Refugee status determination</p>"},
            {"kind": "document", "title": "Handbook", "document_url": "https://docs.example.org/handbook.pdf"},
            {"kind": "assessment", "title": "Check", "assessment_id": assessment["id"]},
        ]}), 201)
    course = ok(client.post("/courses", headers=provider, json={
        "code": code, "title": f"Course {code}", "module_ids": [module["id"]], "pass_mark": 60,
        "certificate_validity_months": 12, "function": "refugee_status_determination", **course_fields}), 201)
    ok(client.post(f"/courses/{course['id']}/status", json={"status": "published"}, headers=provider))
    created = ok(client.post(f"/courses/{course['id']}/sessions", headers=provider,
                             json=session or {"mode": "self_paced", "title": "Open cohort"}), 201)
    lesson, document, quiz_item = module["items"]
    return BuiltCourse(course_id=course["id"], session_id=created["id"], assessment_id=assessment["id"],
                       lesson_id=lesson["item_id"], document_id=document["item_id"],
                       quiz_item_id=quiz_item["item_id"], module_id=module["id"],
                       questions={question["prompt"]: question for question in assessment["questions"]})


def scheduled(capacity: int, **fields) -> dict:
    return {"mode": "in_person", "title": "Bangkok cohort", "starts_on": "2099-03-01", "ends_on": "2099-03-05",
            "location": "Bangkok", "capacity": capacity, **fields}


def complete_course(client: FlaskClient, trainee: dict[str, str], built: BuiltCourse, enrolment_id: str) -> dict:
    """Complete every item and pass the quiz; return the attempt's result."""
    for item_id in (built.lesson_id, built.document_id):
        ok(client.post(f"/enrolments/{enrolment_id}/progress", json={"item_id": item_id}, headers=trainee))
    return ok(client.post(f"/enrolments/{enrolment_id}/assessments/{built.assessment_id}/attempts",
                          json={"answers": built.right_answers()}, headers=trainee), 201)


def stored_certificate(expires_on: dt.date | None, *, tenant: str = "THA", email: str = "ana@tha.example.org",
                       **fields) -> Certificate:
    """A certificate written straight to the database, for the expiry job and reports."""
    values = {
        "verification_code": secrets.token_urlsafe(24), "enrolment_id": ObjectId(), "course_id": ObjectId(),
        "course_code": "RSD-101", "course_title": "Refugee status determination",
        "function": "refugee_status_determination", "provider_tenant": "IOM", "issued_on": dt.date(2029, 6, 1),
        **fields}
    return Certificate(tenant=tenant, holder=TraineeRef(user_id=None, email=email, name="Ana Lim", tenant=tenant),
                       expires_on=expires_on, **values).save()
