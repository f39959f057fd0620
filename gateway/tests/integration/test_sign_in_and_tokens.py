"""Sign-in protection, token introspection and revocation, and malformed token requests."""

import datetime as dt
import time

import pytest
import requests
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from chassis.testing import oauth
from chassis.testing.infrastructure import free_port
from gateway.identity import login, throttle
from gateway.identity.models import AuditEntry, LoginThrottle
from gateway.oauth import server

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
REDIRECT_URI = "https://app.example.org/callback"
VERIFIER = "v" * 64


@pytest.fixture
def gateway_overrides():
    """As behind one load balancer, whose X-Forwarded-For the tests use to sign in from several addresses."""
    return {"trusted_proxy_hops": 1, "roster_url": f"http://127.0.0.1:{free_port()}"}


@pytest.fixture
def portal(live_gateway, register_app, register_user):
    register_user("ana@police.go.th", tenant="THA", roles=["case_officer"])
    register_app("tha-portal", tenant="THA")
    query = {"response_type": "code", "client_id": "tha-portal", "redirect_uri": REDIRECT_URI, "scope": "api",
             "code_challenge": create_s256_code_challenge(VERIFIER), "code_challenge_method": "S256"}
    return requests.Request("GET", f"{live_gateway.url}/oauth/authorize", params=query).prepare().url


def submit(url, email, password=PASSWORD, address=None):
    """A sign-in from a fresh browser (no gateway session), from `address` as the load balancer reports it."""
    headers = {"X-Forwarded-For": address} if address else {}
    return oauth.submit_sign_in(requests.Session(), url, email, password, headers=headers)


def sign_in_tokens(gateway, url, email="ana@police.go.th") -> dict:
    code = submit(url, email).headers["Location"].split("code=")[1].split("&")[0]
    return requests.post(f"{gateway.url}/oauth/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "client_id": "tha-portal", "redirect_uri": REDIRECT_URI,
        "code_verifier": VERIFIER}).json()


def test_a_wrong_password_and_an_unknown_account_look_the_same(portal):
    wrong_password = submit(portal, "ana@police.go.th", "not the password")
    unknown = submit(portal, "nobody@police.go.th")

    assert wrong_password.status_code == unknown.status_code == 401
    assert login.GENERIC_REFUSAL in wrong_password.text and login.GENERIC_REFUSAL in unknown.text
    failures = {entry.actor: entry.details["reason"] for entry in AuditEntry.objects(action="login", outcome="failure")}
    assert failures == {"ana@police.go.th": "bad_credentials", "nobody@police.go.th": "bad_credentials"}


def test_a_successful_sign_in_is_audited_with_the_address(portal):
    assert submit(portal, "ana@police.go.th").status_code == 302
    entry = AuditEntry.objects(action="login", outcome="success").get()
    assert entry.target == "ana@police.go.th" and entry.actor_tenant == "THA"
    assert entry.source_address == "127.0.0.1"


def test_repeated_failures_block_the_account_even_with_the_right_password(portal):
    for attempt in range(throttle.SIGN_IN.free_failures):
        submit(portal, "ana@police.go.th", f"guess {attempt}", address=f"10.0.0.{attempt}")

    blocked = submit(portal, "ana@police.go.th", address="10.0.1.1")

    assert blocked.status_code == 401 and login.GENERIC_REFUSAL in blocked.text
    assert AuditEntry.objects(action="login", outcome="failure", details__reason="blocked").count() == 1


def test_repeated_failures_from_one_address_block_that_address_for_every_account(portal, register_user):
    register_user("somchai@police.go.th", tenant="THA")
    for attempt in range(throttle.SIGN_IN.free_failures):
        submit(portal, f"guess{attempt}@police.go.th", address="203.0.113.9")

    from_there = submit(portal, "somchai@police.go.th", address="203.0.113.9")
    from_elsewhere = submit(portal, "somchai@police.go.th", address="198.51.100.1")

    assert from_there.status_code == 401
    assert from_elsewhere.status_code == 302


def age_failures(key, by):
    """Move a throttle's failures back in time, as if `by` had passed."""
    stored = LoginThrottle.objects(id=key).get()
    stored.update(set__failures=[{**failure, "at": failure["at"] - by} for failure in stored.failures])


def test_the_block_wears_off_as_failures_leave_the_window_and_success_clears_the_account(portal):
    for attempt in range(throttle.SIGN_IN.free_failures):
        submit(portal, "ana@police.go.th", f"guess {attempt}", address=f"10.0.0.{attempt}")
    assert submit(portal, "ana@police.go.th", address="10.0.2.1").status_code == 401
    age_failures("account:ana@police.go.th", throttle.WINDOW)

    assert submit(portal, "ana@police.go.th", address="10.0.2.1").status_code == 302
    assert LoginThrottle.objects(id="account:ana@police.go.th").first() is None


def test_a_persons_typos_then_success_do_not_lock_out_others_at_their_address(portal, register_user):
    """Issue 17 item 7: five typos and one success at a shared address, then one typo by a colleague there."""
    register_user("somchai@police.go.th", tenant="THA")
    for attempt in range(throttle.SIGN_IN.free_failures):
        submit(portal, "ana@police.go.th", f"typo {attempt}", address="203.0.113.20")
    for key in ("account:ana@police.go.th", "address:203.0.113.20"):
        age_failures(key, dt.timedelta(minutes=1))  # she waits out the short block (still within the window)
    assert submit(portal, "ana@police.go.th", address="203.0.113.20").status_code == 302

    typo = submit(portal, "somchai@police.go.th", "one typo", address="203.0.113.20")
    then_right = submit(portal, "somchai@police.go.th", address="203.0.113.20")

    assert typo.status_code == 401 and then_right.status_code == 302
    assert not AuditEntry.objects(action="login", details__reason="blocked")


def test_failures_older_than_the_window_no_longer_block_an_address(portal, register_user):
    register_user("somchai@police.go.th", tenant="THA")
    for attempt in range(throttle.SIGN_IN.free_failures):
        submit(portal, f"guess{attempt}@police.go.th", address="203.0.113.30")
    assert submit(portal, "somchai@police.go.th", address="203.0.113.30").status_code == 401

    age_failures("address:203.0.113.30", throttle.WINDOW)

    assert submit(portal, "somchai@police.go.th", address="203.0.113.30").status_code == 302


@pytest.fixture
def resource_server(register_client):
    """A confidential client that may introspect: a THA service or case system."""
    return register_client(tenant="THA", client_id="tha-resource-server")


def introspect(gateway, client, token):
    return requests.post(f"{gateway.url}/oauth/introspect", data={"token": token}, auth=client, timeout=10)


def test_introspection_describes_active_tokens_of_the_clients_own_tenant(live_gateway, portal, resource_server):
    tokens = sign_in_tokens(live_gateway, portal)

    access = introspect(live_gateway, resource_server, tokens["access_token"]).json()
    refresh = introspect(live_gateway, resource_server, tokens["refresh_token"]).json()

    assert access["active"] is True and access["tenant"] == "THA" and access["roles"] == ["case_officer"]
    assert refresh["active"] is True and refresh["token_type"] == "refresh_token"


def test_introspection_says_nothing_about_another_tenants_tokens(live_gateway, portal, register_client):
    tokens = sign_in_tokens(live_gateway, portal)
    other_tenant = register_client(tenant="IDN", client_id="idn-resource-server")

    assert introspect(live_gateway, other_tenant, tokens["access_token"]).json() == {"active": False}
    assert introspect(live_gateway, other_tenant, tokens["refresh_token"]).json() == {"active": False}


def test_introspection_needs_an_authenticated_confidential_client(live_gateway, portal):
    tokens = sign_in_tokens(live_gateway, portal)
    response = requests.post(f"{live_gateway.url}/oauth/introspect",
                             data={"token": tokens["access_token"], "client_id": "tha-portal"}, timeout=10)
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_a_revoked_access_token_is_refused_at_the_edge_within_a_second(live_gateway, portal, resource_server):
    tokens = sign_in_tokens(live_gateway, portal)
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    roster = f"{live_gateway.url}/edge/decision"  # what the edge asks (docs/adr/0090)
    assert requests.get(roster, headers=bearer, timeout=10).status_code == 200

    revoked = requests.post(f"{live_gateway.url}/oauth/revoke", timeout=10,
                            data={"token": tokens["access_token"], "client_id": "tha-portal"})
    time.sleep(1.0)

    assert revoked.status_code == 200
    assert requests.get(roster, headers=bearer, timeout=10).status_code == 401
    assert introspect(live_gateway, resource_server, tokens["access_token"]).json() == {"active": False}


def test_a_revoked_refresh_token_cannot_be_used(live_gateway, portal):
    tokens = sign_in_tokens(live_gateway, portal)
    requests.post(f"{live_gateway.url}/oauth/revoke", timeout=10,
                  data={"token": tokens["refresh_token"], "client_id": "tha-portal"})

    refreshed = requests.post(f"{live_gateway.url}/oauth/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "client_id": "tha-portal"})

    assert (refreshed.status_code, refreshed.json()["error"]) == (400, "invalid_grant")


def test_an_oversized_token_request_gets_rfc6749_json(live_gateway, register_client):
    client = register_client()
    response = requests.post(f"{live_gateway.url}/oauth/token", auth=client, timeout=10,
                             data={"grant_type": "client_credentials", "padding": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "invalid_request"


def test_failed_client_authentication_is_audited(live_gateway, register_client):
    client_id, _ = register_client()
    requests.post(f"{live_gateway.url}/oauth/token", data={"grant_type": "client_credentials"},
                  auth=(client_id, "wrong-secret"), timeout=10)
    entry = AuditEntry.objects(outcome="failure").get()
    assert (entry.actor, entry.details["error"]) == (client_id, "invalid_client")


def client_credentials(gateway, client_id, secret, address="192.0.2.10", basic=True):
    auth = (client_id, secret) if basic else None
    form = {"grant_type": "client_credentials"} | ({} if basic else {"client_id": client_id, "client_secret": secret})
    return requests.post(f"{gateway.url}/oauth/token", data=form, auth=auth, timeout=10,
                         headers={"X-Forwarded-For": address})


@pytest.mark.parametrize("basic", [True, False], ids=["client_secret_basic", "client_secret_post"])
def test_an_unknown_client_and_a_wrong_secret_are_answered_alike(live_gateway, register_client, monkeypatch, basic):
    """Issue 17 item 10: the same answer, and the same argon2 verification behind it (so the same time)."""
    client_id, _ = register_client()
    verified = []
    monkeypatch.setattr(server, "secret_matches", lambda *args: verified.append("stand-in") or False)

    wrong_secret = client_credentials(live_gateway, client_id, "wrong-secret-0123456789", basic=basic)
    unknown = client_credentials(live_gateway, "no-such-client", "wrong-secret-0123456789", basic=basic)

    assert wrong_secret.status_code == unknown.status_code == 401
    assert wrong_secret.json() == unknown.json() == {"error": "invalid_client",
                                                     "error_description": server.CLIENT_AUTHENTICATION_FAILED}
    assert verified == ["stand-in"]  # the unknown client's secret was checked against the stand-in hash


def test_failed_client_authentication_is_throttled_per_address(live_gateway, register_client):
    client_id, secret = register_client()
    for attempt in range(server.CLIENT_AUTHENTICATION.free_failures):
        assert client_credentials(live_gateway, f"guess-{attempt}", "x" * 20, address="192.0.2.66").status_code == 401

    paused = client_credentials(live_gateway, client_id, secret, address="192.0.2.66")
    elsewhere = client_credentials(live_gateway, client_id, secret, address="192.0.2.67")

    assert paused.status_code == 429 and int(paused.headers["Retry-After"]) >= 1
    assert paused.json()["error"] == "invalid_client"
    assert elsewhere.status_code == 200
