"""Bad input answers 422 problem+json naming every offending field, and writes nothing."""

import pytest

from chassis.messaging.outbox import OutboxMessage
from roster_service.deployments.models import DeploymentRequest
from roster_service.experts.models import Expert
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration


def assert_rejected(response, *fields):
    assert response.status_code == 422, response.get_json()
    assert response.mimetype == "application/problem+json"
    named = {row["field"] for row in response.get_json()["errors"]}
    assert set(fields) <= named, named


@pytest.mark.parametrize(("changes", "fields"), [
    ({"functions": [{"code": "astrology", "experience_level": "senior", "years": 3}]}, ["functions.0.code"]),
    ({"languages": [{"code": "english", "level": "native"}]}, ["languages.0.code"]),
    ({"languages": [{"code": "eng", "level": "native"}]}, ["languages.0.code"]),
    ({"languages": [{"code": "en", "level": "fluent"}]}, ["languages.0.level"]),
    ({"nationality": "XXX"}, ["nationality"]),
    ({"full_name": "x" * 201, "phone": "call me"}, ["full_name", "phone"]),
    ({"functions": [{"code": "border_management", "experience_level": "senior", "years": "eight"}]},
     ["functions.0.years"]),
    ({"email": 42, "languages": "en"}, ["email", "languages"]),
    ({"consent_given_on": day(3)}, ["consent_given_on"]),
    ({"unavailability": [{"start_date": day(10), "end_date": day(5)}]}, ["unavailability.0.end_date"]),
    ({"external_certifications": [{"title": "t", "issuer": "i", "evidence_reference": "e", "issued_on": day(0),
                                   "expires_on": day(-5)}]}, ["external_certifications.0.expires_on"]),
    ({"languages": [{"code": "en", "level": "basic"}, {"code": "en", "level": "native"}]}, ["languages"]),
    ({"secret_field": True}, ["secret_field"]),
])
def test_a_bad_nomination_names_the_fields_and_writes_nothing(roster, client, changes, fields):
    response = client.post("/experts", json=roster.expert_payload(**changes), headers=roster.nominator("IDN"))
    assert_rejected(response, *fields)
    assert Expert.across_tenants("test").count() == 0
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize(("changes", "fields"), [
    ({"function": "astrology"}, ["function"]),
    ({"start_date": day(40), "end_date": day(30)}, ["end_date"]),
    ({"start_date": day(-3)}, ["start_date"]),
    ({"languages": [{"code": "zz", "min_level": "basic"}]}, ["languages.0.code"]),
    ({"justification": "x" * 4001, "location": ""}, ["justification", "location"]),
    ({"number_of_experts": "two", "country": "Thailand"}, ["number_of_experts", "country"]),
    ({"number_of_experts": 0}, ["number_of_experts"]),
])
def test_a_bad_request_names_the_fields_and_writes_nothing(roster, client, changes, fields):
    response = client.post("/requests", json=roster.request_payload(**changes), headers=roster.requester("THA"))
    assert_rejected(response, *fields)
    assert DeploymentRequest.across_tenants("test").count() == 0


@pytest.mark.parametrize(("query", "fields"), [
    ({}, ["function"]),
    ({"function": "astrology"}, ["function"]),
    ({"function": "border_management", "language": "xx:basic"}, ["language.0"]),
    ({"function": "border_management", "language": "en:fluent"}, ["language.0"]),
    ({"function": "border_management", "start_date": day(9), "end_date": day(1)}, ["end_date"]),
    ({"function": "border_management", "start_date": day(9)}, ["end_date"]),
    ({"function": "border_management", "exclude_nationals": "true"}, ["country"]),
    ({"function": "border_management", "start_date": "next week", "end_date": day(1)}, ["start_date"]),
])
def test_a_bad_search_names_the_fields(roster, client, query, fields):
    assert_rejected(client.get("/search", query_string=query, headers=roster.requester("THA")), *fields)


def test_a_bad_step_or_evaluation_names_the_fields_and_writes_nothing(roster, client):
    expert = roster.ready_expert("IDN")
    request_id = roster.request_under_review("THA", start_date=day(0))["request_id"]
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]
    roster.step_deployment(deployment_id, "accepted", roster.person(expert["user_id"]))
    roster.step_deployment(deployment_id, "deployed", roster.office())
    before = OutboxMessage.objects.count()
    response = roster.step_deployment(deployment_id, "completed", roster.requester("THA"), evaluation={
        "rating": 9, "skill_gaps": [{"function": "astrology", "note": ""}]})
    assert_rejected(response, "evaluation.rating", "evaluation.skill_gaps.0.function", "evaluation.skill_gaps.0.note")
    assert client.get(f"/deployments/{deployment_id}", headers=roster.office()).get_json()["status"] == "deployed"
    assert OutboxMessage.objects.count() == before
    assert_rejected(roster.step_request(request_id, None, roster.office()), "to")
    assert_rejected(client.post(f"/requests/{request_id}/offers", json={"expert_id": 5}, headers=roster.office()),
                    "expert_id")
    assert_rejected(client.get("/reports/deployments", query_string={"start_date": day(5), "end_date": day(1)},
                               headers=roster.office()), "end_date")
