"""People sign in through the browser flow (authorization_code + PKCE) and keep their session with refresh tokens."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt

from chassis.testing import oauth
from chassis.tests import sample_service
from gateway.identity import keys
from gateway.identity.models import AuditEntry, RefreshToken

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
REDIRECT_URI = "https://app.example.org/callback"


class Browser:
    """What a person's browser does: open the sign-in page, submit the form, hand the redirect to the app."""

    def __init__(self, gateway):
        self.gateway = gateway
        self.http = requests.Session()

    def sign_in(self, authorization_url, email, password=PASSWORD, **kwargs) -> requests.Response:
        return oauth.submit_sign_in(self.http, authorization_url, email, password, **kwargs)


@pytest.fixture
def browser(live_gateway):
    return Browser(live_gateway)


def app_session(client_id, **kwargs) -> OAuth2Session:
    return OAuth2Session(client_id, token_endpoint_auth_method="none", redirect_uri=REDIRECT_URI, scope="api",
                         code_challenge_method="S256", **kwargs)


def sign_in_with_pkce(gateway, browser, client_id, email) -> tuple[OAuth2Session, dict]:
    """The whole flow as a public app (a single-page app) runs it with Authlib's standard client."""
    session = app_session(client_id)
    verifier = generate_token(64)
    url, _ = session.create_authorization_url(f"{gateway.url}/oauth/authorize", code_verifier=verifier)
    redirected = browser.sign_in(url, email)
    assert redirected.status_code == 302, redirected.text
    token = session.fetch_token(f"{gateway.url}/oauth/token", authorization_response=redirected.headers["Location"],
                                code_verifier=verifier)
    return session, token


def token_request(gateway, **form) -> requests.Response:
    return requests.post(f"{gateway.url}/oauth/token", data=form, timeout=10)


def authorize_url(gateway, client_id, **params) -> str:
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI, "scope": "api",
             "state": "s1", **params}
    return requests.Request("GET", f"{gateway.url}/oauth/authorize", params=query).prepare().url


def code_from(response) -> str:
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


@pytest.fixture
def portal(register_app, register_user):
    register_user("ana@police.go.th", tenant="THA", roles=["case_officer"], display_name="Ana Srisuk")
    return register_app("tha-portal", tenant="THA").client_id


@pytest.fixture
def protected_service(make_app, live_gateway):
    settings = live_gateway.settings
    return make_app(sample_service.create_app, sample_service.SERVICE, oauth_issuer=settings.oauth_issuer,
                    jwks_url=settings.jwks_url, mongodb_database=settings.mongodb_database).test_client()


def test_a_person_signs_in_with_pkce_and_a_service_accepts_the_token(live_gateway, browser, portal,
                                                                     protected_service):
    _, token = sign_in_with_pkce(live_gateway, browser, portal, "ana@police.go.th")

    claims = jwt.decode(token["access_token"], keys.active_key()).claims
    assert (claims["tenant"], claims["roles"], claims["email"], claims["name"]) == (
        "THA", ["case_officer"], "ana@police.go.th", "Ana Srisuk")
    assert token["refresh_token"] and token["expires_in"] == 900
    note = protected_service.post("/notes", json={"title": "from a person"},
                                  headers={"Authorization": f"Bearer {token['access_token']}"})
    assert note.status_code == 201 and note.get_json()["tenant"] == "THA"


def test_refresh_rotates_the_refresh_token(live_gateway, browser, portal):
    session, first = sign_in_with_pkce(live_gateway, browser, portal, "ana@police.go.th")

    second = session.refresh_token(f"{live_gateway.url}/oauth/token", refresh_token=first["refresh_token"])

    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert RefreshToken.objects.count() == 2


def test_a_reused_refresh_token_is_refused_and_revokes_its_family(live_gateway, browser, portal):
    session, first = sign_in_with_pkce(live_gateway, browser, portal, "ana@police.go.th")
    second = session.refresh_token(f"{live_gateway.url}/oauth/token", refresh_token=first["refresh_token"])

    replayed = token_request(live_gateway, grant_type="refresh_token", refresh_token=first["refresh_token"],
                             client_id=portal)
    legitimate = token_request(live_gateway, grant_type="refresh_token", refresh_token=second["refresh_token"],
                               client_id=portal)

    assert (replayed.status_code, replayed.json()["error"]) == (400, "invalid_grant")
    assert (legitimate.status_code, legitimate.json()["error"]) == (400, "invalid_grant")
    assert AuditEntry.objects(action="refresh_token.family_revoked").count() == 1


@pytest.mark.parametrize("params", [
    {},
    {"code_challenge": create_s256_code_challenge("v" * 64), "code_challenge_method": "plain"},
    {"code_challenge": "v" * 64},
], ids=["no-pkce", "plain", "method-missing-means-plain"])
def test_a_public_client_cannot_downgrade_pkce(live_gateway, browser, portal, params):
    page = browser.http.get(authorize_url(live_gateway, portal, **params), allow_redirects=False, timeout=10)

    assert page.status_code == 400
    assert "Sign in</button>" not in page.text


def test_the_token_request_needs_the_right_verifier(live_gateway, browser, portal):
    challenge = {"code_challenge": create_s256_code_challenge("a" * 64), "code_challenge_method": "S256"}
    without = code_from(browser.sign_in(authorize_url(live_gateway, portal, **challenge), "ana@police.go.th"))
    wrong = code_from(browser.sign_in(authorize_url(live_gateway, portal, **challenge), "ana@police.go.th"))

    missing = token_request(live_gateway, grant_type="authorization_code", code=without, client_id=portal,
                            redirect_uri=REDIRECT_URI)
    mismatched = token_request(live_gateway, grant_type="authorization_code", code=wrong, client_id=portal,
                               redirect_uri=REDIRECT_URI, code_verifier="b" * 64)

    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    assert (mismatched.status_code, mismatched.json()["error"]) == (400, "invalid_grant")


def test_an_unregistered_redirect_uri_is_answered_on_the_page_never_redirected(live_gateway, browser, portal):
    url = authorize_url(live_gateway, portal, redirect_uri="https://attacker.example.com/steal",
                        code_challenge=create_s256_code_challenge("a" * 64), code_challenge_method="S256")

    page = browser.http.get(url, allow_redirects=False, timeout=10)
    submitted = browser.http.post(url, data={"email": "ana@police.go.th", "password": PASSWORD},
                                  allow_redirects=False, timeout=10)

    assert page.status_code == 400 and submitted.status_code == 400
    assert "Location" not in submitted.headers


def test_a_code_is_bound_to_its_redirect_uri(live_gateway, browser, portal):
    verifier = "a" * 64
    code = code_from(browser.sign_in(authorize_url(
        live_gateway, portal, code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256"),
        "ana@police.go.th"))

    exchanged = token_request(live_gateway, grant_type="authorization_code", code=code, client_id=portal,
                              redirect_uri="https://app.example.org/other", code_verifier=verifier)

    assert (exchanged.status_code, exchanged.json()["error"]) == (400, "invalid_grant")


def test_a_reused_code_is_refused_and_revokes_what_the_first_exchange_obtained(live_gateway, browser, portal):
    verifier = "a" * 64
    code = code_from(browser.sign_in(authorize_url(
        live_gateway, portal, code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256"),
        "ana@police.go.th"))
    exchange = {"grant_type": "authorization_code", "code": code, "client_id": portal,
                "redirect_uri": REDIRECT_URI, "code_verifier": verifier}

    first = token_request(live_gateway, **exchange)
    second = token_request(live_gateway, **exchange)
    refreshed = token_request(live_gateway, grant_type="refresh_token", client_id=portal,
                              refresh_token=first.json()["refresh_token"])

    assert first.status_code == 200
    assert (second.status_code, second.json()["error"]) == (400, "invalid_grant")
    assert (refreshed.status_code, refreshed.json()["error"]) == (400, "invalid_grant")


def test_a_tenant_client_does_not_sign_in_people_of_another_tenant(live_gateway, browser, portal, register_user):
    register_user("budi@polri.go.id", tenant="IDN")
    session = app_session(portal)
    url, _ = session.create_authorization_url(f"{live_gateway.url}/oauth/authorize", code_verifier="a" * 64)

    refused = browser.sign_in(url, "budi@polri.go.id")

    assert refused.status_code == 403 and "Location" not in refused.headers


def test_a_confidential_app_signs_in_with_its_secret(live_gateway, browser, register_app, register_user):
    register_user("lee@border.gov.my", tenant="MYS", roles=["requesting_officer"])
    register_app("mys-case-system", tenant="MYS", secret="a-long-client-secret-0123456789")
    session = OAuth2Session("mys-case-system", "a-long-client-secret-0123456789", redirect_uri=REDIRECT_URI,
                            scope="api", code_challenge_method="S256")
    url, _ = session.create_authorization_url(f"{live_gateway.url}/oauth/authorize", code_verifier="c" * 64)
    redirected = browser.sign_in(url, "lee@border.gov.my")

    token = session.fetch_token(f"{live_gateway.url}/oauth/token",
                                authorization_response=redirected.headers["Location"], code_verifier="c" * 64)

    assert jwt.decode(token["access_token"], keys.active_key()).claims["tenant"] == "MYS"


def test_a_reused_code_also_denies_the_access_token_the_first_exchange_obtained(live_gateway, browser, portal):
    """Issue 17 item 6: the first access token stops working too, not only its refresh token."""
    verifier = "a" * 64
    code = code_from(browser.sign_in(authorize_url(
        live_gateway, portal, code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256"),
        "ana@police.go.th"))
    exchange = {"grant_type": "authorization_code", "code": code, "client_id": portal,
                "redirect_uri": REDIRECT_URI, "code_verifier": verifier}
    first = token_request(live_gateway, **exchange).json()
    bearer = {"Authorization": f"Bearer {first['access_token']}"}
    assert requests.get(f"{live_gateway.url}/admin/tenants", headers=bearer, timeout=10).status_code == 403  # valid

    token_request(live_gateway, **exchange)
    time.sleep(1.0)  # the deny list is reloaded at most every 0.5 s

    refused = requests.get(f"{live_gateway.url}/admin/tenants", headers=bearer, timeout=10)
    assert refused.status_code == 401
