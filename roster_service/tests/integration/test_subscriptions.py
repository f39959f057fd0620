"""Events from other services keep the roster true: certificates, expert requests from cases, suspensions."""

import json
import uuid

import marshmallow as ma
import pytest

from chassis.messaging.connection import ConfirmingPublisher
from chassis.messaging.consumer import Worker
from chassis.messaging.relay import OutboxRelay
from chassis.testing.events import deliver, emitted, envelope, running, wait_until
from roster_service import SERVICE
from roster_service.deployments.models import DeploymentRequest
from roster_service.experts.models import Expert
from roster_service.subscriptions import subscriptions
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration


def readiness_of(client, headers, expert_id, function="border_management"):
    profile = client.get(f"/experts/{expert_id}", headers=headers).get_json()
    return next(item for item in profile["readiness"] if item["function"] == function)


def certificate_event(expert, event="issued", certificate_id="CERT-1", function="border_management", **changes):
    data = {"certificate_id": certificate_id, "verification_code": "V-1", "course_id": "BM-101",
            "course_title": "Border management foundations", "function": function, "issued_on": day(-5),
            "expires_on": day(700), "status": event, "reason": "Fraud" if event == "revoked" else None,
            "holder": {"user_id": expert["user_id"], "email": expert["email"], "name": expert["full_name"],
                       "tenant": expert["nominating_tenant"], "expert_id": None}}
    data.update(changes)
    return envelope(f"training.certificate.{event}", data, tenant="RSO", source="training")


def vetted_active_expert(roster):
    expert = roster.register("IDN")
    roster.step_expert(expert["expert_id"], "vetted", roster.office())
    roster.step_expert(expert["expert_id"], "active", roster.nominator("IDN"))
    return expert


def test_a_course_certificate_names_the_organisation_that_ran_the_course(roster):
    expert = vetted_active_expert(roster)
    deliver(subscriptions, certificate_event(expert, issuer={"tenant": "IOM",
                                                             "name": "International Organization for Migration"}))
    deliver(subscriptions, certificate_event(expert, certificate_id="CERT-OLD"))  # an event from before issuers
    held = {held.certificate_id: held for held in Expert.across_tenants("test").get(
        id=expert["expert_id"]).certifications}
    assert held["CERT-1"].issuer == "International Organization for Migration"
    assert held["CERT-OLD"].issuer is None  # unknown, rather than a made-up "RSO training centre"


def test_an_issued_certificate_makes_the_expert_ready_and_a_revoked_one_undoes_it_each_once(roster, client):
    expert = vetted_active_expert(roster)
    office = roster.office()
    assert readiness_of(client, office, expert["expert_id"])["level"] == "vetted"

    issued = certificate_event(expert)
    assert deliver(subscriptions, issued) == ["training_certificates"]
    ready = readiness_of(client, office, expert["expert_id"])
    assert ready["level"] == "ready" and ready["certificate_id"] == "CERT-1"
    assert "CERT-1" in ready["explanation"]
    assert deliver(subscriptions, issued) == []  # the same event again changes nothing more
    assert len(Expert.across_tenants("test").get(id=expert["expert_id"]).certifications) == 1

    revoked = certificate_event(expert, "revoked")
    assert deliver(subscriptions, revoked) == ["training_certificates"]
    assert readiness_of(client, office, expert["expert_id"])["level"] == "vetted"
    assert deliver(subscriptions, revoked) == []
    # a late copy of the issuing event (another event id) cannot bring a revoked certificate back
    deliver(subscriptions, certificate_event(expert))
    [certificate] = Expert.across_tenants("test").get(id=expert["expert_id"]).certifications
    assert certificate.status == "revoked" and certificate.reason == "Fraud"


def test_an_expired_certificate_removes_readiness(roster, client):
    expert = vetted_active_expert(roster)
    deliver(subscriptions, certificate_event(expert))
    deliver(subscriptions, certificate_event(expert, "expired"))
    assert readiness_of(client, roster.office(), expert["expert_id"])["level"] == "vetted"


def test_a_certificate_issued_before_nomination_arrives_with_the_new_profile(roster, client):
    person = {"user_id": "user-early", "email": "early@example.org", "full_name": "Early Bird",
              "nominating_tenant": "IDN"}
    deliver(subscriptions, certificate_event(person, certificate_id="CERT-EARLY"))
    expert = roster.register("IDN", user_id="user-early", email="Early@Example.org")
    assert [item["certificate_id"] for item in expert["certifications"]] == ["CERT-EARLY"]


def test_a_course_the_catalogue_lists_qualifies_for_the_function(roster, client):
    expert = vetted_active_expert(roster)
    deliver(subscriptions, certificate_event(expert, function=None, course_id="BM-201"))
    assert readiness_of(client, roster.office(), expert["expert_id"])["level"] == "vetted"
    changed = client.patch("/functions/border_management", json={"qualifying_courses": ["BM-201"]},
                           headers=roster.office())
    assert changed.status_code == 200, changed.get_json()
    assert readiness_of(client, roster.office(), expert["expert_id"])["level"] == "ready"


def case_request(expert_request_id="ER-1", **changes):
    data = {"expert_request_id": expert_request_id, "case_id": "CASE-7", "jpa_id": "JPA-1",
            "requesting_tenant": "THA", "function": "victim_identification",
            "languages": [{"code": "th", "min_level": "professional"}], "country": "THA", "location": "Songkhla",
            "start_date": day(20), "end_date": day(40), "number_of_experts": 2,
            "justification": "Screening of a rescued group"}
    data.update(changes)
    return envelope("joint_action.case.expert_requested", data, tenant="THA", source="joint_action")


def test_a_case_expert_request_becomes_one_submitted_request_linked_to_the_case(roster, client):
    assert deliver(subscriptions, case_request()) == ["case_expert_requests"]
    deliver(subscriptions, case_request())  # redelivered
    deliver(subscriptions, case_request())  # duplicated by the producer: another event id, same expert request
    [request] = DeploymentRequest.across_tenants("test")
    assert (request.tenant, request.status, request.case_id, request.number_of_experts) == \
        ("THA", "submitted", "CASE-7", 2)
    [requested] = emitted("roster.deployment.requested")
    assert requested["data"]["case_id"] == "CASE-7" and requested["tenantid"] == "THA"
    listed = client.get("/requests", headers=roster.requester("THA")).get_json()
    assert [item["request_id"] for item in listed] == [str(request.id)]
    assert client.get("/requests", headers=roster.requester("MYS")).get_json() == []


def test_a_case_that_does_not_know_the_location_yet_still_gets_its_request(roster):
    assert deliver(subscriptions, case_request(location=None)) == ["case_expert_requests"]
    assert DeploymentRequest.across_tenants("test").get().location == ""


def test_deployments_of_a_case_request_carry_the_case(roster):
    deliver(subscriptions, case_request(function="border_management", languages=[], number_of_experts=1))
    request_id = str(DeploymentRequest.across_tenants("test").get().id)
    expert = roster.ready_expert("IDN")
    roster.step_request(request_id, "under_review", roster.office())
    assert roster.offer(request_id, expert["expert_id"]).status_code == 201
    [offered] = emitted("roster.deployment.offered")
    assert offered["data"]["case_id"] == "CASE-7"


def test_the_rosters_decisions_on_a_case_request_are_published_for_the_case(roster):
    """Each status the request reaches, by hand or following from its deployments, names the case's expert request
    (issue 11, item 10: joint action shows the roster's decision on the case)."""
    for expert_request_id in ("ER-1", "ER-2"):
        deliver(subscriptions, case_request(expert_request_id, function="border_management", languages=[],
                                            number_of_experts=1))
    offered, rejected = (str(DeploymentRequest.across_tenants("test").get(expert_request_id=key).id)
                         for key in ("ER-1", "ER-2"))
    assert [event["data"]["expert_request_id"] for event in emitted("roster.deployment.requested")] == ["ER-1", "ER-2"]
    roster.step_request(offered, "under_review", roster.office())
    assert roster.offer(offered, roster.ready_expert("IDN")["expert_id"]).status_code == 201
    roster.step_request(rejected, "rejected", roster.office(), comment="Not this time")
    moved = [(event["data"]["status"], event["data"]["expert_request_id"], event["data"]["case_id"],
              event["data"]["comment"]) for event in emitted("roster.deployment_request.moved")]
    assert moved == [("under_review", "ER-1", "CASE-7", None),
                     ("offered", "ER-1", "CASE-7", "Follows from the request's deployments"),
                     ("rejected", "ER-2", "CASE-7", "Not this time")]


def test_a_suspended_tenant_disappears_from_search_until_reactivated(roster, client):
    expert = roster.ready_expert("IDN")
    headers = roster.requester("THA")
    query = {"function": "border_management"}

    def found():
        return [item["expert_id"] for item in client.get("/search", query_string=query, headers=headers).get_json()]

    assert found() == [expert["expert_id"]]
    deliver(subscriptions, envelope("identity.tenant.suspended", {"tenant": "IDN", "reason": "audit"}, tenant="RSO"))
    assert found() == []
    assert client.get(f"/experts/{expert['expert_id']}", headers=headers).status_code == 404
    deliver(subscriptions, envelope("identity.tenant.reactivated", {"tenant": "IDN"}, tenant="RSO"))
    assert found() == [expert["expert_id"]]


def test_events_travel_through_the_broker_both_ways(roster, make_settings):
    """A certificate published on RabbitMQ reaches the worker; the roster's own events leave via the relay."""
    settings = make_settings(SERVICE)
    expert = vetted_active_expert(roster)
    issued = certificate_event(expert, certificate_id=f"CERT-{uuid.uuid4().hex[:6]}")
    with running(Worker(settings, subscriptions)), running(OutboxRelay(settings)):
        publisher = ConfirmingPublisher(settings.amqp_url, settings.events_exchange)
        publisher.publish(issued["type"], json.dumps(issued).encode(), message_id=issued["id"])
        publisher.close()
        wait_until(lambda: Expert.across_tenants("test").get(id=expert["expert_id"]).certifications,
                   message="the certificate to reach the expert")
        from chassis.messaging.outbox import OutboxMessage

        wait_until(lambda: OutboxMessage.objects(published_at=None).count() == 0, message="the outbox to drain")
    assert {event["type"] for event in emitted()} >= {"roster.expert.registered", "roster.expert.vetted"}


def test_a_case_request_of_a_tenant_the_roster_does_not_know_is_not_stored(roster):
    """The handler fails (to be retried until the gateway's `identity.tenant.created` arrives, then
    dead-lettered), and no request waits as latent access for that tenant (issue 11)."""
    with pytest.raises(ma.ValidationError, match="requesting_tenant"):
        deliver(subscriptions, case_request(requesting_tenant="ZG126CAD"))
    assert DeploymentRequest.across_tenants("test").count() == 0
