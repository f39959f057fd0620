"""Password reset by e-mail across the running platform: the gateway's page, its outbox and relay, RabbitMQ, the
notification service's worker and mailer, the loopback SMTP server, and the link back to the gateway."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from chassis.testing import oauth
from chassis.testing.events import wait_until
from infra.platform import Directory

pytestmark = pytest.mark.e2e

HOP_SECONDS = 60  # gateway outbox -> relay -> RabbitMQ -> notification worker -> mailer -> SMTP, on a busy machine
NEW_PASSWORD = "Lantern river quietly 42"


def _ask(gateway: str, email: str) -> requests.Response:
    browser = requests.Session()
    page = browser.get(f"{gateway}/oauth/password-reset", timeout=10)
    return browser.post(f"{gateway}/oauth/password-reset", timeout=10, data={
        "csrf_token": oauth.csrf_token_of(page.text), "email": email})


def test_a_reset_link_reaches_the_persons_mailbox_in_their_language_and_works_once(platform):
    from notification_service.mail.server import messages_to

    directory = Directory(platform)
    directory.tenant("THA")
    email = "reset.me@police.go.th"
    directory.person("THA", email, "case_officer")
    user_id = next(user["id"] for user in directory.admin.get("/admin/tenants/THA/users").json()
                   if user["email"] == email)
    directory.admin.patch(f"/admin/tenants/THA/users/{user_id}", json={"preferred_language": "th"})

    known, unknown = _ask(platform.gateway, email), _ask(platform.gateway, "nobody.here@police.go.th")

    assert known.status_code == unknown.status_code == 200
    assert re.sub(r'value="[^"]*"', "", known.text) == re.sub(r'value="[^"]*"', "", unknown.text)
    store = Path(platform.env["MAIL_STORE"])
    [message] = wait_until(lambda: messages_to(store, email), timeout=HOP_SECONDS, interval=0.25,
                           message="the reset e-mail in the person's mailbox")
    assert message["Content-Language"] == "th"
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(r"https?://\S+/oauth/password-reset/new\?\S+", text)
    assert link.startswith(platform.gateway)
    assert messages_to(store, "nobody.here@police.go.th") == []

    browser = requests.Session()
    page = browser.get(link, timeout=10)
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    done = browser.post(f"{platform.gateway}/oauth/password-reset/new", timeout=10, data={
        "csrf_token": oauth.csrf_token_of(page.text), "token": token, "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})

    assert page.status_code == 200 and '<html lang="th">' in page.text
    assert done.status_code == 200
    assert requests.get(link, timeout=10).status_code == 410  # once only
    directory.passwords[email] = NEW_PASSWORD
    assert directory.signed_in(email).get("/api/notification/notifications").status_code == 200
