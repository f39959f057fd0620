"""A request goes from draft to completion through the API, each step by the people allowed to take it."""

import pytest

from chassis.testing.events import emitted
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration


def test_full_request_to_completion_with_the_right_roles(roster, client):
    expert = roster.ready_expert("IDN")
    requester, office, nominator = roster.requester("THA"), roster.office(), roster.nominator("IDN")
    me = roster.person(expert["user_id"], tenant="IDN")

    request = roster.request("THA", start_date=day(0))  # deployed and completed from its first day on
    assert request["status"] == "draft"
    request_id = request["request_id"]
    assert roster.step_request(request_id, "submitted", requester).get_json()["status"] == "submitted"
    assert roster.step_request(request_id, "under_review", office).get_json()["status"] == "under_review"

    offered = roster.offer(request_id, expert["expert_id"])
    assert offered.status_code == 201, offered.get_json()
    deployment_id = offered.get_json()["deployment_id"]
    assert client.get(f"/requests/{request_id}", headers=requester).get_json()["status"] == "offered"

    accepted = roster.step_deployment(deployment_id, "accepted", me, comment="Happy to help")
    assert accepted.status_code == 200, accepted.get_json()
    assert client.get(f"/requests/{request_id}", headers=requester).get_json()["status"] == "accepted"

    deployed = roster.step_deployment(deployment_id, "deployed", office)
    assert deployed.get_json()["status"] == "deployed"
    assert client.get(f"/requests/{request_id}", headers=requester).get_json()["status"] == "deployed"

    evaluation = {"rating": 4, "strengths": "Calm under pressure",
                  "skill_gaps": [{"function": "interview_techniques", "note": "Child-sensitive interviewing"}]}
    completed = roster.step_deployment(deployment_id, "completed", requester, evaluation=evaluation)
    assert completed.status_code == 200, completed.get_json()
    assert completed.get_json()["evaluation"]["rating"] == 4

    final = client.get(f"/requests/{request_id}", headers=requester).get_json()
    assert final["status"] == "completed"
    assert [(step["from_state"], step["to_state"]) for step in final["history"]] == [
        ("draft", "submitted"), ("submitted", "under_review"), ("under_review", "offered"),
        ("offered", "accepted"), ("accepted", "deployed"), ("deployed", "completed")]
    history = client.get(f"/deployments/{deployment_id}", headers=requester).get_json()["history"]
    assert [(step["to_state"], step["actor"], step["actor_tenant"]) for step in history] == [
        ("offered", "rso-officer", "RSO"), ("accepted", expert["user_id"], "IDN"),
        ("deployed", "rso-officer", "RSO"), ("completed", "tha-officer", "THA")]
    assert history[1]["comment"] == "Happy to help" and history[1]["at"]

    [record] = client.get(f"/experts/{expert['expert_id']}/deployments", headers=nominator).get_json()
    assert record["evaluation"]["skill_gaps"][0]["note"] == "Child-sensitive interviewing"

    assert [event["data"]["request_id"] for event in emitted("roster.deployment.requested")] == [request_id]
    for event_type in ("offered", "accepted", "deployed", "completed"):
        [event] = emitted(f"roster.deployment.{event_type}")
        assert event["data"]["deployment_id"] == deployment_id
        assert event["data"]["expert"]["expert_id"] == expert["expert_id"]
    [completed_event] = emitted("roster.deployment.completed")
    assert completed_event["data"]["evaluation"]["skill_gaps"] == evaluation["skill_gaps"]


def test_every_illegal_step_is_a_conflict_naming_the_allowed_next_states(roster):
    expert = roster.ready_expert("IDN")
    requester, office = roster.requester("THA"), roster.office()
    request_id = roster.request("THA")["request_id"]

    refused = roster.step_request(request_id, "under_review", office)
    assert refused.status_code == 409
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["allowed_next_states"] == ["submitted", "withdrawn"]
    assert roster.step_request(request_id, "accepted", requester).status_code == 409
    assert roster.offer(request_id, expert["expert_id"]).status_code == 409  # not under review yet

    roster.step_request(request_id, "submitted", requester)
    assert roster.step_request(request_id, "submitted", requester).status_code == 409
    roster.step_request(request_id, "under_review", office)
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]

    for illegal in ("deployed", "completed", "offered"):
        response = roster.step_deployment(deployment_id, illegal, office)
        assert response.status_code == 409, illegal
        assert response.get_json()["allowed_next_states"] == ["accepted", "cancelled", "declined"]
    me = roster.person(expert["user_id"])
    roster.step_deployment(deployment_id, "accepted", me)
    assert roster.step_deployment(deployment_id, "accepted", me).status_code == 409
    assert roster.step_request(request_id, "withdrawn", requester).status_code == 409  # cancel once accepted
    assert roster.step_request(request_id, "rejected", office).status_code == 409


def test_each_step_needs_its_capacity(roster):
    expert = roster.ready_expert("IDN")
    request_id = roster.request("THA", start_date=day(0))["request_id"]
    assert roster.step_request(request_id, "submitted", roster.office()).status_code == 403
    roster.step_request(request_id, "submitted", roster.requester("THA"))
    # a member state's roster manager is not the roster office; another state does not even see the request
    assert roster.step_request(request_id, "under_review", roster.nominator("THA")).status_code == 403
    assert roster.step_request(request_id, "under_review", roster.nominator("MYS")).status_code == 404
    assert roster.step_request(request_id, "under_review", roster.requester("THA")).status_code == 403
    roster.step_request(request_id, "under_review", roster.office())
    assert roster.client.post(f"/requests/{request_id}/offers", json={"expert_id": expert["expert_id"]},
                              headers=roster.nominator("THA")).status_code == 403
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]
    # the requesting state cannot accept on the expert's behalf; the nominating tenant can
    assert roster.step_deployment(deployment_id, "accepted", roster.requester("THA")).status_code == 403
    assert roster.step_deployment(deployment_id, "accepted", roster.nominator("IDN")).status_code == 200
    assert roster.step_deployment(deployment_id, "deployed", roster.nominator("IDN")).status_code == 403
    assert roster.step_deployment(deployment_id, "deployed", roster.requester("THA")).status_code == 200
    missing = roster.step_deployment(deployment_id, "completed", roster.requester("THA"))
    assert missing.status_code == 422
    assert missing.get_json()["errors"][0]["field"] == "evaluation"


def test_a_declined_offer_reopens_the_request_and_a_withdrawal_cancels_open_offers(roster, client):
    first, second = roster.ready_expert("IDN"), roster.ready_expert("IDN")
    request_id = roster.request_under_review("THA")["request_id"]
    offer = roster.offer(request_id, first["expert_id"]).get_json()
    declined = roster.step_deployment(offer["deployment_id"], "declined", roster.person(first["user_id"]),
                                      reason="On leave")
    assert declined.get_json()["status"] == "declined"
    assert client.get(f"/requests/{request_id}", headers=roster.office()).get_json()["status"] == "under_review"
    [cancelled] = emitted("roster.deployment.cancelled")
    assert cancelled["data"]["status"] == "declined" and cancelled["data"]["reason"] == "On leave"

    second_offer = roster.offer(request_id, second["expert_id"]).get_json()
    withdrawn = roster.step_request(request_id, "withdrawn", roster.requester("THA"), comment="No longer needed")
    assert withdrawn.get_json()["status"] == "withdrawn"
    after = client.get(f"/deployments/{second_offer['deployment_id']}", headers=roster.office()).get_json()
    assert after["status"] == "cancelled" and after["cancellation_reason"] == "No longer needed"


def test_cancelling_an_accepted_deployment_frees_the_expert(roster, client):
    expert = roster.ready_expert("IDN")
    request_id = roster.request_under_review("THA")["request_id"]
    deployment_id = roster.offer(request_id, expert["expert_id"]).get_json()["deployment_id"]
    roster.step_deployment(deployment_id, "accepted", roster.person(expert["user_id"]))
    booked = client.get(f"/experts/{expert['expert_id']}", headers=roster.office()).get_json()["bookings"]
    assert [booking["deployment_id"] for booking in booked] == [deployment_id]

    roster.step_request(request_id, "cancelled", roster.requester("THA"), comment="Mission postponed")
    assert client.get(f"/experts/{expert['expert_id']}", headers=roster.office()).get_json()["bookings"] == []
    [event] = emitted("roster.deployment.cancelled")
    assert event["data"]["reason"] == "Mission postponed"


def test_an_expert_who_does_not_match_cannot_be_offered(roster):
    national = roster.ready_expert("IDN", nationality="THA")
    request_id = roster.request_under_review("THA", start_date=day(10), end_date=day(20))["request_id"]
    refused = roster.offer(request_id, national["expert_id"])
    assert refused.status_code == 409
    assert refused.get_json()["first_failure"]["criterion"] == "conflict_of_interest"
    assert roster.offer(request_id, "0" * 24).status_code == 422
