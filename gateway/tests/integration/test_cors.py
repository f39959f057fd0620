"""Browser origins per client (CORS) on the token, revocation and API paths; nothing where none is listed.

The API paths are served by the edge (nginx, docs/adr/0090), so their tests run through a real one in front of
the gateway."""

import time
from types import SimpleNamespace

import pytest
import requests

from chassis import context
from chassis.testing import oauth
from chassis.testing.infrastructure import free_port
from gateway import cors
from gateway.identity.models import OAuthClient
from gateway.settings import GatewaySettings
from infra import edge

pytestmark = pytest.mark.integration

APP_ORIGIN = "https://cases.police.go.th"
OTHER_ORIGIN = "https://evil.example.org"


@pytest.fixture
def gateway_overrides():
    return {"roster_url": f"http://127.0.0.1:{free_port()}"}  # nothing listens: a let-through request gets 503


@pytest.fixture
def through_edge(live_gateway, gateway_overrides, tmp_path):
    """The edge in front of `live_gateway`, as browsers reach the platform."""
    settings = GatewaySettings(service_name="gateway", **gateway_overrides)
    with edge.running(tmp_path / "edge", listen=f"127.0.0.1:{free_port()}", gateway_urls=[live_gateway.url],
                      settings=settings) as url:
        yield SimpleNamespace(url=url)


@pytest.fixture
def clients(register_client):
    """THA's case system lists its web app's origin; IDN's client lists none."""
    tha = register_client("THA")
    idn = register_client("IDN")
    with context.bound(tenant="THA"):
        OAuthClient.objects(client_id=tha[0]).update(set__allowed_origins=[APP_ORIGIN])
    return {"THA": tha, "IDN": idn}


def _preflight(gateway, path, origin, method="POST"):
    return requests.options(f"{gateway.url}{path}", timeout=10, headers={
        "Origin": origin, "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type"})


@pytest.mark.parametrize(("path", "method"), [("/oauth/token", "POST"), ("/oauth/revoke", "POST"),
                                              ("/api/roster/experts", "GET")])
def test_a_preflight_from_a_listed_origin_is_answered_without_a_token(through_edge, clients, path, method):
    answer = _preflight(through_edge, path, APP_ORIGIN, method)

    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert method in answer.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in answer.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in answer.headers


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke", "/api/roster/experts"])
def test_a_preflight_from_any_other_origin_gets_no_cors_headers(through_edge, clients, path):
    answer = _preflight(through_edge, path, OTHER_ORIGIN)

    assert answer.status_code == 403
    assert not [name for name in answer.headers if name.lower().startswith("access-control-")]


def test_only_the_token_revocation_and_api_paths_speak_cors(live_gateway, clients):
    for path in ("/admin/tenants", "/account/password", "/oauth/authorize", "/oauth/introspect", "/api"):
        answer = _preflight(live_gateway, path, APP_ORIGIN)
        assert "Access-Control-Allow-Origin" not in answer.headers, path


def test_the_token_endpoint_answers_the_origin_its_client_lists(live_gateway, clients):
    def token(tenant, origin):
        client_id, secret = clients[tenant]
        return requests.post(f"{live_gateway.url}/oauth/token", data={"grant_type": "client_credentials"},
                             auth=(client_id, secret), headers={"Origin": origin}, timeout=10)

    listed, unlisted, other_client = token("THA", APP_ORIGIN), token("THA", OTHER_ORIGIN), token("IDN", APP_ORIGIN)

    assert listed.status_code == 200 and listed.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "Origin" in listed.headers["Vary"]
    assert unlisted.status_code == 200 and "Access-Control-Allow-Origin" not in unlisted.headers
    assert other_client.status_code == 200 and "Access-Control-Allow-Origin" not in other_client.headers


def test_the_api_paths_answer_the_origin_the_tokens_client_lists(live_gateway, through_edge, clients):
    tha_token = oauth.client_token(live_gateway.url, *clients["THA"])
    idn_token = oauth.client_token(live_gateway.url, *clients["IDN"])

    def call(token, origin):
        return requests.get(f"{through_edge.url}/api/roster/experts", timeout=10,
                            headers={"Authorization": f"Bearer {token}", "Origin": origin})

    listed, other_client, no_token = call(tha_token, APP_ORIGIN), call(idn_token, APP_ORIGIN), requests.get(
        f"{through_edge.url}/api/roster/experts", headers={"Origin": APP_ORIGIN}, timeout=10)

    assert listed.status_code == 503 and listed.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "X-Request-ID" in listed.headers["Access-Control-Expose-Headers"]
    assert other_client.status_code == 503 and "Access-Control-Allow-Origin" not in other_client.headers
    # refused before any client is known: readable by a listed origin, so the app learns to refresh its token
    assert no_token.status_code == 401 and no_token.headers["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert "Access-Control-Allow-Origin" not in call(tha_token, OTHER_ORIGIN).headers


def test_revocation_answers_the_origin_of_the_public_client_revoking(live_gateway, register_app, register_user):
    app = register_app("tha-spa", tenant="THA")
    with context.bound(tenant="THA"):
        OAuthClient.objects(client_id=app.client_id).update(set__allowed_origins=[APP_ORIGIN])
    register_user("ana@police.go.th")
    tokens = oauth.sign_in(live_gateway.url, "tha-spa", "ana@police.go.th", "correct horse battery staple")

    revoked = requests.post(f"{live_gateway.url}/oauth/revoke", timeout=10, headers={"Origin": APP_ORIGIN}, data={
        "token": tokens["refresh_token"], "token_type_hint": "refresh_token", "client_id": "tha-spa"})

    assert revoked.status_code == 200 and revoked.headers["Access-Control-Allow-Origin"] == APP_ORIGIN


def test_with_no_origin_listed_anywhere_nothing_speaks_cors(live_gateway, register_client):
    client_id, secret = register_client("THA")

    preflight = _preflight(live_gateway, "/oauth/token", APP_ORIGIN)
    token = requests.post(f"{live_gateway.url}/oauth/token", data={"grant_type": "client_credentials"},
                          auth=(client_id, secret), headers={"Origin": APP_ORIGIN}, timeout=10)

    assert preflight.status_code == 403 and "Access-Control-Allow-Origin" not in preflight.headers
    assert token.status_code == 200 and "Access-Control-Allow-Origin" not in token.headers


def test_an_origin_added_through_the_admin_api_applies_within_the_snapshots_interval(live_gateway, register_client,
                                                                                    register_user, auth_headers):
    client_id, _ = register_client("THA")
    admin = register_user("admin@police.go.th", roles=["tenant_admin"])
    assert _preflight(live_gateway, "/oauth/token", APP_ORIGIN).status_code == 403

    edited = requests.patch(f"{live_gateway.url}/admin/tenants/THA/clients/{client_id}", timeout=10, json={
        "allowed_origins": [APP_ORIGIN]}, headers=auth_headers(tenant="THA", roles=["tenant_admin"],
                                                                sub=str(admin.id), iss=live_gateway.url))
    time.sleep(cors.REFRESH_SECONDS + 0.2)

    assert edited.status_code == 200
    assert _preflight(live_gateway, "/oauth/token", APP_ORIGIN).status_code == 204
