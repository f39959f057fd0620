"""Services accept only RS256 tokens from the trusted issuer, for them, unexpired, signed by a JWKS key."""

import base64
import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from joserfc.jwk import RSAKey

from chassis.auth import JWKSKeySource, Unauthorized
from chassis.problems import ServiceUnavailable

pytestmark = pytest.mark.integration


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_signed(header: dict, payload: dict, sign) -> str:
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64url(sign(signing_input.encode()))}"


def claims(token_issuer, **overrides) -> dict:
    now = int(time.time())
    return {"iss": token_issuer.issuer, "aud": token_issuer.audience, "sub": "u1", "iat": now, "exp": now + 600,
            "tenant": "THA", "roles": ["case_officer"], "scope": "", **overrides}


def post_note(client, token: str | None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post("/notes", json={"title": "t"}, headers=headers)


def test_a_valid_token_is_accepted(client, token_issuer):
    assert post_note(client, token_issuer.mint(roles=["case_officer"])).status_code == 201


def test_missing_token_is_401_with_bearer_challenge(client):
    response = post_note(client, None)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def forged_tokens(token_issuer):
    stranger = RSAKey.generate_key(2048, parameters={"kid": token_issuer.signing_key.kid})
    public_pem = token_issuer.signing_key.as_pem(private=False)
    return {
        "expired": token_issuer.mint(roles=["case_officer"], expires_in=-120),
        "wrong issuer": token_issuer.mint(roles=["case_officer"], iss="https://evil.example"),
        "wrong audience": token_issuer.mint(roles=["case_officer"], aud="some-other-api"),
        "not yet valid": token_issuer.mint(roles=["case_officer"], nbf=int(time.time()) + 3600),
        "no tenant": token_issuer.mint(roles=["case_officer"], tenant=None),
        "bad signature": token_issuer.mint(roles=["case_officer"], key=stranger),
        "unknown kid": token_issuer.mint(roles=["case_officer"],
                                         key=RSAKey.generate_key(2048, parameters={"kid": "k9"})),
        "alg none": hand_signed({"alg": "none", "kid": token_issuer.signing_key.kid},
                                claims(token_issuer), lambda _: b""),
        "HS256 with the public key as secret": hand_signed(
            {"alg": "HS256", "kid": token_issuer.signing_key.kid, "typ": "JWT"}, claims(token_issuer),
            lambda data: hmac.new(public_pem, data, hashlib.sha256).digest()),
        "garbage": "not.a.token",
        "typ JWT (an ID token or another JWT, not an access token)": token_issuer.mint(
            roles=["case_officer"], header={"typ": "JWT"}),
        "no typ": hand_signed({"alg": "RS256", "kid": token_issuer.signing_key.kid}, claims(token_issuer),
                              lambda data: token_issuer.signing_key.private_key.sign(
                                  data, padding.PKCS1v15(), hashes.SHA256())),
    }


@pytest.mark.parametrize("case", [
    "expired", "wrong issuer", "wrong audience", "not yet valid", "no tenant", "bad signature", "unknown kid",
    "alg none", "HS256 with the public key as secret", "garbage",
    "typ JWT (an ID token or another JWT, not an access token)", "no typ",
])
def test_unacceptable_tokens_are_401(client, token_issuer, case):
    response = post_note(client, forged_tokens(token_issuer)[case])
    assert response.status_code == 401, response.get_json()
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_missing_role_is_403(client, token_issuer):
    response = post_note(client, token_issuer.mint(roles=["reader"]))
    assert response.status_code == 403
    assert response.get_json()["required_roles"] == ["case_officer"]


def test_identity_comes_from_the_token_not_from_headers_or_body(client, token_issuer):
    token = token_issuer.mint(tenant="THA", roles=["case_officer"])
    response = client.post("/notes", json={"title": "t", "tenant": "IDN"},
                           headers={"Authorization": f"Bearer {token}", "X-Tenant": "IDN"})
    assert response.status_code == 422  # an unknown field is refused, never taken as the tenant
    headers = {"Authorization": f"Bearer {token}", "X-Tenant": "IDN"}
    created = client.post("/notes", json={"title": "t"}, headers=headers)
    assert created.get_json()["tenant"] == "THA"


def test_key_rotation_needs_no_restart(client, token_issuer):
    old_token = token_issuer.mint(roles=["case_officer"])
    assert post_note(client, old_token).status_code == 201  # the service has now cached the JWKS
    token_issuer.rotate()
    new_token = token_issuer.mint(roles=["case_officer"])
    assert post_note(client, new_token).status_code == 201  # unknown kid -> refetch -> accepted
    assert post_note(client, old_token).status_code == 201  # the previous key is still published


class SlowJWKS(JWKSKeySource):
    """The gateway answering its JWKS slowly, as under load right after a service starts."""

    def fetch_jwks(self) -> dict:
        time.sleep(0.3)
        return super().fetch_jwks()


def test_requests_arriving_during_the_first_key_fetch_wait_for_it(token_issuer):
    source = SlowJWKS(token_issuer.jwks_url)
    kid = token_issuer.signing_key.kid
    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda _: _outcome(source, kid), range(8)))
    assert outcomes == ["found"] * 8


def _outcome(source: JWKSKeySource, kid: str) -> str:
    try:
        return "found" if source.key_for(kid).kid == kid else "other"
    except Unauthorized as error:
        return str(error)


class FlakyJWKS(JWKSKeySource):
    """The gateway failing to answer its JWKS (timeouts under load), then answering again."""

    failures_left = 2  # the first request tries twice: the keys are stale, then its key id is unknown

    def fetch_jwks(self) -> dict:
        if self.failures_left:
            self.failures_left -= 1
            raise requests.ConnectTimeout("gateway too busy")
        return super().fetch_jwks()


def test_a_failed_key_fetch_answers_503_and_the_next_request_fetches_again(token_issuer):
    """Before: the failed fetch counted as a fetch, so every token was refused as 'unknown key' (401) for
    `min_refresh_seconds`; found by the e2e suite on a loaded machine."""
    source = FlakyJWKS(token_issuer.jwks_url, retry_after_failure_seconds=0)
    kid = token_issuer.signing_key.kid
    with pytest.raises(ServiceUnavailable):
        source.key_for(kid)
    assert source.key_for(kid).kid == kid
