"""Webhooks: a tenant admin's subscriptions receive their tenant's events, signed per Standard Webhooks, retried,
paused when the receiver keeps failing, with a delivery log and replays; never another tenant's events."""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from chassis.clock import now
from chassis.messaging.consumer import Worker
from chassis.testing.events import deliver, envelope, running, wait_until
from chassis.testing.routes import service_routes
from notification_service import SERVICE, create_app
from notification_service.settings import NotificationSettings
from notification_service.subscriptions import subscriptions
from notification_service.tests.conftest import deployment, person, publish
from notification_service.webhooks.dispatcher import WebhookDispatcher
from notification_service.webhooks.models import DeliveryAttempt, WebhookDelivery


@pytest.fixture
def app(make_app):
    """Receivers on loopback (the local-testing setting), and retries within a test's patience."""
    return make_app(create_app, SERVICE, NotificationSettings, webhook_allow_local=True,
                    webhook_retry_initial_seconds=0.05, webhook_retry_max_seconds=0.1, webhook_max_attempts=5,
                    webhook_pause_after_failures=3, webhook_poll_seconds=0.05, public_url="https://portal.example.org")


@pytest.fixture
def admins(auth_headers):
    return {tenant: auth_headers(tenant=tenant, roles=["tenant_admin"], sub=f"{tenant.lower()}-admin")
            for tenant in ("THA", "MYS")}


def _subscribe(client, headers, url, *event_types) -> dict:
    answer = client.post("/webhooks/subscriptions", headers=headers, json={"url": url, "event_types": event_types})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def _log(client, headers, subscription) -> list[dict]:
    return client.get(f"/webhooks/subscriptions/{subscription['id']}/deliveries", headers=headers).get_json()


def test_a_receiver_gets_a_signed_delivery_of_its_tenants_event_and_another_tenants_receiver_never_does(
        client, settings, admins, receivers):
    tha, mys = receivers(), receivers()
    tha_subscription = _subscribe(client, admins["THA"], tha.url, "roster.deployment.offered")
    mys_subscription = _subscribe(client, admins["MYS"], mys.url, "roster.deployment.offered",
                                  "roster.deployment.accepted")
    expert = person(tenant="IDN", name="Siti Rahma", email="siti@example.org")
    offer = deployment(expert, requesting_tenant="THA")  # the envelope's tenant is RSO: the data names the owner
    mys_accepted = deployment(event_type="roster.deployment.accepted", requesting_tenant="MYS", status="accepted")
    with running(Worker(settings, subscriptions)), running(WebhookDispatcher(settings)):
        publish(settings, offer)
        publish(settings, offer)  # the broker redelivers: the inbox knows the event
        publish(settings, mys_accepted)  # a later event: once MYS has it, the offer was handled everywhere
        wait_until(lambda: mys.received and tha.received, message="MYS's and THA's deliveries")
        wait_until(lambda: _log(client, admins["THA"], tha_subscription)[0]["status"] == "succeeded",
                   message="THA's delivery to be logged as succeeded")

    [(headers, body)] = tha.received
    payload = Webhook(tha_subscription["secret"]).verify(body, headers)
    data = offer["data"]
    assert payload == {"type": "roster.deployment.offered", "timestamp": offer["time"], "data": {
        "event_id": offer["id"],
        "record": {"type": "deployment", "id": data["deployment_id"],
                   "link": f"https://portal.example.org/roster/requests/{data['request_id']}"},
        "request_id": data["request_id"], "status": "offered", "function": "border_management", "country": "THA",
        "start_date": "2027-03-01", "end_date": "2027-04-30", "case_id": None}}
    assert "Siti" not in body and "siti@example.org" not in body and "Bangkok" not in body
    assert headers["content-type"] == "application/json"
    with pytest.raises(WebhookVerificationError):
        Webhook(mys_subscription["secret"]).verify(body, headers)

    [(mys_headers, mys_body)] = mys.received  # the accepted offer of MYS only, never THA's offer
    assert Webhook(mys_subscription["secret"]).verify(mys_body, mys_headers)["data"]["event_id"] == mys_accepted["id"]
    [logged] = _log(client, admins["THA"], tha_subscription)
    assert (logged["id"], logged["event_id"], logged["attempt_count"], logged["last_response_status"]) == (
        headers["webhook-id"], offer["id"], 1, 204)


def test_a_receiver_answering_500_gets_retries_then_the_subscription_pauses_until_resumed(
        client, settings, admins, receivers):
    failing = receivers()
    failing.status = 500
    subscription = _subscribe(client, admins["THA"], failing.url, "roster.deployment_request.moved")
    url = f"/webhooks/subscriptions/{subscription['id']}"
    rejected = envelope("roster.deployment_request.moved", {
        "request_id": "req-9", "expert_request_id": None, "case_id": None, "requesting_tenant": "THA",
        "status": "rejected", "comment": "Not this year, says Somchai"}, tenant="RSO")
    with running(Worker(settings, subscriptions)), running(WebhookDispatcher(settings)):
        publish(settings, rejected)
        wait_until(lambda: client.get(url, headers=admins["THA"]).get_json()["status"] == "paused",
                   message="the subscription to pause after 3 failed attempts")
        paused = client.get(url, headers=admins["THA"]).get_json()
        assert (paused["paused_reason"], paused["consecutive_failures"]) == ("failures", 3)
        assert len(failing.received) == 3
        assert len({headers["webhook-id"] for headers, _ in failing.received}) == 1  # one message, tried again
        for headers, body in failing.received:
            assert Webhook(subscription["secret"]).verify(body, headers)["data"]["status"] == "rejected"
            assert "Somchai" not in body
        [held] = _log(client, admins["THA"], subscription)
        assert (held["status"], held["attempt_count"], held["last_response_status"]) == ("held", 3, 500)
        detail = client.get(f"{url}/deliveries/{held['id']}", headers=admins["THA"]).get_json()
        assert [attempt["response_status"] for attempt in detail["attempts"]] == [500, 500, 500]

        failing.status = 200
        resumed = client.post(f"{url}/resume", headers=admins["THA"])
        assert resumed.status_code == 200 and resumed.get_json()["consecutive_failures"] == 0
        wait_until(lambda: _log(client, admins["THA"], subscription)[0]["status"] == "succeeded",
                   message="the held delivery to go out once resumed")
    assert len(failing.received) == 4


def test_a_delivery_failing_every_attempt_is_given_up_and_a_replay_sends_it_again(client, settings, admins,
                                                                                 receivers):
    receiver = receivers()
    receiver.status = 503
    subscription = _subscribe(client, admins["THA"], receiver.url, "joint_action.case.shared")
    url = f"/webhooks/subscriptions/{subscription['id']}"
    deliver(subscriptions, envelope("joint_action.case.shared", {
        "case_id": "case-1", "jpa_id": None, "lead_tenant": "IDN", "tenant": "THA", "permission": "contribute"},
        tenant="IDN"))
    # four attempts failed already (and the subscription's receiver had answered in between): one more is the last
    WebhookDelivery.across_tenants("test").update(set__attempts=[
        DeliveryAttempt(at=now(), response_status=503, duration_ms=1) for _ in range(4)])
    with running(WebhookDispatcher(settings)):
        wait_until(lambda: _log(client, admins["THA"], subscription)[0]["status"] == "failed",
                   message="the delivery to be given up after its fifth attempt")
        [failed] = _log(client, admins["THA"], subscription)
        assert failed["attempt_count"] == 5 and failed["finished_at"]

        receiver.status = 202
        replay = client.post(f"{url}/deliveries/{failed['id']}/replay", headers=admins["THA"])
        assert replay.status_code == 202 and replay.get_json()["replay_of"] == failed["id"]
        wait_until(lambda: any(entry["status"] == "succeeded" for entry in _log(client, admins["THA"], subscription)),
                   message="the replay to be delivered")
        again = client.post(f"{url}/deliveries/{replay.get_json()['id']}/replay", headers=admins["THA"])
        assert again.status_code == 202
        wait_until(lambda: len(receiver.received) == 3, message="the replay of the replay")

    first, replayed, replayed_again = receiver.received
    assert first[1] == replayed[1] == replayed_again[1]  # the same body, as a new message each time
    assert len({headers["webhook-id"] for headers, _ in receiver.received}) == 3
    assert Webhook(subscription["secret"]).verify(replayed[1], replayed[0])["data"]["record"] == {
        "type": "case", "id": "case-1", "link": "https://portal.example.org/joint-action/cases/case-1"}

    assert client.post(f"{url}/pause", headers=admins["THA"]).status_code == 200
    paused = client.post(f"{url}/deliveries/{failed['id']}/replay", headers=admins["THA"])
    assert paused.status_code == 409 and paused.get_json()["allowed_next_states"] == ["active"]


def test_a_rotated_secret_signs_with_the_old_one_too_for_a_while_and_is_shown_only_once(client, settings, admins,
                                                                                        receivers):
    receiver = receivers()
    subscription = _subscribe(client, admins["THA"], receiver.url, "training.certificate.issued")
    url = f"/webhooks/subscriptions/{subscription['id']}"
    assert subscription["secret"].startswith("whsec_")
    assert "secret" not in client.get(url, headers=admins["THA"]).get_json()
    assert all("secret" not in listed for listed in client.get("/webhooks/subscriptions",
                                                               headers=admins["THA"]).get_json())
    rotated = client.post(f"{url}/secret", headers=admins["THA"]).get_json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != subscription["secret"]
    assert rotated["previous_secret_expires_at"]

    deliver(subscriptions, envelope("training.certificate.issued", {
        "certificate_id": "cert-1", "verification_code": "ABC", "verification_url": "https://x/verify/ABC",
        "course_id": "c1", "course_code": "VOT-101", "course_title": "Victim identification", "function": None,
        "issuer": {"tenant": "IOM", "name": "IOM"}, "issued_on": "2026-11-01", "expires_on": None,
        "status": "valid", "reason": None,
        "holder": {"user_id": "u1", "email": "holder@example.org", "name": "Anong", "tenant": "THA",
                   "expert_id": None}}, tenant="IOM"))
    with running(WebhookDispatcher(settings)):
        wait_until(lambda: receiver.received, message="the certificate's delivery")
    [(headers, body)] = receiver.received
    for secret in (rotated["secret"], subscription["secret"]):
        assert Webhook(secret).verify(body, headers)["data"]["record"]["id"] == "cert-1"
    assert "Anong" not in body and "holder@example.org" not in body


def test_another_tenants_admin_finds_no_subscription_nor_its_log_and_others_may_not_manage_webhooks(
        app, client, admins, auth_headers, receivers):
    subscription = _subscribe(client, admins["THA"], receivers().url, "training.enrolment.created")
    deliver(subscriptions, envelope("training.enrolment.created", {
        "enrolment_id": "e1", "session_id": "s1", "course_id": "c1", "status": "requested",
        "trainee": {"user_id": "u1", "email": "t@example.org", "name": "T", "tenant": "THA"}}, tenant="THA"))
    url = f"/webhooks/subscriptions/{subscription['id']}"
    [delivery] = _log(client, admins["THA"], subscription)

    outsider = admins["MYS"]
    assert client.get("/webhooks/subscriptions", headers=outsider).get_json() == []
    routes = sorted((method.lower(), rule.rule) for rule in service_routes(app) if "<subscription_id>" in rule.rule
                    for method in rule.methods - {"HEAD", "OPTIONS"})
    assert len(routes) == 9
    for method, rule in routes:  # every route naming a subscription, present and future
        path = rule.replace("<subscription_id>", subscription["id"]).replace("<delivery_id>", delivery["id"])
        answer = getattr(client, method)(path, headers=outsider, **({"json": {}} if method == "patch" else {}))
        assert answer.status_code == 404, (method, path)
        assert answer.mimetype == "application/problem+json"
    someone = auth_headers(tenant="THA", roles=["case_officer", "roster_manager"])
    assert client.get("/webhooks/subscriptions", headers=someone).status_code == 403
    assert client.get(url, headers=someone).status_code == 403
    assert client.get("/webhooks/subscriptions").status_code == 401

    mine = client.get(url, headers=admins["THA"]).get_json()
    assert mine["status"] == "active" and mine["event_types"] == ["training.enrolment.created"]
    assert client.delete(url, headers=admins["THA"]).status_code == 204
    assert client.get(url, headers=admins["THA"]).status_code == 404
    assert WebhookDelivery.across_tenants("test").count() == 0


def test_bad_input_is_refused_naming_the_fields_and_illegal_steps_answer_409(client, admins, receivers):
    refused = {
        "http://example.org/hook": "url", "https://10.0.0.8/hook": "url", "https://169.254.169.254/latest": "url",
        "https://[::ffff:192.168.1.1]/": "url", "https://user:secret@example.org/": "url", "ftp://example.org": "url",
    }
    for url, field in refused.items():
        answer = client.post("/webhooks/subscriptions", headers=admins["THA"],
                             json={"url": url, "event_types": ["roster.deployment.offered"]})
        assert answer.status_code == 422 and answer.mimetype == "application/problem+json", url
        assert [error["field"] for error in answer.get_json()["errors"]] == [field], url
    unknown = client.post("/webhooks/subscriptions", headers=admins["THA"], json={
        "url": "https://hooks.example.org/rso", "event_types": ["roster.deployment.offered", "identity.user.created"]})
    assert unknown.status_code == 422
    assert [error["field"] for error in unknown.get_json()["errors"]] == ["event_types.1"]
    empty = client.post("/webhooks/subscriptions", headers=admins["THA"], json={"url": "https://hooks.example.org"})
    assert [error["field"] for error in empty.get_json()["errors"]] == ["event_types"]
    assert client.get("/webhooks/subscriptions", headers=admins["THA"]).get_json() == []

    subscription = _subscribe(client, admins["THA"], "https://hooks.example.org/rso", "roster.deployment.offered")
    url = f"/webhooks/subscriptions/{subscription['id']}"
    bad_patch = client.patch(url, headers=admins["THA"], json={"url": "https://127.0.0.2.nip.io.local:99999/",
                                                               "event_types": ["nope"]})
    assert bad_patch.status_code == 422
    assert sorted(error["field"] for error in bad_patch.get_json()["errors"]) == ["event_types.0", "url"]
    patched = client.patch(url, headers=admins["THA"], json={"url": "https://hooks.example.org/v2",
                                                             "event_types": ["roster.deployment.accepted"] * 2})
    assert patched.get_json()["url"] == "https://hooks.example.org/v2"
    assert patched.get_json()["event_types"] == ["roster.deployment.accepted"]

    again = client.post(f"{url}/resume", headers=admins["THA"])
    assert again.status_code == 409 and again.get_json()["allowed_next_states"] == ["paused"]
    assert client.post(f"{url}/pause", headers=admins["THA"]).get_json()["paused_reason"] == "admin"
    assert client.post(f"{url}/pause", headers=admins["THA"]).status_code == 409

    types = client.get("/webhooks/event-types", headers=admins["THA"]).get_json()
    assert {"type": "joint_action.case.shared", "record": "case",
            "description": "A case was shared with your organisation, or by it"} in types
    assert not any(entry["type"].startswith("identity.") for entry in types)


def test_a_finished_delivery_is_kept_for_the_log_retention_period_then_deleted_by_the_database(settings):
    with running(WebhookDispatcher(settings)):
        index = wait_until(lambda: WebhookDelivery._get_collection().index_information().get(
            "finished_at_retention"), message="the retention index")
    assert index["expireAfterSeconds"] == 30 * 86_400 and index["key"] == [("finished_at", 1)]
