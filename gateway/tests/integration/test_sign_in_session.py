"""The gateway's sign-in session, RP-initiated logout, the forced first password change and `/account/password`."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from chassis.testing import oauth
from gateway.identity.models import AuditEntry, SignInSession, User, secret_matches
from gateway.identity.sessions import COOKIE

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
ONE_TIME_PASSWORD = "one-time-Xy7pQ2rT"
NEW_PASSWORD = "river lantern quietly 42"
REDIRECT_URI = "https://app.example.org/callback"
AFTER_LOGOUT = "https://app.example.org/signed-out"


@pytest.fixture
def app_client(register_app, register_user):
    register_user("ana@police.go.th", tenant="THA", roles=["case_officer"])
    return register_app("tha-portal", tenant="THA", post_logout_redirect_uris=[AFTER_LOGOUT]).client_id


class App:
    """A public app run with Authlib's client, and the browser of the person using it."""

    def __init__(self, gateway, client_id):
        self.gateway, self.client_id = gateway, client_id
        self.browser = requests.Session()

    def authorize(self, **params):
        """Start an authorization in the browser; return (the gateway's answer, the session, the verifier)."""
        session = OAuth2Session(self.client_id, token_endpoint_auth_method="none", redirect_uri=REDIRECT_URI,
                                scope="api", code_challenge_method="S256")
        verifier = generate_token(64)
        url, _ = session.create_authorization_url(f"{self.gateway.url}/oauth/authorize", code_verifier=verifier,
                                                  **params)
        return url, session, verifier

    def sign_in(self, email="ana@police.go.th", password=PASSWORD, **kwargs) -> dict:
        url, session, verifier = self.authorize()
        answer = oauth.submit_sign_in(self.browser, url, email, password, **kwargs)
        assert answer.status_code == 302, answer.text
        return session.fetch_token(f"{self.gateway.url}/oauth/token", authorization_response=answer.headers["Location"],
                                   code_verifier=verifier)

    def open(self, **params) -> requests.Response:
        url, _, _ = self.authorize(**params)
        return self.browser.get(url, allow_redirects=False, timeout=10)

    def refresh(self, refresh_token) -> requests.Response:
        return requests.post(f"{self.gateway.url}/oauth/token", timeout=10, data={
            "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": self.client_id})


@pytest.fixture
def app(live_gateway, app_client):
    return App(live_gateway, app_client)


def test_a_second_authorization_within_the_session_does_not_ask_for_the_password(app):
    app.sign_in()
    cookie = next(cookie for cookie in app.browser.cookies if cookie.name == COOKIE)

    again = app.open()

    assert again.status_code == 302 and "code=" in again.headers["Location"]
    assert again.headers["Cache-Control"] == "no-store"
    assert cookie.path == "/oauth" and cookie.has_nonstandard_attr("HttpOnly")
    assert SignInSession.objects.count() == 1


def test_the_session_cookie_is_http_only_and_same_site_lax(app):
    url, _, _ = app.authorize()
    answer = oauth.submit_sign_in(app.browser, url, "ana@police.go.th", PASSWORD)

    set_cookie = next(value for value in answer.raw.headers.getlist("Set-Cookie") if value.startswith(COOKIE))
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Path=/oauth" in set_cookie


def test_prompt_login_asks_for_the_password_even_within_the_session(app):
    app.sign_in()

    forced = app.open(prompt="login")

    assert forced.status_code == 200 and 'name="password"' in forced.text


@pytest.mark.parametrize("ending", ["deactivated", "suspended"])
def test_the_session_ends_when_the_person_is_deactivated_or_their_tenant_suspended(app, live_gateway, register_user,
                                                                                    auth_headers, ending):
    app.sign_in()
    admin = register_user("admin@rso.example.org", tenant="RSO", roles=["platform_admin"])
    headers = auth_headers(tenant="RSO", roles=["platform_admin"], sub=str(admin.id),
                           iss=live_gateway.settings.oauth_issuer)
    ana = User.across_tenants("test").get(email="ana@police.go.th")
    if ending == "deactivated":
        ended = requests.post(f"{live_gateway.url}/admin/tenants/THA/users/{ana.id}/deactivate", headers=headers,
                              timeout=10)
    else:
        ended = requests.post(f"{live_gateway.url}/admin/tenants/THA/suspend", json={"reason": "test"},
                              headers=headers, timeout=10)
    assert ended.status_code == 200, ended.text

    assert SignInSession.objects.count() == 0
    assert "Location" not in app.open().headers


def test_logout_ends_the_session_and_returns_to_a_registered_address_with_the_state(app, live_gateway):
    app.sign_in()

    logout = app.browser.get(f"{live_gateway.url}/oauth/logout", allow_redirects=False, timeout=10, params={
        "client_id": "tha-portal", "post_logout_redirect_uri": AFTER_LOGOUT, "state": "s-42"})

    assert logout.status_code == 302
    assert logout.headers["Location"].startswith(AFTER_LOGOUT)
    assert parse_qs(urlsplit(logout.headers["Location"]).query) == {"state": ["s-42"]}
    assert SignInSession.objects.count() == 0
    assert 'name="password"' in app.open().text
    assert AuditEntry.objects(action="logout", actor_tenant="THA").count() == 1


@pytest.mark.parametrize("params", [
    {"client_id": "tha-portal", "post_logout_redirect_uri": "https://attacker.example.com/"},
    {"post_logout_redirect_uri": AFTER_LOGOUT},
    {"client_id": "no-such-client", "post_logout_redirect_uri": AFTER_LOGOUT},
], ids=["unregistered-uri", "no-client", "unknown-client"])
def test_logout_never_redirects_to_an_address_the_client_did_not_register(app, live_gateway, params):
    app.sign_in()

    logout = app.browser.get(f"{live_gateway.url}/oauth/logout", params=params, allow_redirects=False, timeout=10)

    assert logout.status_code == 200 and "Location" not in logout.headers
    assert SignInSession.objects.count() == 0


def test_the_metadata_names_the_end_session_endpoint(live_gateway):
    metadata = requests.get(f"{live_gateway.url}/.well-known/oauth-authorization-server", timeout=10).json()
    assert metadata["end_session_endpoint"] == f"{live_gateway.url}/oauth/logout"


# --- the forced first password change ------------------------------------------------------------------------

@pytest.fixture
def invited(register_user):
    """A person an administrator created without a password: they hold a one-time password."""
    return register_user("budi@police.go.th", tenant="THA", password=ONE_TIME_PASSWORD, password_change_required=True)


def test_a_person_with_a_one_time_password_chooses_their_own_before_the_code_is_issued(app, invited):
    url, session, verifier = app.authorize()
    asked = oauth.submit_sign_in(app.browser, url, "budi@police.go.th", ONE_TIME_PASSWORD)
    assert asked.status_code == 200 and oauth.PASSWORD_CHANGE_STEP in asked.text and "Location" not in asked.headers
    assert app.open().status_code == 200  # no code either by opening the page again

    weak = app.browser.post(url, allow_redirects=False, timeout=10, data={
        "csrf_token": oauth.csrf_token_of(asked.text), "step": "change_password", "new_password": "short",
        "confirm_password": "short"})
    assert weak.status_code == 422 and 'aria-invalid="true"' in weak.text

    chosen = app.browser.post(url, allow_redirects=False, timeout=10, data={
        "csrf_token": oauth.csrf_token_of(asked.text), "step": "change_password", "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD})

    assert chosen.status_code == 302 and chosen.headers["Cache-Control"] == "no-store"
    assert session.fetch_token(f"{app.gateway.url}/oauth/token", authorization_response=chosen.headers["Location"],
                               code_verifier=verifier)["access_token"]
    budi = User.across_tenants("test").get(email="budi@police.go.th")
    assert not budi.password_change_required and secret_matches(budi.password_hash, NEW_PASSWORD)
    assert AuditEntry.objects(action="password.changed", actor=str(budi.id),
                              details__reason="first sign-in").count() == 1


def test_after_the_change_the_one_time_password_no_longer_works(live_gateway, app_client, invited):
    oauth.sign_in(live_gateway.url, app_client, "budi@police.go.th", ONE_TIME_PASSWORD, new_password=NEW_PASSWORD)

    with pytest.raises(PermissionError):
        oauth.sign_in(live_gateway.url, app_client, "budi@police.go.th", ONE_TIME_PASSWORD)
    assert oauth.sign_in(live_gateway.url, app_client, "budi@police.go.th", NEW_PASSWORD)["access_token"]


def test_a_sign_in_form_without_its_csrf_token_is_refused(app):
    url, _, _ = app.authorize()
    app.browser.get(url, timeout=10)

    forged = app.browser.post(url, data={"email": "ana@police.go.th", "password": PASSWORD}, allow_redirects=False,
                              timeout=10)

    assert forged.status_code == 400 and "Location" not in forged.headers
    assert SignInSession.objects.count() == 0


# --- POST /account/password ----------------------------------------------------------------------------------

def change_password(gateway, access_token, **body) -> requests.Response:
    return requests.post(f"{gateway.url}/account/password", json=body, timeout=10,
                         headers={"Authorization": f"Bearer {access_token}"})


def test_a_person_changes_their_password_and_their_other_sign_ins_end(app, live_gateway):
    elsewhere = App(live_gateway, app.client_id).sign_in()  # another browser, another sign-in
    here = app.sign_in()

    changed = change_password(live_gateway, here["access_token"], current_password=PASSWORD,
                              new_password=NEW_PASSWORD)

    assert changed.status_code == 204
    assert app.refresh(elsewhere["refresh_token"]).status_code == 400
    assert app.refresh(here["refresh_token"]).status_code == 200
    assert SignInSession.objects.count() == 0
    assert AuditEntry.objects(action="password.changed", details__reason="changed by the person").count() == 1
    assert oauth.sign_in(live_gateway.url, app.client_id, "ana@police.go.th", NEW_PASSWORD)["access_token"]


def test_a_password_change_names_each_field_that_is_wrong(app, live_gateway):
    token = app.sign_in()["access_token"]

    wrong = change_password(live_gateway, token, current_password="not it", new_password="short")
    same = change_password(live_gateway, token, current_password=PASSWORD, new_password=PASSWORD)
    missing = change_password(live_gateway, token)

    assert wrong.status_code == same.status_code == missing.status_code == 422
    assert wrong.headers["Content-Type"] == "application/problem+json"
    assert {error["field"] for error in wrong.json()["errors"]} == {"current_password", "new_password"}
    assert [error["field"] for error in same.json()["errors"]] == ["new_password"]
    assert {error["field"] for error in missing.json()["errors"]} == {"current_password", "new_password"}
    assert secret_matches(User.across_tenants("test").get(email="ana@police.go.th").password_hash, PASSWORD)
    assert AuditEntry.objects(action="password.change_refused").count() == 1


def test_a_machine_client_has_no_password_to_change(live_gateway, register_client):
    token = oauth.client_token(live_gateway.url, *register_client())

    assert change_password(live_gateway, token, current_password="x", new_password=NEW_PASSWORD).status_code == 403


def test_the_password_endpoint_is_in_the_openapi_document(live_gateway):
    paths = requests.get(f"{live_gateway.url}/openapi.json", timeout=10).json()["paths"]
    assert "204" in paths["/account/password"]["post"]["responses"]


# --- a person's sign-ins (issue 17 item 3) -------------------------------------------------------------------

def account(gateway, method, path, access_token) -> requests.Response:
    return requests.request(method, f"{gateway.url}/account{path}", timeout=10,
                            headers={"Authorization": f"Bearer {access_token}"})


def test_a_person_sees_their_sign_ins_and_ends_another_one(app, live_gateway):
    elsewhere = App(live_gateway, app.client_id).sign_in()
    here = app.sign_in()

    listed = account(live_gateway, "GET", "/sign-ins", here["access_token"]).json()
    assert [(row["client_id"], row["client_name"]) for row in listed] == [("tha-portal", "App tha-portal")] * 2
    [other] = [row for row in listed if not row["current"]]

    ended = account(live_gateway, "DELETE", f"/sign-ins/{other['id']}", here["access_token"])
    time.sleep(1.0)  # the deny list is re-read at most every half second

    assert ended.status_code == 204
    assert app.refresh(elsewhere["refresh_token"]).status_code == 400
    assert account(live_gateway, "GET", "/sign-ins", elsewhere["access_token"]).status_code == 401
    assert [row["current"] for row in account(live_gateway, "GET", "/sign-ins", here["access_token"]).json()] == [
        True]
    assert AuditEntry.objects(action="sign_in.ended", target=other["id"]).count() == 1


def test_a_person_cannot_end_someone_elses_sign_in(app, live_gateway, register_user):
    register_user("somchai@police.go.th", tenant="THA")
    theirs = App(live_gateway, app.client_id).sign_in("somchai@police.go.th")
    mine = app.sign_in()
    their_sign_in = account(live_gateway, "GET", "/sign-ins", theirs["access_token"]).json()[0]["id"]

    assert account(live_gateway, "DELETE", f"/sign-ins/{their_sign_in}", mine["access_token"]).status_code == 404
    assert app.refresh(theirs["refresh_token"]).status_code == 200


def test_signing_out_everywhere_ends_every_sign_in_and_the_gateway_session(app, live_gateway):
    elsewhere = App(live_gateway, app.client_id).sign_in()
    here = app.sign_in()

    assert account(live_gateway, "DELETE", "/sign-ins", here["access_token"]).status_code == 204

    assert app.refresh(elsewhere["refresh_token"]).status_code == 400
    assert app.refresh(here["refresh_token"]).status_code == 400
    assert SignInSession.objects.count() == 0


def test_a_tenant_admin_ends_a_persons_sign_ins(app, live_gateway, register_user, auth_headers):
    tokens = app.sign_in()
    admin = register_user("admin@police.go.th", tenant="THA", roles=["tenant_admin"])
    ana = User.across_tenants("test").get(email="ana@police.go.th")
    headers = auth_headers(tenant="THA", roles=["tenant_admin"], sub=str(admin.id), iss=live_gateway.url)

    ended = requests.post(f"{live_gateway.url}/admin/tenants/THA/users/{ana.id}/end-sign-ins", headers=headers,
                          timeout=10)
    other_tenant = requests.post(f"{live_gateway.url}/admin/tenants/IDN/users/{ana.id}/end-sign-ins",
                                 headers=headers, timeout=10)

    assert ended.status_code == 204 and other_tenant.status_code == 404
    assert app.refresh(tokens["refresh_token"]).status_code == 400
    assert SignInSession.objects.count() == 0
    assert AuditEntry.objects(action="user.sign_ins_ended", target=str(ana.id), actor=str(admin.id)).count() == 1
