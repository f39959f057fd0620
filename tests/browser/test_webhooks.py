"""An organisation's administrator manages its webhooks in the portal: with the keyboard alone, in English,
Bahasa Indonesia and Thai, every page checked by axe-core; another organisation's administrator finds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from chassis.testing.events import wait_until
from notification_service.tests.conftest import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
EVENT = "roster.deployment.requested"


@pytest.fixture
def receiver():
    """The organisation's receiving system: a real HTTP server on loopback (the test platform allows it)."""
    started = Receiver()
    yield started
    started.close()


def request_experts(directory, tenant: str) -> str:
    """A requesting officer of `tenant` submits a request: the `roster.deployment.requested` event of `tenant`."""
    email = f"requests.{tenant.lower()}@example.org"
    directory.person(tenant, email, "requesting_officer")
    officer = directory.signed_in(email)
    day = dt.date.today()
    created = officer.post("/api/roster/requests", expect=201, json={
        "function": "victim_identification", "languages": [{"code": "en", "min_level": "professional"}],
        "country": "THA", "location": "Bangkok", "start_date": (day + dt.timedelta(days=40)).isoformat(),
        "end_date": (day + dt.timedelta(days=50)).isoformat(), "justification": "Screening of arrivals"}).json()
    officer.post(f"/api/roster/requests/{created['request_id']}/transitions", expect=200, json={"to": "submitted"})
    return created["request_id"]


def tab_to(page, condition: str) -> None:
    """Press Tab until `condition` (JavaScript about document.activeElement) holds."""
    for _ in range(80):
        if page.evaluate(condition):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the keyboard never reached {condition}")


def test_an_administrator_adds_a_webhook_with_the_keyboard_reads_its_log_and_sends_a_delivery_again(
        visit, organisation, directory, receiver):
    tha = organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = visitor.open("/webhooks")
    page.get_by_role("link", name="Add a webhook").click()
    page = visitor.check()
    page.locator("body").focus()
    tab_to(page, "document.activeElement.id === 'url'")
    page.keyboard.type(receiver.url)
    page.keyboard.press("Tab")
    page.keyboard.type("Case system")
    tab_to(page, f"document.activeElement.value === '{EVENT}'")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = visitor.check()
    expect(page.locator("h1")).to_contain_text("Webhook added")
    secret = page.locator("#webhook-secret").inner_text().strip()
    assert secret.startswith("whsec_")

    request_id = request_experts(directory, tha.code)
    wait_until(lambda: receiver.received, timeout=60, message="the request's delivery")
    [(headers, body)] = receiver.received
    assert Webhook(secret).verify(body, headers)["data"]["record"]["id"] == request_id

    page.get_by_role("link", name="Go to the webhook and its deliveries").click()
    page = visitor.check()
    row = page.locator("tbody tr", has_text=EVENT)
    expect(row).to_contain_text("Succeeded")
    row.get_by_role("button", name="Send again").click()
    page = visitor.check()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("sent again")
    wait_until(lambda: len(receiver.received) == 2, timeout=60, message="the delivery sent again")

    page.get_by_role("button", name="Pause the webhook").click()
    page = visitor.check()
    expect(page.locator("main dl")).to_contain_text("Paused")
    page.get_by_role("button", name="Resume the webhook").click()
    expect(visitor.check().locator("main dl")).to_contain_text("Active")


def test_a_refused_address_is_shown_beside_its_field_and_another_organisations_admin_finds_nothing(
        visit, organisation):
    tha, mys = organisation(), organisation()
    visitor = visit()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = visitor.open("/webhooks/new")
    page.get_by_label("Address of the receiving system").fill("http://cases.example.org/events")
    page.get_by_label(EVENT).check()
    page.locator("main form button[type=submit]").click()
    page = visitor.check()
    expect(page.locator("#url-error")).to_contain_text("https")
    assert page.get_by_label("Address of the receiving system").input_value() == "http://cases.example.org/events"
    assert tha.admin.get("/api/notification/webhooks/subscriptions").json() == []

    created = tha.admin.post("/api/notification/webhooks/subscriptions", expect=201, json={
        "url": "https://cases.example.org/events", "event_types": [EVENT]}).json()
    other = visit()
    other.sign_in(mys.admin_email, mys.admin_password)
    assert other.page.goto(other.url(f"/webhooks/{created['id']}")).status == 404
    other.check()
    expect(other.open("/webhooks").locator("tbody tr")).to_have_count(0)


@pytest.mark.parametrize(("locale", "heading", "english"), [
    ("id", "Tambahkan webhook", "Add the webhook"),
    ("th", "เพิ่มเว็บฮุก", "Add the webhook"),
])
def test_the_webhook_pages_speak_indonesian_and_thai(visit, organisation, locale, heading, english):
    tha = organisation()
    tha.admin.post("/api/notification/webhooks/subscriptions", expect=201, json={
        "url": "https://cases.example.org/" + "rso-events-of-the-royal-thai-police/" * 4, "event_types": [EVENT]})
    visitor = visit(width=360)
    page = visitor.open("/")
    page.get_by_label("Language").select_option(locale)
    page.locator("form.rso-language button").click()
    visitor.check()
    visitor.sign_in(tha.admin_email, tha.admin_password)
    page = visitor.open("/webhooks/new")
    assert page.locator("html").get_attribute("lang") == locale
    expect(page.locator("h1")).to_have_text(heading)
    assert english not in page.locator("main").inner_text()
    page = visitor.open("/webhooks")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("tbody a").first.click()
    page = visitor.check()
    assert "Deliveries" not in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # a long address wraps
