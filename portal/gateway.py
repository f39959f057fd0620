"""The portal's only way to the platform: the gateway, as a confidential OAuth client, with the person's token.

Every page calls the APIs through the gateway with the signed-in person's access token, so every rule, isolation
check, deny list entry and audit record of the API applies to the portal unchanged. The access token is refreshed
shortly before it expires. When the gateway answers that the person's organisation is suspended or their account
deactivated, the session ends at once and the person sees why.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask, current_app, g, session

from chassis.clock import now
from chassis.http import cookieless_session
from chassis.problems import TYPE_PREFIX
from portal import sessions
from portal.settings import PortalSettings

log = logging.getLogger(__name__)
OAUTH = "portal.oauth"
HTTP = "portal.http"
REFRESH_HOLD = dt.timedelta(seconds=10)  # how long one request may take to refresh before another may try
REFRESH_WAIT_SECONDS = 5.0  # how long a request waits for another one's refresh
# The problem types the gateway answers with when a token is refused because of who holds it.
ACCESS_ENDED_TYPES = {f"{TYPE_PREFIX}tenant-suspended": "tenant_suspended",
                      f"{TYPE_PREFIX}account-deactivated": "account_deactivated"}


class SignInRequired(Exception):
    """No session, or one the gateway no longer honours: the person has to sign in (again)."""


class RefreshRefused(Exception):
    """The gateway gave no new tokens for the session's refresh token (revoked, expired, or access ended)."""


class AccessEnded(Exception):
    """The gateway refuses the person's token because their organisation is suspended or their account deactivated."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def install(app: Flask, settings: PortalSettings) -> None:
    oauth = OAuth(app)
    oauth.register(
        "gateway",
        client_id=settings.portal_client_id,
        client_secret=settings.portal_client_secret,
        authorize_url=f"{settings.public_url}/oauth/authorize",
        access_token_url=f"{settings.gateway_url.rstrip('/')}/oauth/token",
        client_kwargs={"scope": "api", "code_challenge_method": "S256",
                       "token_endpoint_auth_method": "client_secret_basic", "timeout": settings.api_timeout_seconds},
    )
    app.extensions[OAUTH] = oauth
    app.extensions[HTTP] = cookieless_session()


def oauth_client():
    return current_app.extensions[OAUTH].gateway


def _settings() -> PortalSettings:
    return current_app.extensions["rso.settings"]


def _token_client() -> OAuth2Session:
    settings = _settings()
    return OAuth2Session(settings.portal_client_id, settings.portal_client_secret,
                         token_endpoint_auth_method="client_secret_basic", timeout=settings.api_timeout_seconds)


def revoke_tokens() -> None:
    """Revoke the session's refresh token (its whole family) and access token; the gateway may be down, so
    failures are logged, and the session ends anyway."""
    record = session.record
    if record is None:
        return
    url = f"{_settings().gateway_url.rstrip('/')}/oauth/revoke"
    for token, hint in ((record.refresh_token, "refresh_token"), (record.access_token, "access_token")):
        if not token:
            continue
        try:
            _token_client().revoke_token(url, token, token_type_hint=hint)
        except (requests.RequestException, OAuthError) as error:
            log.warning("could not revoke the %s at sign-out: %s", hint, type(error).__name__)


def _refresh() -> None:
    """New tokens for the session; of several requests at once, one refreshes and the others wait for it."""
    if not sessions.claim_refresh(session, REFRESH_HOLD):
        deadline = time.monotonic() + REFRESH_WAIT_SECONDS
        previous = session.record.refresh_token
        while time.monotonic() < deadline:
            sessions.reload(session)
            if session.record is None:
                raise SignInRequired()
            if session.record.refresh_token != previous or session.record.refreshing_until is None:
                return
            time.sleep(0.1)
        raise RefreshRefused()
    try:
        token = _token_client().refresh_token(
            f"{_settings().gateway_url.rstrip('/')}/oauth/token", refresh_token=session.record.refresh_token)
    except OAuthError as error:  # revoked, expired, or the person's or tenant's access ended
        log.info("refresh refused (%s)", error.error)
        raise RefreshRefused() from error
    sessions.store_refreshed(session, token)


def _expires_within(seconds: float) -> bool:
    expires_at = session.record.access_expires_at
    return expires_at is None or expires_at <= now() + dt.timedelta(seconds=seconds)


def _sign_in_again() -> SignInRequired:
    sessions.end(session)
    return SignInRequired()


def _renew_when_expiring() -> None:
    """Renew the access token shortly before it expires; a refused renewal ends the session only once the token
    is spent."""
    if session.record is None or not session.record.access_token:
        raise SignInRequired()
    if _expires_within(_settings().refresh_margin_seconds):
        try:
            _refresh()
        except RefreshRefused:
            if _expires_within(0):
                raise _sign_in_again() from None


def call(method: str, path: str, **kwargs) -> requests.Response:
    """`method path` at the gateway as the signed-in person; raises SignInRequired or AccessEnded.

    A refused refresh does not end the session while the access token still works: the call itself then tells
    whether the person's access ended (the suspended page) or the token simply still serves."""
    _renew_when_expiring()
    response = _send(method, path, **kwargs)
    if response.status_code == 401:
        _end_if_access_ended(response)
        try:
            _refresh()  # revoked by someone else, or expired early: one more try with fresh tokens
        except RefreshRefused:
            raise _sign_in_again() from None
        response = _send(method, path, **kwargs)
        if response.status_code == 401:
            _end_if_access_ended(response)
            raise _sign_in_again()
    return response


# A cheap authenticated request: the gateway checks the token (and its deny list) before forwarding it.
ACCESS_PROBE = "/api/roster/functions"


def confirm_access() -> None:
    """For a page that made no API call: still find out at once whether the person's access has ended."""
    if not g.get("api_called"):
        call("HEAD", ACCESS_PROBE)


def send_each(method: str, path: str, bodies: list[dict], workers: int = 4) -> list[requests.Response]:
    """`method path` once for each JSON body, `workers` at a time, with the session's access token (refreshed
    first when about to expire): for a page that sends many requests of one kind, such as a CSV file's rows.
    The responses come in the bodies' order; a 401 or 429 among them is the caller's to retry later (its next
    ordinary call refreshes the tokens or ends the session)."""
    _renew_when_expiring()
    g.api_called = True
    settings = _settings()
    http: requests.Session = current_app.extensions[HTTP]
    headers = {"Authorization": f"Bearer {session.record.access_token}", "Accept": "application/json"}
    if g.get("request_id"):
        headers["X-Request-ID"] = g.request_id
    url = f"{settings.gateway_url.rstrip('/')}{path}"

    def send(body: dict) -> requests.Response:
        return http.request(method, url, headers=headers, json=body, timeout=settings.api_timeout_seconds)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(send, bodies))


def _send(method: str, path: str, **kwargs) -> requests.Response:
    g.api_called = True
    settings = _settings()
    http: requests.Session = current_app.extensions[HTTP]
    headers = {"Authorization": f"Bearer {session.record.access_token}", "Accept": "application/json",
               **kwargs.pop("headers", {})}
    if g.get("request_id"):
        headers["X-Request-ID"] = g.request_id
    timeout = kwargs.pop("timeout", settings.api_timeout_seconds)  # a caller may wait less (the header's count)
    return http.request(method, f"{settings.gateway_url.rstrip('/')}{path}", headers=headers, timeout=timeout,
                        **kwargs)


def _end_if_access_ended(response: requests.Response) -> None:
    try:
        problem = response.json()
    except ValueError:
        return
    reason = ACCESS_ENDED_TYPES.get(problem.get("type", "")) if isinstance(problem, dict) else None
    if reason:
        sessions.end(session)
        raise AccessEnded(reason, problem.get("detail", ""))


def get(path: str, **kwargs) -> requests.Response:
    return call("GET", path, **kwargs)


def post(path: str, **kwargs) -> requests.Response:
    return call("POST", path, **kwargs)


def put(path: str, **kwargs) -> requests.Response:
    return call("PUT", path, **kwargs)


def patch(path: str, **kwargs) -> requests.Response:
    return call("PATCH", path, **kwargs)


def delete(path: str, **kwargs) -> requests.Response:
    return call("DELETE", path, **kwargs)


def public_get(path: str, **kwargs) -> requests.Response:
    """`GET path` at the gateway without anyone's token: the API's public endpoints (a certificate's check)."""
    settings = _settings()
    http: requests.Session = current_app.extensions[HTTP]
    headers = {"Accept": "application/json"}
    if g.get("request_id"):
        headers["X-Request-ID"] = g.request_id
    return http.get(f"{settings.gateway_url.rstrip('/')}{path}", headers=headers,
                    timeout=settings.api_timeout_seconds, **kwargs)
