"""Obtaining real tokens from a running gateway, as its OAuth clients do (Authlib's standard client)."""

from __future__ import annotations

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

DEFAULT_REDIRECT_URI = "https://app.example.org/callback"


def sign_in(gateway_url: str, client_id: str, email: str, password: str,
            redirect_uri: str = DEFAULT_REDIRECT_URI, client_secret: str | None = None) -> dict:
    """A person signs in through an app (a public one, or a confidential one given its `client_secret`):
    authorization code with PKCE, the sign-in form submitted as a browser would; returns the token response
    (access and refresh token)."""
    session = OAuth2Session(client_id, client_secret, redirect_uri=redirect_uri, scope="api",
                            token_endpoint_auth_method="client_secret_basic" if client_secret else "none",
                            code_challenge_method="S256")
    verifier = generate_token(64)
    url, _ = session.create_authorization_url(f"{gateway_url}/oauth/authorize", code_verifier=verifier)
    submitted = requests.post(url, data={"email": email, "password": password}, allow_redirects=False, timeout=10)
    if submitted.status_code != 302:
        raise PermissionError(f"sign-in refused ({submitted.status_code})")
    return session.fetch_token(f"{gateway_url}/oauth/token", authorization_response=submitted.headers["Location"],
                               code_verifier=verifier)


def client_token(gateway_url: str, client_id: str, secret: str) -> str:
    """A machine client's access token (client_credentials)."""
    session = OAuth2Session(client_id, secret, token_endpoint_auth_method="client_secret_basic")
    return session.fetch_token(f"{gateway_url}/oauth/token", grant_type="client_credentials")["access_token"]
