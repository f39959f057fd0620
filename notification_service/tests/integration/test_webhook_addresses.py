"""Without the local-testing setting, no webhook reaches this machine or a private network (server-side request
forgery): loopback URLs are refused, and a name that resolves to loopback when the delivery is made gets nothing."""

from __future__ import annotations

from chassis.testing.events import deliver, envelope, running, wait_until
from notification_service.subscriptions import subscriptions
from notification_service.webhooks.dispatcher import WebhookDispatcher
from notification_service.webhooks.models import WebhookDelivery, WebhookSubscription
from notification_service.webhooks.service import new_secret


def test_loopback_urls_are_refused_unless_the_local_testing_setting_permits_them(client, auth_headers, receivers):
    admin = auth_headers(tenant="THA", roles=["tenant_admin"])
    receiver = receivers()
    for url in (receiver.url, receiver.url.replace("http:", "https:"), "https://localhost/hooks", "https://[::1]/"):
        answer = client.post("/webhooks/subscriptions", headers=admin,
                             json={"url": url, "event_types": ["roster.deployment.offered"]})
        assert answer.status_code == 422, url
        assert answer.get_json()["errors"][0]["field"] == "url"


def test_a_name_resolving_to_a_loopback_address_when_delivering_gets_nothing(app, settings, receivers):
    receiver = receivers()
    # as if a public name had been subscribed and resolved to this machine later (DNS rebinding)
    WebhookSubscription(id="whsub_rebound", tenant="THA", url=receiver.url.replace("127.0.0.1", "localhost"),
                        event_types=["roster.deployment_request.moved"], secret=new_secret(),
                        created_by="test").save()
    deliver(subscriptions, envelope("roster.deployment_request.moved", {
        "request_id": "req-1", "requesting_tenant": "THA", "status": "under_review"}, tenant="THA"))
    with running(WebhookDispatcher(settings)):
        delivery = wait_until(lambda: WebhookDelivery.across_tenants("test").filter(attempts__size=1).first(),
                              message="the first attempt")
    assert "not a public address" in delivery.attempts[0].error
    assert delivery.attempts[0].response_status is None and receiver.received == []
