"""Events consumed: roster experts, deployment evaluations (skill gaps), tenant suspension."""

import json

import pytest

from chassis.messaging.connection import ConfirmingPublisher
from chassis.messaging.consumer import Worker
from chassis.messaging.outbox import OutboxMessage
from chassis.messaging.relay import OutboxRelay
from chassis.testing.events import deliver, emitted, envelope, running, wait_until
from training_service.directory.models import ExpertLink
from training_service.enrolments.models import Enrolment
from training_service.recommendations.models import Recommendation
from training_service.subscriptions import subscriptions
from training_service.tests.builders import build_course, complete_course, ok, scheduled, trainee_email

pytestmark = pytest.mark.integration


def expert_registered(email, user_id=None, expert_id="exp-1"):
    return envelope("roster.expert.registered", {
        "expert_id": expert_id, "nominating_tenant": "THA", "full_name": "Trainee One", "email": email,
        "user_id": user_id, "functions": ["refugee_status_determination"]}, tenant="THA", source="roster")


def deployment_completed(skill_gaps, deployment_id="dep-1"):
    return envelope("roster.deployment.completed", {
        "deployment_id": deployment_id, "request_id": "req-1", "case_id": None, "requesting_tenant": "IDN",
        "function": "interview_techniques", "country": "IDN", "location": "Jakarta", "start_date": "2030-01-01",
        "end_date": "2030-02-01", "status": "completed",
        "expert": {"expert_id": "exp-1", "full_name": "Trainee One", "email": trainee_email().upper(),
                   "user_id": None, "nominating_tenant": "THA"},
        "evaluation": {"rating": 4, "strengths": "calm", "skill_gaps": skill_gaps}}, tenant="IDN", source="roster")


def test_certificates_carry_the_expert_once_the_roster_registered_the_person(client, actors):
    provider, trainee = actors.coordinator(), actors.trainee()
    built = build_course(client, provider)
    before = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    earlier_certificate = complete_course(client, trainee, built, before["id"])["certificate_id"]

    assert deliver(subscriptions, expert_registered(trainee_email().upper())) == ["link_trainee_to_expert"]
    assert ok(client.get(f"/certificates/{earlier_certificate}", headers=trainee))["expert_id"] == "exp-1"
    ok(client.post(f"/certificates/{earlier_certificate}/revoke", json={"reason": "superseded by audit"},
                   headers=provider))
    assert emitted("training.certificate.revoked")[0]["data"]["holder"]["expert_id"] == "exp-1"

    again = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    complete_course(client, trainee, built, again["id"])
    first_issue, second_issue = emitted("training.certificate.issued")
    assert first_issue["data"]["holder"]["expert_id"] is None
    assert second_issue["data"]["holder"]["expert_id"] == "exp-1"


def test_an_expert_of_another_tenant_with_a_persons_address_gets_none_of_their_certificates(client, actors):
    """IDN's roster profile typed with a THA person's e-mail: neither held nor later certificates of the
    THA person name IDN's expert (the roster would otherwise carry them onto IDN's profile)."""
    trainee, built = actors.trainee("THA"), build_course(client, actors.coordinator())
    held = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    held_certificate = complete_course(client, trainee, built, held["id"])["certificate_id"]
    event = expert_registered(trainee_email("THA"), expert_id="idn-expert")
    deliver(subscriptions, {**event, "data": {**event["data"], "nominating_tenant": "IDN"}})

    assert ok(client.get(f"/certificates/{held_certificate}", headers=trainee))["expert_id"] is None
    later = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    complete_course(client, trainee, built, later["id"])
    assert [event["data"]["holder"]["expert_id"] for event in emitted("training.certificate.issued")] == [None, None]


def test_the_expert_is_matched_by_user_id_too(client, actors):
    deliver(subscriptions, expert_registered("someone.else@example.org", user_id="user-trainee1-THA"))
    trainee = actors.trainee()
    built = build_course(client, actors.coordinator())
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    complete_course(client, trainee, built, enrolment["id"])
    assert emitted("training.certificate.issued")[0]["data"]["holder"]["expert_id"] == "exp-1"


def test_skill_gaps_become_recommended_enrolments_once(client, actors):
    built = build_course(client, actors.coordinator())  # qualifies for refugee_status_determination
    event = deployment_completed([{"function": "refugee_status_determination", "note": "Weak on credibility"},
                                  {"function": "search_rescue_shelter", "note": "No course covers this"},
                                  {"function": "not-a-function", "note": "ignored"}])
    assert deliver(subscriptions, event) == ["recommend_training_for_skill_gaps"]
    assert deliver(subscriptions, event) == []
    deliver(subscriptions, {**event, "id": "a-duplicate-publication"})

    [recommendation] = ok(client.get("/recommendations", headers=actors.coordinator("THA")))
    assert (recommendation["course_id"], recommendation["function"], recommendation["status"]) == (
        built.course_id, "refugee_status_determination", "open")
    assert recommendation["person"]["email"] == trainee_email() and recommendation["expert_id"] == "exp-1"
    assert [r["id"] for r in ok(client.get("/me/recommendations", headers=actors.trainee()))] == [recommendation["id"]]
    assert ok(client.get("/recommendations", headers=actors.coordinator("IDN"))) == []

    ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee()), 201)
    assert ok(client.get("/me/recommendations", headers=actors.trainee()))[0]["status"] == "enrolled"


def test_a_recommendation_is_dismissed_by_the_tenants_coordinator(client, actors):
    build_course(client, actors.coordinator())
    deliver(subscriptions, deployment_completed([{"function": "refugee_status_determination", "note": ""}]))
    recommendation = Recommendation.across_tenants("test").get()
    assert client.post(f"/recommendations/{recommendation.id}/dismiss",
                       headers=actors.coordinator("IDN")).status_code == 404
    assert ok(client.post(f"/recommendations/{recommendation.id}/dismiss",
                          headers=actors.coordinator("THA")))["status"] == "dismissed"
    assert client.post(f"/recommendations/{recommendation.id}/dismiss",
                       headers=actors.coordinator("THA")).status_code == 409


def test_a_course_with_a_module_on_the_function_is_recommended_when_none_qualifies(client, actors):
    built = build_course(client, actors.coordinator(), function=None)  # its module relates to RSD
    deliver(subscriptions, deployment_completed([{"function": "refugee_status_determination", "note": ""}]))
    assert str(Recommendation.across_tenants("test").get().course_id) == built.course_id


def test_a_suspended_tenant_leaves_waitlists_and_its_courses_leave_the_catalogue(client, actors):
    built = build_course(client, actors.coordinator("IOM"), session=scheduled(capacity=1))
    seated = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee("THA", 1)), 201)
    waiting = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee("THA", 2)), 201)
    other = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee("IDN", 1)), 201)

    suspended = envelope("identity.tenant.suspended", {"tenant": "THA", "reason": "audit"}, tenant="RSO",
                         source="gateway")
    assert deliver(subscriptions, suspended) == ["follow_tenant_status"]
    statuses = {str(e.id): e.status for e in Enrolment.across_tenants("test")}
    assert statuses == {seated["id"]: "enrolled", waiting["id"]: "withdrawn", other["id"]: "waitlisted"}
    [withdrawal] = emitted("training.enrolment.withdrawn")
    assert withdrawal["data"]["enrolment_id"] == waiting["id"]

    deliver(subscriptions, envelope("identity.tenant.suspended", {"tenant": "IOM", "reason": "x"}, tenant="RSO"))
    assert ok(client.get("/courses", headers=actors.trainee("IDN"))) == []
    refused = client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee("IDN", 2))
    assert refused.status_code == 409 and refused.get_json()["tenant"] == "IOM"  # IDN has people in it: it sees it
    deliver(subscriptions, envelope("identity.tenant.reactivated", {"tenant": "IOM"}, tenant="RSO"))
    assert [c["id"] for c in ok(client.get("/courses", headers=actors.trainee("IDN")))] == [built.course_id]


def test_events_flow_through_the_real_broker_both_ways(client, actors, settings):
    """The worker consumes from RabbitMQ; the relay publishes training's outbox to it."""
    with running(Worker(settings, subscriptions)), running(OutboxRelay(settings)):
        publisher = ConfirmingPublisher(settings.amqp_url, settings.events_exchange)
        event = expert_registered(trainee_email(), expert_id="exp-42")
        publisher.publish(event["type"], json.dumps(event).encode(), message_id=event["id"])
        publisher.close()
        wait_until(lambda: ExpertLink.objects(id="exp-42").first(), message="the expert to be linked")

        built = build_course(client, actors.coordinator())
        ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=actors.trainee()), 201)
        wait_until(lambda: OutboxMessage.objects(published_at=None).count() == 0 and OutboxMessage.objects.count(),
                   message="the relay to publish training's events")
