"""OpenID Connect, verified with Authlib's own relying-party code (its Flask client): discovery, sign-in with an
ID token checked against the JWKS (signature, issuer, audience, nonce, at_hash), /userinfo, RP-initiated
logout through `end_session_endpoint`, `prompt=none`, and the RFC 9207 `iss` parameter."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from authlib.integrations.flask_client import OAuth
from flask import Flask, session

from chassis.testing import oauth
from gateway.identity.models import SignInSession

pytestmark = pytest.mark.integration

PASSWORD = "correct horse battery staple"
SECRET = "relying-party-secret-0123456789"
CALLBACK = "https://rp.example.org/callback"
AFTER_LOGOUT = "https://rp.example.org/signed-out"


def relying_party_app(gateway_url: str, **authorize_params) -> Flask:
    """A confidential relying party as anyone would write it with Authlib's Flask client."""
    rp = Flask("relying-party")
    rp.secret_key = "relying-party-session-key"
    registry = OAuth(rp)
    registry.register("rso", client_id="tha-rp", client_secret=SECRET,
                      server_metadata_url=f"{gateway_url}/.well-known/openid-configuration",
                      client_kwargs={"scope": "openid profile email api", "code_challenge_method": "S256"})

    @rp.get("/login")
    def login():
        return registry.rso.authorize_redirect(CALLBACK, **authorize_params)

    @rp.get("/callback")
    def callback():
        token = registry.rso.authorize_access_token()
        session["id_token"] = token["id_token"]
        return {"token": token, "userinfo": registry.rso.userinfo(token=token)}

    @rp.get("/logout")
    def logout():
        return registry.rso.logout_redirect(post_logout_redirect_uri=AFTER_LOGOUT, id_token_hint=session["id_token"])

    return rp


@pytest.fixture
def relying_party(live_gateway, register_app, register_user):
    register_user("ana@police.go.th", tenant="THA", display_name="Ana Srisuk")
    register_app("tha-rp", tenant="THA", redirect_uri=CALLBACK, secret=SECRET, post_logout_redirect_uris=[AFTER_LOGOUT])
    return relying_party_app(live_gateway.url).test_client()


def query_of(location: str) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}


def test_a_relying_party_signs_a_person_in_reads_userinfo_and_logs_out(live_gateway, relying_party):
    browser = requests.Session()
    to_gateway = relying_party.get("/login")
    assert "nonce=" in to_gateway.location

    back = oauth.submit_sign_in(browser, to_gateway.location, "ana@police.go.th", PASSWORD)
    assert back.status_code == 302 and back.headers["Location"].startswith(CALLBACK)
    assert query_of(back.headers["Location"])["iss"] == live_gateway.url  # RFC 9207
    signed_in = relying_party.get(f"/callback?{urlsplit(back.headers['Location']).query}")

    assert signed_in.status_code == 200, signed_in.get_data(as_text=True)
    body = signed_in.get_json()
    id_token = body["token"]["userinfo"]  # the ID token's claims, as Authlib validated them
    assert (id_token["iss"], id_token["aud"], id_token["name"], id_token["email"], id_token["amr"]) == (
        live_gateway.url, ["tha-rp"], "Ana Srisuk", "ana@police.go.th", ["pwd"])
    assert id_token["nonce"] and id_token["auth_time"] <= id_token["iat"] and id_token["sid"]
    assert body["userinfo"] == {"sub": id_token["sub"], "tenant": "THA", "name": "Ana Srisuk",
                                "email": "ana@police.go.th"}

    to_logout = relying_party.get("/logout")
    assert to_logout.location.startswith(f"{live_gateway.url}/oauth/logout")
    signed_out = browser.get(to_logout.location, allow_redirects=False, timeout=10)

    assert signed_out.status_code == 302 and signed_out.headers["Location"].startswith(AFTER_LOGOUT)
    assert SignInSession.objects.count() == 0


def test_an_id_token_is_not_an_access_token(live_gateway, relying_party):
    to_gateway = relying_party.get("/login")
    back = oauth.submit_sign_in(requests.Session(), to_gateway.location, "ana@police.go.th", PASSWORD)
    token = relying_party.get(f"/callback?{urlsplit(back.headers['Location']).query}").get_json()["token"]

    as_bearer = requests.get(f"{live_gateway.url}/oauth/userinfo", timeout=10,
                             headers={"Authorization": f"Bearer {token['id_token']}"})

    assert as_bearer.status_code == 401


def test_prompt_none_answers_login_required_without_a_session_and_a_code_within_one(live_gateway, relying_party):
    silent = relying_party_app(live_gateway.url, prompt="none").test_client()
    browser = requests.Session()

    refused = browser.get(silent.get("/login").location, allow_redirects=False, timeout=10)
    assert refused.status_code == 302 and query_of(refused.headers["Location"])["error"] == "login_required"

    oauth.submit_sign_in(browser, relying_party.get("/login").location, "ana@police.go.th", PASSWORD)
    within = browser.get(silent.get("/login").location, allow_redirects=False, timeout=10)
    assert within.status_code == 302 and "code" in query_of(within.headers["Location"])


def test_the_discovery_document_names_every_endpoint(live_gateway):
    metadata = requests.get(f"{live_gateway.url}/.well-known/openid-configuration", timeout=10).json()

    assert metadata["issuer"] == live_gateway.url
    assert metadata["userinfo_endpoint"] == f"{live_gateway.url}/oauth/userinfo"
    assert metadata["end_session_endpoint"] == f"{live_gateway.url}/oauth/logout"
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert "openid" in metadata["scopes_supported"] and metadata["id_token_signing_alg_values_supported"] == ["RS256"]
