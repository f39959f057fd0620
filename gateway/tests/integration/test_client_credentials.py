"""Machine clients obtain tokens with client_credentials; services accept them; keys rotate without restarts."""

import datetime as dt

import pytest
import requests
from joserfc import jwt

from chassis.testing import oauth
from chassis.tests import sample_service
from gateway.identity import keys
from gateway.identity.models import AuditEntry, Tenant

pytestmark = pytest.mark.integration


def fetch_token(gateway, client_id, secret) -> str:
    return oauth.client_token(gateway.url, client_id, secret)


@pytest.fixture
def protected_service(make_app, live_gateway):
    """A service trusting the live gateway: same issuer, keys from the gateway's JWKS URL."""
    settings = live_gateway.settings
    app = make_app(sample_service.create_app, sample_service.SERVICE, oauth_issuer=settings.oauth_issuer,
                   jwks_url=settings.jwks_url, mongodb_database=settings.mongodb_database)
    return app.test_client()


def post_note(service_client, token):
    return service_client.post("/notes", json={"title": "from a machine"}, headers={"Authorization": f"Bearer {token}"})


def test_a_machine_client_token_is_accepted_by_a_service(live_gateway, register_client, protected_service):
    client_id, secret = register_client(tenant="THA", roles=["case_officer", "case_officer"])
    token = fetch_token(live_gateway, client_id, secret)
    created = post_note(protected_service, token)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["tenant"] == "THA"


def test_the_token_carries_the_platform_claims(live_gateway, register_client):
    client_id, secret = register_client(tenant="IDN", roles=["case_officer"])
    token = fetch_token(live_gateway, client_id, secret)
    decoded = jwt.decode(token, keys.active_key())
    claims = decoded.claims
    assert decoded.header["kid"] == keys.active_key().kid
    assert decoded.header["alg"] == "RS256"
    assert claims["iss"] == live_gateway.url
    assert claims["aud"] == "rso-platform"
    assert claims["tenant"] == "IDN" and claims["roles"] == ["case_officer"]
    assert claims["sub"] == client_id and claims["jti"]
    assert claims["exp"] - claims["iat"] == 900


@pytest.mark.parametrize(("form", "auth", "status", "error"), [
    ({}, True, 400, "unsupported_grant_type"),
    ({"grant_type": "password", "username": "a", "password": "b"}, True, 400, "unsupported_grant_type"),
    ({"grant_type": "client_credentials"}, False, 401, "invalid_client"),
])
def test_malformed_token_requests_answer_rfc6749_errors(live_gateway, register_client, form, auth, status, error):
    client_id, secret = register_client()
    response = requests.post(f"{live_gateway.url}/oauth/token", data=form,
                             auth=(client_id, secret) if auth else None, timeout=10)
    assert response.status_code == status
    assert response.json()["error"] == error


def test_a_wrong_secret_is_invalid_client(live_gateway, register_client):
    client_id, _ = register_client()
    response = requests.post(f"{live_gateway.url}/oauth/token", data={"grant_type": "client_credentials"},
                             auth=(client_id, "wrong-secret"), timeout=10)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_suspended_tenant_gets_no_token(live_gateway, register_client):
    client_id, secret = register_client(tenant="MYS", tenant_status="suspended")
    response = requests.post(f"{live_gateway.url}/oauth/token", data={"grant_type": "client_credentials"},
                             auth=(client_id, secret), timeout=10)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert Tenant.objects.get(code="MYS").status == "suspended"


def test_token_issuance_is_audited(live_gateway, register_client):
    client_id, secret = register_client(tenant="PHL")
    fetch_token(live_gateway, client_id, secret)
    entry = AuditEntry.objects(action="token.issued").get()
    assert (entry.actor, entry.actor_tenant, entry.outcome) == (client_id, "PHL", "success")
    assert entry.source_address == "127.0.0.1"


def test_metadata_and_jwks_publish_no_private_key_material(live_gateway):
    metadata = requests.get(f"{live_gateway.url}/.well-known/oauth-authorization-server", timeout=10).json()
    assert metadata["issuer"] == live_gateway.url
    assert metadata["jwks_uri"] == f"{live_gateway.url}/.well-known/jwks.json"
    assert metadata["introspection_endpoint"] == f"{live_gateway.url}/oauth/introspect"
    assert metadata["revocation_endpoint"] == f"{live_gateway.url}/oauth/revoke"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    jwks = requests.get(metadata["jwks_uri"], timeout=10).json()
    assert jwks["keys"] and all(set(key) >= {"kid", "n", "e"} and "d" not in key for key in jwks["keys"])


def test_key_rotation_old_tokens_live_until_retired_new_ones_accepted_at_once(
        live_gateway, register_client, protected_service):
    client_id, secret = register_client(roles=["case_officer"])
    old_token = fetch_token(live_gateway, client_id, secret)
    old_kid = keys.active_key().kid
    assert post_note(protected_service, old_token).status_code == 201  # the service caches the JWKS now

    keys.rotate()
    new_token = fetch_token(live_gateway, client_id, secret)
    assert jwt.decode(new_token, keys.active_key()).header["kid"] != old_kid
    assert post_note(protected_service, new_token).status_code == 201  # unknown kid: refetched
    assert post_note(protected_service, old_token).status_code == 201  # previous key still published

    assert keys.retire_superseded(dt.timedelta(0))
    jwks_kids = {key["kid"] for key in requests.get(live_gateway.settings.jwks_url, timeout=10).json()["keys"]}
    assert keys.active_key().kid in jwks_kids and len(jwks_kids) == 1
