"""`roster.expert.erased`: training forgets the person who withdrew consent, and events arriving late change
nothing (docs/adr/0067)."""

import json

import pytest

from chassis.erasure import ERASED_NAME, erased_email
from chassis.messaging.outbox import OutboxMessage
from chassis.testing.events import deliver, envelope
from training_service.directory.models import ExpertLink, KnownPerson
from training_service.enrolments.models import Enrolment
from training_service.recommendations.models import Recommendation
from training_service.subscriptions import subscriptions
from training_service.tests.builders import build_course, complete_course, ok, scheduled, trainee_email
from training_service.tests.integration.test_subscriptions import deployment_completed, expert_registered

pytestmark = pytest.mark.integration

USER_ID = "user-trainee1-THA"  # the trainee's sub (builders.Actors)


def erased(expert_id="exp-1", user_id=USER_ID):
    return envelope("roster.expert.erased", {"expert_id": expert_id, "user_id": user_id}, tenant="THA",
                    source="roster")


def test_the_erased_person_is_anonymised_on_what_is_kept_and_the_rest_goes(client, actors):
    provider, trainee, other = actors.coordinator(), actors.trainee(), actors.trainee(number=2)
    deliver(subscriptions, expert_registered(trainee_email(), user_id=USER_ID))
    built = build_course(client, provider)
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    code = ok(client.get(f"/certificates/{complete_course(client, trainee, built, enrolment['id'])['certificate_id']}",
                         headers=trainee))["verification_code"]
    full = build_course(client, provider, code="RSD-102", session=scheduled(1))
    seat = ok(client.post(f"/sessions/{full.session_id}/enrolments", headers=trainee), 201)
    waiting = ok(client.post(f"/sessions/{full.session_id}/enrolments", headers=other), 201)
    assert (seat["status"], waiting["status"]) == ("enrolled", "waitlisted")
    deliver(subscriptions, deployment_completed([{"function": "refugee_status_determination", "note": "Gaps"}]))
    assert Recommendation.across_tenants("test").count() == 1

    assert deliver(subscriptions, erased()) == ["forget_erased_person"]

    verified = ok(client.get(f"/public/certificates/{code}"))
    assert verified["holder_name"] == ERASED_NAME and verified["status"] == "valid"
    mine = Enrolment.across_tenants("test").filter(trainee__email=erased_email("exp-1"))
    assert sorted(e.status for e in mine) == ["completed", "withdrawn"]
    assert all(e.trainee.name == ERASED_NAME and e.trainee.user_id is None for e in mine)
    assert Enrolment.across_tenants("test").get(id=waiting["id"]).status == "enrolled"  # the freed seat, passed on
    assert ExpertLink.objects.count() == 0 and Recommendation.across_tenants("test").count() == 0
    assert [person.user_id for person in KnownPerson.across_tenants("test")] == ["user-trainee2-THA"]
    outbox = json.dumps([message.envelope for message in OutboxMessage.objects]).lower()
    assert trainee_email() not in outbox and USER_ID.lower() not in outbox and "trainee1 tha" not in outbox
    assert ok(client.get("/me/enrolments", headers=trainee)) == []


def test_events_about_an_erased_person_arriving_late_keep_nothing_of_them(client, actors):
    build_course(client, actors.coordinator())
    assert deliver(subscriptions, erased()) == ["forget_erased_person"]

    deliver(subscriptions, expert_registered(trainee_email(), user_id=USER_ID))
    deliver(subscriptions, deployment_completed([{"function": "refugee_status_determination", "note": "Gaps"}]))

    assert ExpertLink.objects.count() == 0 and Recommendation.across_tenants("test").count() == 0


def test_an_expert_of_another_tenant_with_a_persons_address_erases_none_of_that_persons_records(client, actors):
    trainee, built = actors.trainee("THA"), build_course(client, actors.coordinator())
    enrolment = ok(client.post(f"/sessions/{built.session_id}/enrolments", headers=trainee), 201)
    certificate_id = complete_course(client, trainee, built, enrolment["id"])["certificate_id"]
    registered = expert_registered(trainee_email("THA"), expert_id="idn-expert")
    deliver(subscriptions, {**registered, "data": {**registered["data"], "nominating_tenant": "IDN"}})

    deliver(subscriptions, erased(expert_id="idn-expert", user_id=None))

    assert ok(client.get(f"/certificates/{certificate_id}", headers=trainee))["holder"]["name"] == "Trainee1 Tha"
    assert Enrolment.across_tenants("test").get(id=enrolment["id"]).trainee.email == trainee_email("THA")
    assert KnownPerson.across_tenants("test").count() == 1
