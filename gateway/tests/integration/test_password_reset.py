"""Password reset by e-mail: the same answer for every address, a link that works once and expires."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chassis.testing import oauth
from chassis.testing.events import emitted
from gateway import events
from gateway.identity import password_reset
from gateway.identity.models import AuditEntry, LoginThrottle, PasswordResetToken, SignInSession, User, secret_matches

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "River lantern quietly 42"


@pytest.fixture
def person(register_user, register_app):
    register_app("tha-portal", tenant="THA")
    return register_user("ana@police.go.th", tenant="THA")


def _ask(gateway, email, browser=None, **headers):
    browser = browser or requests.Session()
    page = browser.get(f"{gateway.url}/oauth/password-reset", headers=headers, timeout=10)
    return browser.post(f"{gateway.url}/oauth/password-reset", headers=headers, timeout=10, data={
        "csrf_token": oauth.csrf_token_of(page.text), "email": email})


def _link() -> str:
    [event] = emitted(events.PASSWORD_RESET_REQUESTED)
    return event["data"]["reset_link"]


def _choose(link, new_password=NEW_PASSWORD, confirm=None, browser=None):
    browser = browser or requests.Session()
    page = browser.get(link, timeout=10)
    token = parse_qs(urlsplit(link).query)["token"][0]
    answer = browser.post(link.split("?")[0], timeout=10, data={
        "csrf_token": oauth.csrf_token_of(page.text), "token": token, "new_password": new_password,
        "confirm_password": confirm or new_password})
    return page, answer


def _visible_text(page: requests.Response) -> str:
    """The page without its CSRF token (a random value per browser)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", page.text)


def test_the_sign_in_page_links_to_the_reset_form(live_gateway, person):
    page = requests.get(oauth_url(live_gateway), timeout=10)
    assert 'href="/oauth/password-reset?ui_locales=en"' in page.text


def oauth_url(gateway) -> str:
    return (f"{gateway.url}/oauth/authorize?response_type=code&client_id=tha-portal&"
            "redirect_uri=https://app.example.org/callback&code_challenge=" + "x" * 43 + "&code_challenge_method=S256")


def test_asking_never_reveals_whether_the_address_exists(live_gateway, person, register_user):
    register_user("gone@police.go.th", tenant="THA")
    User.across_tenants("test").filter(email="gone@police.go.th").update(set__status="deactivated")
    known, unknown, deactivated = (_ask(live_gateway, email) for email in (
        "Ana@Police.go.th", "nobody@police.go.th", "gone@police.go.th"))

    assert known.status_code == unknown.status_code == deactivated.status_code == 200
    assert _visible_text(known) == _visible_text(unknown) == _visible_text(deactivated)
    assert known.headers["Cache-Control"] == "no-store" and known.headers["Referrer-Policy"] == "no-referrer"
    [event] = emitted(events.PASSWORD_RESET_REQUESTED)  # only the active person's request goes on to be mailed
    assert {key: event["data"][key] for key in ("tenant", "user_id", "email", "language")} == {
        "tenant": "THA", "user_id": str(person.id), "email": "ana@police.go.th", "language": "en"}
    assert event["data"]["reset_link"].startswith(f"{live_gateway.url}/oauth/password-reset/new?token=")
    assert PasswordResetToken.objects.count() == 3  # the same writes either way; only one opens anything
    token = parse_qs(urlsplit(event["data"]["reset_link"]).query)["token"][0]
    assert not PasswordResetToken.objects(id=token).first()  # only its digest is stored
    assert {(entry.outcome, entry.details.get("reason")) for entry in AuditEntry.objects(
        action="password_reset.requested")} == {("success", None), ("failure", "unknown_email"),
                                                 ("failure", "not_active")}


def test_the_link_is_in_the_language_of_the_page_unless_the_person_chose_one(live_gateway, person, register_user):
    _ask(live_gateway, "ana@police.go.th", **{"Accept-Language": "th"})
    register_user("budi@police.go.th", tenant="THA")
    User.across_tenants("test").filter(email="budi@police.go.th").update(set__preferred_language="id")
    _ask(live_gateway, "budi@police.go.th", **{"Accept-Language": "th"})

    assert [event["data"]["language"] for event in emitted(events.PASSWORD_RESET_REQUESTED)] == ["th", "id"]
    assert emitted(events.PASSWORD_RESET_REQUESTED)[1]["data"]["reset_link"].endswith("&ui_locales=id")


def test_the_link_sets_a_new_password_once_and_ends_every_sign_in(live_gateway, person):
    tokens = oauth.sign_in(live_gateway.url, "tha-portal", "ana@police.go.th", PASSWORD)
    _ask(live_gateway, "ana@police.go.th")
    link = _link()

    page, done = _choose(link)
    _, again = _choose(link, new_password="Another new password 7")

    assert page.status_code == 200 and 'name="new_password"' in page.text
    assert done.status_code == 200 and "Your password is changed" in done.text
    assert again.status_code == 410 and "This link no longer works" in again.text
    ana = User.across_tenants("test").get(id=person.id)
    assert secret_matches(ana.password_hash, NEW_PASSWORD)
    refreshed = requests.post(f"{live_gateway.url}/oauth/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "tha-portal"})
    assert refreshed.status_code == 400  # signed out everywhere
    assert SignInSession.objects(user_id=str(person.id)).count() == 0
    assert AuditEntry.objects(action="password.changed", details__reason="reset by e-mail").count() == 1
    assert oauth.sign_in(live_gateway.url, "tha-portal", "ana@police.go.th", NEW_PASSWORD)["access_token"]
    with pytest.raises(PermissionError):
        oauth.sign_in(live_gateway.url, "tha-portal", "ana@police.go.th", PASSWORD)


def test_a_link_expires(live_gateway, person):
    _ask(live_gateway, "ana@police.go.th")
    PasswordResetToken.objects(user_id=str(person.id)).update(
        set__expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))

    page, answer = _choose(_link())

    assert page.status_code == answer.status_code == 410
    assert secret_matches(User.across_tenants("test").get(id=person.id).password_hash, PASSWORD)


def test_a_newer_link_or_a_made_up_one_does_not_open_anything_else(live_gateway, person):
    _ask(live_gateway, "ana@police.go.th")
    _ask(live_gateway, "ana@police.go.th")
    first, second = (event["data"]["reset_link"] for event in emitted(events.PASSWORD_RESET_REQUESTED))

    assert _choose(second)[1].status_code == 200
    assert _choose(first)[1].status_code == 410  # using one link uses up every other of the person's
    made_up = requests.get(f"{live_gateway.url}{password_reset.PATH}?token=made-up", timeout=10)
    assert made_up.status_code == 410


def test_the_new_password_follows_the_tenants_policy(live_gateway, person):
    _ask(live_gateway, "ana@police.go.th")

    _, weak = _choose(_link(), new_password="password1234")
    _, different = _choose(_link(), new_password=NEW_PASSWORD, confirm="Something else entirely 9")

    assert weak.status_code == 422 and "one of the most common ones" in weak.text
    assert different.status_code == 422 and "The two passwords are not the same." in different.text
    assert _choose(_link())[1].status_code == 200  # the link still works after refused attempts


def test_a_form_without_its_csrf_token_is_refused(live_gateway, person):
    _ask(live_gateway, "ana@police.go.th")
    token = parse_qs(urlsplit(_link()).query)["token"][0]

    forged_request = requests.post(f"{live_gateway.url}/oauth/password-reset", data={"email": "ana@police.go.th"},
                                   timeout=10)
    forged_reset = requests.post(f"{live_gateway.url}{password_reset.PATH}", timeout=10, data={
        "token": token, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})

    assert forged_request.status_code == forged_reset.status_code == 400
    assert len(emitted(events.PASSWORD_RESET_REQUESTED)) == 1
    assert secret_matches(User.across_tenants("test").get(id=person.id).password_hash, PASSWORD)


def test_requests_are_throttled_like_sign_in_for_known_and_unknown_addresses_alike(live_gateway, person):
    known = [_ask(live_gateway, "ana@police.go.th").status_code for _ in range(7)]
    LoginThrottle.objects.delete()
    unknown = [_ask(live_gateway, "nobody@police.go.th").status_code for _ in range(7)]

    assert known == unknown == [200] * 5 + [429] * 2  # the sixth is blocked for a while
    assert len(emitted(events.PASSWORD_RESET_REQUESTED)) == 5


def test_made_up_links_are_throttled(live_gateway, person):
    answers = [requests.get(f"{live_gateway.url}{password_reset.PATH}?token=guess-{n}", timeout=10).status_code
               for n in range(7)]

    assert answers == [410] * 5 + [429] * 2


@pytest.mark.parametrize(("locale", "title"), [("en", "Reset your password"), ("id", "Atur ulang kata sandi Anda"),
                                               ("th", "ตั้งรหัสผ่านใหม่")])
def test_the_pages_speak_the_persons_language(live_gateway, locale, title):
    page = requests.get(f"{live_gateway.url}/oauth/password-reset?ui_locales={locale}", timeout=10)

    assert f'<html lang="{locale}">' in page.text and f"<h1>{title}</h1>" in page.text
