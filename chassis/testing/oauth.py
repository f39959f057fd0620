"""Obtaining real tokens from a running gateway, as its OAuth clients do (Authlib's standard client)."""

from __future__ import annotations

import re

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

DEFAULT_REDIRECT_URI = "https://app.example.org/callback"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]*)"')
PASSWORD_CHANGE_STEP = 'name="step" value="change_password"'
# Signing in hashes a password on purpose slowly; many people signed in at once on a loaded machine took 12 s
# (the demo loader, beside another platform): as long as the platform's other clients wait (infra.platform.Api).
SIGN_IN_TIMEOUT_SECONDS = 30


def csrf_token_of(page: str) -> str:
    """The CSRF token of a gateway page's form ("" when the page has no form)."""
    found = CSRF_FIELD.search(page)
    return found.group(1) if found else ""


def submit_sign_in(browser: requests.Session, authorization_url: str, email: str, password: str, *,
                   new_password: str | None = None, headers: dict | None = None) -> requests.Response:
    """What a person's browser does on the gateway's page: open it, submit e-mail and password with the form's
    CSRF token, and, when asked to replace a one-time password and `new_password` is given, choose it.
    The last response: a redirect carrying the code when signed in (at once, within a gateway session)."""
    as_a_browser = {"headers": headers, "allow_redirects": False, "timeout": SIGN_IN_TIMEOUT_SECONDS}
    page = browser.get(authorization_url, **as_a_browser)
    if page.status_code == 302:
        return page
    submitted = browser.post(authorization_url, **as_a_browser, data={
        "csrf_token": csrf_token_of(page.text), "email": email, "password": password})
    if new_password is not None and PASSWORD_CHANGE_STEP in submitted.text:
        submitted = browser.post(authorization_url, **as_a_browser, data={
            "csrf_token": csrf_token_of(submitted.text), "step": "change_password", "new_password": new_password,
            "confirm_password": new_password})
    return submitted


def sign_in(gateway_url: str, client_id: str, email: str, password: str,
            redirect_uri: str = DEFAULT_REDIRECT_URI, client_secret: str | None = None, *,
            new_password: str | None = None) -> dict:
    """A person signs in through an app (a public one, or a confidential one given its `client_secret`):
    authorization code with PKCE, the sign-in form submitted as a browser would (choosing `new_password` if the
    gateway asks for one); returns the token response (access and refresh token)."""
    session = OAuth2Session(client_id, client_secret, redirect_uri=redirect_uri, scope="api",
                            token_endpoint_auth_method="client_secret_basic" if client_secret else "none",
                            code_challenge_method="S256")
    verifier = generate_token(64)
    url, _ = session.create_authorization_url(f"{gateway_url}/oauth/authorize", code_verifier=verifier)
    submitted = submit_sign_in(requests.Session(), url, email, password, new_password=new_password)
    if submitted.status_code != 302:
        raise PermissionError(f"sign-in refused ({submitted.status_code})")
    return session.fetch_token(f"{gateway_url}/oauth/token", authorization_response=submitted.headers["Location"],
                               code_verifier=verifier)


def client_token(gateway_url: str, client_id: str, secret: str) -> str:
    """A machine client's access token (client_credentials)."""
    session = OAuth2Session(client_id, secret, token_endpoint_auth_method="client_secret_basic")
    return session.fetch_token(f"{gateway_url}/oauth/token", grant_type="client_credentials")["access_token"]
