"""Enrolment: seats and waitlist, promotion in order, approval, nomination, withdrawal, no double enrolment."""

import datetime as dt
import threading

import pytest

from chassis.testing.events import emitted
from training_service.enrolments.models import Enrolment
from training_service.sessions.models import Session
from training_service.tests.builders import build_course, ok, scheduled, trainee_email

pytestmark = pytest.mark.integration


def enrol(client, session_id, headers):
    return client.post(f"/sessions/{session_id}/enrolments", headers=headers)


def test_capacity_two_third_waits_and_is_promoted_when_a_seat_frees(client, actors):
    built = build_course(client, actors.coordinator(), session=scheduled(capacity=2))
    first, second, third = (ok(enrol(client, built.session_id, actors.trainee("THA", n)), 201) for n in (1, 2, 3))
    assert [first["status"], second["status"], third["status"]] == ["enrolled", "enrolled", "waitlisted"]
    assert third["waitlist_position"] == 1

    withdrawn = ok(client.post(f"/enrolments/{first['id']}/withdraw", json={"comment": "cannot travel"},
                               headers=actors.trainee("THA", 1)))
    assert withdrawn["status"] == "withdrawn"
    promoted = ok(client.get(f"/enrolments/{third['id']}", headers=actors.trainee("THA", 3)))
    assert promoted["status"] == "enrolled" and promoted["waitlist_position"] is None
    assert promoted["history"][-1]["from_state"] == "waitlisted"
    assert ok(client.get(f"/sessions/{built.session_id}", headers=actors.trainee()))["seats_left"] == 0

    assert [event["data"]["enrolment_id"] for event in emitted("training.enrolment.promoted")] == [third["id"]]
    [promotion] = emitted("training.enrolment.promoted")
    assert promotion["data"] == {"enrolment_id": third["id"], "session_id": built.session_id,
                                 "course_id": built.course_id, "trainee": third["trainee"], "status": "enrolled"}
    assert set(promotion["data"]["trainee"]) == {"user_id", "email", "name", "tenant"}
    [withdrawal] = emitted("training.enrolment.withdrawn")
    assert withdrawal["data"]["status"] == "withdrawn" and withdrawal["data"]["session_id"] == built.session_id
    assert len(emitted("training.enrolment.created")) == 3


def test_the_waitlist_is_promoted_in_order_and_more_seats_promote_at_once(client, actors):
    provider = actors.coordinator()
    built = build_course(client, provider, session=scheduled(capacity=1))
    ids = [ok(enrol(client, built.session_id, actors.trainee("THA" if n % 2 else "IDN", n)), 201)["id"]
           for n in range(1, 5)]
    ok(client.post(f"/enrolments/{ids[0]}/withdraw", json={}, headers=provider))
    assert _statuses(ids) == ["withdrawn", "enrolled", "waitlisted", "waitlisted"]

    ok(client.patch(f"/sessions/{built.session_id}", json={"capacity": 3}, headers=provider))
    assert _statuses(ids) == ["withdrawn", "enrolled", "enrolled", "enrolled"]
    assert [e["data"]["enrolment_id"] for e in emitted("training.enrolment.promoted")] == ids[1:]


def test_capacity_below_the_seats_taken_is_refused(client, actors):
    provider = actors.coordinator()
    built = build_course(client, provider, session=scheduled(capacity=2))
    for n in (1, 2):
        ok(enrol(client, built.session_id, actors.trainee("THA", n)), 201)
    response = client.patch(f"/sessions/{built.session_id}", json={"capacity": 1}, headers=provider)
    assert response.status_code == 422
    assert [row["field"] for row in response.get_json()["errors"]] == ["capacity"]
    assert Session.across_tenants("test").get(id=built.session_id).capacity == 2


def _statuses(ids):
    return [Enrolment.across_tenants("test").get(id=enrolment_id).status for enrolment_id in ids]


def test_concurrent_enrolments_never_exceed_capacity(app, client, actors):
    built = build_course(client, actors.coordinator(), session=scheduled(capacity=3))
    trainees = [actors.trainee("THA", n) for n in range(12)]
    start = threading.Barrier(len(trainees))
    statuses: list[int] = []

    def enrol_at_once(headers):
        own_client = app.test_client()
        start.wait()
        statuses.append(enrol(own_client, built.session_id, headers).status_code)

    threads = [threading.Thread(target=enrol_at_once, args=(headers,)) for headers in trainees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert statuses == [201] * len(trainees)
    enrolments = Enrolment.across_tenants("test").filter(session_id=built.session_id)
    assert enrolments.filter(status="enrolled").count() == 3
    assert sorted(e.waitlist_position for e in enrolments.filter(status="waitlisted")) == list(range(1, 10))
    assert Session.across_tenants("test").get(id=built.session_id).seats_taken == 3


def test_concurrent_double_enrolment_of_one_person_creates_one(app, client, actors):
    built = build_course(client, actors.coordinator())
    start = threading.Barrier(6)
    statuses: list[int] = []

    def enrol_at_once():
        own_client = app.test_client()
        start.wait()
        statuses.append(enrol(own_client, built.session_id, actors.trainee()).status_code)

    threads = [threading.Thread(target=enrol_at_once) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [201] + [409] * 5
    assert Enrolment.across_tenants("test").filter(session_id=built.session_id).count() == 1


def test_no_double_enrolment_in_one_session_but_again_after_withdrawal(client, actors):
    built = build_course(client, actors.coordinator())
    trainee = actors.trainee()
    first = ok(enrol(client, built.session_id, trainee), 201)
    again = enrol(client, built.session_id, trainee)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    nominated = client.post(f"/sessions/{built.session_id}/nominations", headers=actors.coordinator("THA"),
                            json={"email": first["trainee"]["email"].upper(), "name": "Same Person"})
    assert nominated.status_code == 409  # the same person by e-mail, whatever its case
    ok(client.post(f"/enrolments/{first['id']}/withdraw", json={}, headers=trainee))
    assert ok(enrol(client, built.session_id, trainee), 201)["status"] == "enrolled"


def test_approval_required_pending_then_approved_into_a_seat_or_the_waitlist(client, actors):
    provider = actors.coordinator()
    built = build_course(client, provider, requires_approval=True, session=scheduled(capacity=1))
    first = ok(enrol(client, built.session_id, actors.trainee("THA", 1)), 201)
    second = ok(enrol(client, built.session_id, actors.trainee("THA", 2)), 201)
    third = ok(enrol(client, built.session_id, actors.trainee("THA", 3)), 201)
    assert {first["status"], second["status"], third["status"]} == {"pending_approval"}

    assert ok(client.post(f"/enrolments/{first['id']}/approve", json={}, headers=provider))["status"] == "enrolled"
    assert ok(client.post(f"/enrolments/{second['id']}/approve", json={}, headers=provider))["status"] == "waitlisted"
    rejected = ok(client.post(f"/enrolments/{third['id']}/reject", json={"comment": "Quota"}, headers=provider))
    assert rejected["status"] == "rejected" and rejected["history"][-1]["comment"] == "Quota"

    again = client.post(f"/enrolments/{first['id']}/approve", json={}, headers=provider)
    assert again.status_code == 409
    assert again.get_json()["current_state"] == "enrolled"
    assert again.get_json()["allowed_next_states"] == ["completed", "withdrawn"]
    assert [e["data"]["enrolment_id"] for e in emitted("training.enrolment.promoted")] == [first["id"]]
    assert [e["data"]["status"] for e in emitted("training.enrolment.withdrawn")] == ["rejected"]


def test_only_the_provider_approves(client, actors):
    built = build_course(client, actors.coordinator(), requires_approval=True)
    pending = ok(enrol(client, built.session_id, actors.trainee()), 201)
    assert client.post(f"/enrolments/{pending['id']}/approve", json={},
                       headers=actors.coordinator("THA")).status_code == 403
    assert client.post(f"/enrolments/{pending['id']}/approve", json={},
                       headers=actors.trainee()).status_code == 403


def test_nomination_by_a_coordinator_when_self_enrolment_is_closed(client, actors):
    built = build_course(client, actors.coordinator(), self_enrolment=False)
    refused = enrol(client, built.session_id, actors.trainee())
    assert refused.status_code == 403
    nominated = ok(client.post(f"/sessions/{built.session_id}/nominations", headers=actors.coordinator("THA"),
                               json={"email": "Ana.Lim@tha.example.org", "name": "Ana Lim"}), 201)
    assert nominated["source"] == "nomination" and nominated["status"] == "enrolled"
    assert nominated["trainee"] == {"user_id": None, "email": "ana.lim@tha.example.org", "name": "Ana Lim",
                                    "tenant": "THA"}
    ana = actors.person("THA", "trainee", name="Ana.Lim")
    mine = ok(client.get("/me/enrolments", headers=ana))
    assert [enrolment["id"] for enrolment in mine] == [nominated["id"]]


def test_nomination_input_is_checked_and_nothing_is_written(client, actors):
    built = build_course(client, actors.coordinator())
    response = client.post(f"/sessions/{built.session_id}/nominations", headers=actors.coordinator("THA"),
                           json={"email": "not-an-email", "name": "", "tenant": "IDN"})
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {row["field"] for row in response.get_json()["errors"]} == {"email", "name", "tenant"}
    assert Enrolment.across_tenants("test").count() == 0
    assert emitted("training.enrolment.created") == []


def test_prerequisites_must_be_passed_first(client, actors):
    provider, trainee = actors.coordinator(), actors.trainee()
    basics = build_course(client, provider, code="BASICS")
    advanced = build_course(client, provider, code="ADV", prerequisites=["BASICS"])
    refused = enrol(client, advanced.session_id, trainee)
    assert refused.status_code == 409 and refused.get_json()["missing_prerequisites"] == ["BASICS"]

    from training_service.tests.builders import complete_course

    enrolment = ok(enrol(client, basics.session_id, trainee), 201)
    complete_course(client, trainee, basics, enrolment["id"])
    assert ok(enrol(client, advanced.session_id, trainee), 201)["status"] == "enrolled"


def test_a_revoked_certificate_no_longer_satisfies_a_prerequisite(client, actors):
    from training_service.tests.builders import complete_course

    provider, trainee = actors.coordinator(), actors.trainee()
    basics = build_course(client, provider, code="BASICS")
    advanced = build_course(client, provider, code="ADV", prerequisites=["BASICS"])
    enrolment = ok(enrol(client, basics.session_id, trainee), 201)
    certificate_id = complete_course(client, trainee, basics, enrolment["id"])["certificate_id"]
    ok(client.post(f"/certificates/{certificate_id}/revoke", json={"reason": "Exam misconduct"}, headers=provider))

    refused = enrol(client, advanced.session_id, trainee)
    assert refused.status_code == 409 and refused.get_json()["missing_prerequisites"] == ["BASICS"]
    nominated = client.post(f"/sessions/{advanced.session_id}/nominations", headers=actors.coordinator("THA"),
                            json={"email": trainee_email(), "name": "Trainee"})
    assert nominated.status_code == 409


def test_a_closed_or_finished_session_takes_no_enrolment(client, actors):
    provider = actors.coordinator()
    built = build_course(client, provider, session=scheduled(capacity=5))
    ok(client.patch(f"/sessions/{built.session_id}", json={"enrolment_open": False}, headers=provider))
    assert enrol(client, built.session_id, actors.trainee()).status_code == 409
    ok(client.patch(f"/sessions/{built.session_id}", headers=provider, json={"enrolment_open": True}))
    Session.across_tenants("test").filter(id=built.session_id).update_one(  # time has passed
        set__starts_on=dt.date(2020, 1, 1), set__ends_on=dt.date(2020, 1, 2))
    assert enrol(client, built.session_id, actors.trainee()).status_code == 409


def test_withdrawing_twice_answers_409_with_the_allowed_states(client, actors):
    built = build_course(client, actors.coordinator())
    trainee = actors.trainee()
    enrolment = ok(enrol(client, built.session_id, trainee), 201)
    ok(client.post(f"/enrolments/{enrolment['id']}/withdraw", json={}, headers=trainee))
    again = client.post(f"/enrolments/{enrolment['id']}/withdraw", json={}, headers=trainee)
    assert again.status_code == 409
    assert again.get_json()["allowed_next_states"] == []


def test_another_trainee_cannot_withdraw_someone(client, actors):
    built = build_course(client, actors.coordinator())
    enrolment = ok(enrol(client, built.session_id, actors.trainee("THA", 1)), 201)
    response = client.post(f"/enrolments/{enrolment['id']}/withdraw", json={}, headers=actors.trainee("THA", 2))
    assert response.status_code == 404
    assert Enrolment.across_tenants("test").get(id=enrolment["id"]).status == "enrolled"


def test_self_enrolment_needs_a_persons_token(client, actors):
    built = build_course(client, actors.coordinator())
    response = enrol(client, built.session_id, actors.machine("THA", "trainee"))
    assert response.status_code == 403


def test_a_cohort_still_sees_its_session_after_a_new_course_version_archives_the_old(client, actors):
    provider, trainee = actors.coordinator(), actors.trainee()
    built = build_course(client, provider)
    enrolment = ok(enrol(client, built.session_id, trainee), 201)
    new_version = ok(client.post(f"/courses/{built.course_id}/versions", headers=provider), 201)
    ok(client.post(f"/courses/{new_version['id']}/status", json={"status": "published"}, headers=provider))

    assert ok(client.get(f"/sessions/{built.session_id}", headers=trainee))["id"] == built.session_id
    assert ok(client.get(f"/courses/{built.course_id}", headers=trainee))["status"] == "archived"
    ok(client.post(f"/enrolments/{enrolment['id']}/progress", json={"item_id": built.lesson_id}, headers=trainee))
    assert client.get(f"/courses/{built.course_id}", headers=actors.trainee("IDN")).status_code == 404
    assert enrol(client, built.session_id, actors.trainee("THA", 2)).status_code == 409


def test_waitlist_positions_move_up_after_a_promotion_and_a_withdrawal(client, actors):
    provider = actors.coordinator()
    built = build_course(client, provider, session=scheduled(capacity=1))
    ids = [ok(enrol(client, built.session_id, actors.trainee("THA", n)), 201)["id"] for n in range(1, 5)]
    assert _positions(ids) == [None, 1, 2, 3]

    ok(client.post(f"/enrolments/{ids[0]}/withdraw", json={}, headers=provider))  # 2 is promoted
    assert _positions(ids) == [None, None, 1, 2]
    ok(client.post(f"/enrolments/{ids[2]}/withdraw", json={}, headers=actors.trainee("THA", 3)))
    assert _positions(ids) == [None, None, None, 1]
    fifth = ok(enrol(client, built.session_id, actors.trainee("THA", 5)), 201)
    assert fifth["waitlist_position"] == 2
    listed = ok(client.get(f"/sessions/{built.session_id}/enrolments?status=waitlisted", headers=provider))
    assert [(e["id"], e["waitlist_position"]) for e in listed] == [(ids[3], 1), (fifth["id"], 2)]


def _positions(ids):
    return [Enrolment.across_tenants("test").get(id=i).waitlist_position for i in ids]
