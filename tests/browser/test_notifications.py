"""A person's notifications in a real Chromium: the unread count in every page's header, reading and dismissing
them with the keyboard, choosing what reaches them by e-mail, in English, Bahasa Indonesia and Thai. The
notifications come from real steps: a case shared with the person's organisation and an item released to it."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from infra.platform import Api, Directory

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PATIENCE_SECONDS = 60  # an upper bound on an event's way through the broker to the notification service


def wait_for(what: str, probe, seconds: float = PATIENCE_SECONDS):
    deadline = time.monotonic() + seconds
    while not (found := probe()):
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.3)
    return found


def unread(api: Api) -> int:
    return api.get("/api/notification/notifications/unread-count").json()["unread"]


@pytest.fixture
def shared_case(directory: Directory, organisation) -> SimpleNamespace:
    """A case led by one organisation's case officer, shared with another's, who holds two unread notifications
    (the share and an item released to them)."""
    lead_org, reader_org = organisation(), organisation()
    lead_email = f"lead.{lead_org.code.lower()}@example.org"
    reader_email = f"reader.{reader_org.code.lower()}@example.org"
    directory.person(lead_org.code, lead_email, "case_officer")
    password = directory.passwords.setdefault(reader_email, secrets.token_urlsafe(12))
    # Written to in Bahasa Indonesia: the notification service's labels say when it knows the person.
    directory.admin.post(f"/admin/tenants/{reader_org.code}/users", expect=201, json={
        "email": reader_email, "display_name": "Reader Officer", "roles": ["case_officer"],
        "password": password, "preferred_language": "id"})
    reader = directory.signed_in(reader_email)
    wait_for("the notification service to know the reader", lambda: reader.get("/api/notification/preferences").json()[
        "email"][0]["label"] == "Tawaran penugasan untuk Anda")

    lead = directory.signed_in(lead_email)
    case = lead.post("/api/joint-action/cases", expect=201, json={
        "jpa_id": None, "case_type": "trafficking_in_persons", "title": f"Boats at Satun {secrets.token_hex(3)}",
        "summary": "Recruiters in Cox's Bazar", "shares": [{"tenant": reader_org.code, "permission": "read"}]}).json()
    lead.post(f"/api/joint-action/cases/{case['id']}/items", expect=201, json={
        "title": "Informant names the skipper", "content": "Secret content never mailed",
        "source_reliability": "B", "information_credibility": "2", "handling_code": "originator_approval"})
    item = lead.get(f"/api/joint-action/cases/{case['id']}/items").json()[0]
    lead.post(f"/api/joint-action/cases/{case['id']}/items/{item['id']}/releases",
              json={"tenants": [reader_org.code]})
    wait_for("two notifications for the reader", lambda: unread(reader) == 2)
    return SimpleNamespace(case=case, reader=reader, reader_email=reader_email, password=password,
                           reader_org=reader_org, lead=lead)


def header_count(page) -> str | None:
    count = page.locator("#notification-count")
    return count.inner_text() if count.count() else None


@pytest.mark.parametrize(("locale", "notifications", "mark_as_read"), [
    ("en", "Notifications", "Mark as read"),
    ("id", "Notifikasi", "Tandai sudah dibaca"),
    ("th", "การแจ้งเตือน", "ทำเครื่องหมายว่าอ่านแล้ว"),
])
def test_the_header_counts_unread_notifications_and_reading_one_with_the_keyboard_takes_one_off(
        visit, shared_case, locale, notifications, mark_as_read):
    visitor = visit(locale=locale)
    page = visitor.sign_in(shared_case.reader_email, shared_case.password)
    assert page.locator("html").get_attribute("lang") == locale
    link = page.locator("#notifications-link")
    expect(link).to_contain_text(notifications)
    assert header_count(page) == "2"
    for path in ("/cases", f"/cases/{shared_case.case['id']}"):  # on every page
        assert header_count(visitor.open(path)) == "2"

    page.locator("body").focus()
    while page.evaluate("document.activeElement.id") != "notifications-link":
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = visitor.check()
    expect(page.locator("h1")).to_have_text(notifications)
    cards = page.locator(".rso-notification")
    expect(cards).to_have_count(2)
    expect(page.locator("main")).not_to_contain_text("Secret content")

    first = cards.first.get_by_role("button", name=re.compile(f"^{mark_as_read}"))
    first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = visitor.check()
    assert header_count(page) == "1"
    expect(page.locator(".rso-notification[data-read=true]")).to_have_count(1)
    assert unread(shared_case.reader) == 1

    page.locator(".rso-notification[data-read=false] form").first.get_by_role("button").click()  # Open
    page = visitor.check()
    assert page.url.endswith(f"/cases/{shared_case.case['id']}")
    assert header_count(page) is None and unread(shared_case.reader) == 0

    page = visitor.open("/notifications")
    page.locator(".rso-notification").first.locator("form").last.get_by_role("button").click()  # Dismiss
    page = visitor.check()
    expect(page.locator(".rso-notification")).to_have_count(1)


def test_a_person_turns_a_kind_off_for_e_mail_and_still_sees_it_in_the_portal(visit, shared_case, platform):
    from notification_service.mail.server import messages_to

    visitor = visit()
    visitor.sign_in(shared_case.reader_email, shared_case.password)
    page = visitor.open("/notifications/preferences")
    box = page.get_by_label("Information released to your organisation")
    expect(box).to_be_checked()
    box.focus()
    page.keyboard.press("Space")
    while page.evaluate("document.activeElement.type") != "submit":
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page = visitor.check()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your choice is saved.")
    expect(page.get_by_label("Information released to your organisation")).not_to_be_checked()
    expect(page.get_by_label("Cases shared with your organisation")).to_be_checked()

    store = Path(platform.env["MAIL_STORE"])
    wait_for("the two first mails", lambda: len(messages_to(store, shared_case.reader_email)) == 2)
    assert all("Secret content" not in message.as_string() for message in messages_to(store, shared_case.reader_email))
    case_id = shared_case.case["id"]
    shared_case.lead.post(f"/api/joint-action/cases/{case_id}/items", expect=201, json={
        "title": "A second item", "content": "More", "source_reliability": "B", "information_credibility": "2",
        "handling_code": "releasable_to_participants"})
    # a kind still on, to show mail still goes out
    shared_case.lead.call("PUT", f"/api/joint-action/cases/{case_id}/shares/{shared_case.reader_org.code}",
                          expect=200, json={"permission": "contribute"})
    wait_for("both new notifications", lambda: unread(shared_case.reader) == 4)
    wait_for("the share's mail", lambda: len(messages_to(store, shared_case.reader_email)) >= 3)
    subjects = [message["Subject"] for message in messages_to(store, shared_case.reader_email)]
    assert sum("Informasi dirilis" in subject for subject in subjects) == 1, subjects


def test_the_preference_form_refuses_a_kind_the_service_does_not_know_and_keeps_the_choice(visit, shared_case):
    visitor = visit(locale="th")
    visitor.sign_in(shared_case.reader_email, shared_case.password)
    page = visitor.open("/notifications/preferences")
    page.evaluate("""() => { const box = document.querySelector('input[name=by_email]');
                             box.value = 'gossip'; box.checked = true; }""")
    page.locator("main form button[type=submit]").click()
    page = visitor.check()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary a[href='#by_email']")).to_be_visible()
    assert all(row["by_email"] for row in shared_case.reader.get("/api/notification/preferences").json()["email"])


def test_another_organisations_person_cannot_read_or_dismiss_the_notifications(visit, shared_case, organisation,
                                                                                directory):
    [mine] = shared_case.reader.get("/api/notification/notifications").json()["items"][:1]
    other = organisation()
    visitor = visit()
    page = visitor.sign_in(other.admin_email, other.admin_password)
    page = visitor.open("/notifications")
    expect(page.locator(".rso-notification")).to_have_count(0)
    for action in ("read", "dismiss", "open"):
        response = visitor.context.request.post(visitor.url(f"/notifications/{mine['id']}/{action}"), form={
            "csrf_token": page.locator("input[name=csrf_token]").first.input_value()}, max_redirects=0)
        assert response.status == 404, action
    assert unread(shared_case.reader) == 2


def test_the_page_shows_without_a_count_while_the_notification_service_is_down(visit, shared_case, platform):
    visitor = visit()
    visitor.sign_in(shared_case.reader_email, shared_case.password)
    platform.stop("notification-web")
    try:
        page = visitor.open("/cases")
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("#notifications-link")).to_be_visible()
        assert header_count(page) is None
    finally:
        platform.start("notification-web")
        platform.wait_until_live()
    assert header_count(visitor.open("/cases")) == "2"
