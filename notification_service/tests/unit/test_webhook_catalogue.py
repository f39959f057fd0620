"""Every event a webhook can receive names its owning tenant and its record, and a delivery quotes no person and no
free text, whatever the event carries (docs/events.md's shapes, with personal data in every field that has it)."""

from __future__ import annotations

import json

import pytest

from notification_service.webhooks.catalogue import WEBHOOK_EVENTS

PERSONAL = ("Siti Rahma", "siti@example.org", "user-siti", "Bangkok", "Screening of arrivals", "says Somchai",
            "Victim identification", "87.5")
PERSON = {"user_id": "user-siti", "email": "siti@example.org", "name": "Siti Rahma", "tenant": "IDN"}
DEPLOYMENT = {"deployment_id": "dep-1", "request_id": "req-1", "case_id": "case-1", "requesting_tenant": "THA",
              "function": "victim_identification", "country": "THA", "location": "Bangkok",
              "start_date": "2027-03-01", "end_date": "2027-04-30", "status": "offered", "reason": "says Somchai",
              "expert": {"expert_id": "exp-1", "full_name": "Siti Rahma", "email": "siti@example.org",
                         "user_id": "user-siti", "nominating_tenant": "IDN"},
              "evaluation": {"rating": 5, "strengths": "says Somchai", "skill_gaps": []}}
SAMPLES = {
    "roster.expert": {"expert_id": "exp-1", "nominating_tenant": "IDN", "full_name": "Siti Rahma",
                      "email": "siti@example.org", "user_id": "user-siti", "functions": ["victim_identification"],
                      "vetted_at": "2026-11-01T00:00:00Z"},
    "roster.deployment": DEPLOYMENT,
    "roster.deployment_request": {"request_id": "req-1", "expert_request_id": None, "case_id": None,
                                  "requesting_tenant": "THA", "status": "rejected", "comment": "says Somchai"},
    "training.enrolment": {"enrolment_id": "enr-1", "session_id": "s1", "course_id": "c1", "status": "enrolled",
                           "trainee": PERSON},
    "training.course": {"enrolment_id": "enr-1", "course_id": "c1", "trainee": PERSON, "passed": True,
                        "score": 87.5},
    "training.certificate": {"certificate_id": "cert-1", "verification_code": "ABC",
                             "verification_url": "https://rso.example.org/verify/ABC", "course_id": "c1",
                             "course_code": "VOT-101", "course_title": "Victim identification",
                             "function": "victim_identification", "issuer": {"tenant": "IOM", "name": "IOM"},
                             "issued_on": "2026-11-01", "expires_on": "2028-11-01", "status": "valid",
                             "reason": "says Somchai", "holder": {**PERSON, "expert_id": "exp-1"}},
    "joint_action.case": {"expert_request_id": "xr-1", "case_id": "case-1", "jpa_id": "jpa-1",
                          "requesting_tenant": "THA", "lead_tenant": "THA", "tenant": "MYS",
                          "permission": "contribute", "function": "victim_identification", "languages": [],
                          "country": "THA", "location": "Bangkok", "start_date": "2027-03-01",
                          "end_date": "2027-04-30", "number_of_experts": 1, "justification": "Screening of arrivals"},
}


def _sample(event_type: str) -> dict:
    return next(data for prefix, data in SAMPLES.items() if event_type.startswith(prefix + "."))


@pytest.mark.parametrize("event_type", sorted(WEBHOOK_EVENTS))
def test_a_delivery_names_the_owner_and_the_record_and_quotes_nobody(event_type):
    spec = WEBHOOK_EVENTS[event_type]
    data = _sample(event_type)
    assert spec.owner_tenants(data) and spec.owner_tenants(data) <= {"THA", "IDN", "MYS"}
    payload = spec.payload_data(data, event_id="evt-1", public_url="https://portal.example.org")
    record = payload["record"]
    assert record["id"] and record["link"].startswith("https://portal.example.org/")
    assert not record["link"].endswith("None")
    body = json.dumps(payload)
    assert not [value for value in PERSONAL if value in body], body


def test_the_owner_is_the_tenant_of_the_record_not_the_actor():
    assert WEBHOOK_EVENTS["roster.deployment.offered"].owner_tenants(DEPLOYMENT) == {"THA"}  # not the expert's IDN
    assert WEBHOOK_EVENTS["training.certificate.issued"].owner_tenants(SAMPLES["training.certificate"]) == {"IDN"}
    assert WEBHOOK_EVENTS["joint_action.case.shared"].owner_tenants(SAMPLES["joint_action.case"]) == {"THA", "MYS"}
    assert WEBHOOK_EVENTS["roster.deployment.offered"].owner_tenants({**DEPLOYMENT, "requesting_tenant": None}) == set()
