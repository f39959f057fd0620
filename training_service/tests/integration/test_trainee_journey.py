"""Acceptance: enrol, complete every item, pass the quiz, get a certificate the public endpoint verifies;
revoked, the same endpoint says so."""

import pytest

from chassis.testing.events import emitted
from training_service.tests.builders import build_course, complete_course, ok, trainee_email

pytestmark = pytest.mark.integration


def test_a_trainee_passes_and_the_certificate_verifies_publicly_until_revoked(client, actors):
    provider, trainee = actors.coordinator("IOM"), actors.trainee("THA")
    built = build_course(client, provider)

    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    assert enrolment["status"] == "enrolled"
    assert enrolment["trainee"] == {"user_id": "user-trainee1-THA", "email": trainee_email(), "name": "Trainee1 Tha",
                                    "tenant": "THA"}

    result = complete_course(client, trainee, built, enrolment["id"])
    assert result["passed"] is True and result["score"] == 100.0
    assert result["enrolment_status"] == "completed"
    certificate_id = result["certificate_id"]

    certificate = ok(client.get(f"/certificates/{certificate_id}", headers=trainee))
    assert certificate["status"] == "valid" and certificate["function"] == "refugee_status_determination"
    assert len(certificate["verification_code"]) >= 32

    public = client.get(f"/public/certificates/{certificate['verification_code']}")  # no Authorization header
    assert ok(public) == {"holder_name": "Trainee1 Tha", "course_title": "Course RSD-101", "issuer": "Tenant IOM",
                          "issued_on": certificate["issued_on"], "expires_on": certificate["expires_on"],
                          "status": "valid"}

    revoked = ok(client.post(f"/certificates/{certificate_id}/revoke", json={"reason": "Exam misconduct"},
                             headers=provider))
    assert revoked["status"] == "revoked" and revoked["reason"] == "Exam misconduct"
    assert ok(client.get(f"/public/certificates/{certificate['verification_code']}"))["status"] == "revoked"
    assert "misconduct" not in client.get(f"/public/certificates/{certificate['verification_code']}").get_data(True)

    [completed] = emitted("training.course.completed")
    assert completed["data"] == {"enrolment_id": enrolment["id"], "course_id": built.course_id,
                                 "trainee": enrolment["trainee"], "passed": True, "score": 100.0}
    [issued] = emitted("training.certificate.issued")
    [revoked_event] = emitted("training.certificate.revoked")
    assert issued["data"]["status"] == "valid" and revoked_event["data"]["status"] == "revoked"
    assert revoked_event["data"]["reason"] == "Exam misconduct"
    assert issued["data"]["holder"] == {**enrolment["trainee"], "expert_id": None}
    assert set(issued["data"]) == {"certificate_id", "verification_code", "verification_url", "course_id",
                                   "course_code", "course_title", "function", "issuer", "issued_on", "expires_on",
                                   "status", "reason", "holder"}


def test_an_unknown_verification_code_is_404_without_login(client):
    response = client.get("/public/certificates/not-a-real-code")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
