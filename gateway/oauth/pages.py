"""The pages people see at the gateway: sign-in (the authorization endpoint), the forced first password change,
and RP-initiated logout. Server-rendered in the person's language (`chassis.i18n`), autoescaped.

Every form carries a CSRF token (double-submit: a random value in an HttpOnly `rso_gateway_csrf` cookie on
`/oauth` and in a hidden field; another site can neither read nor set the cookie, so it cannot make a
browser sign in as somebody else). The pages and the redirect carrying the code are `no-store`.
"""

from __future__ import annotations

import hmac
import secrets

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from flask import Response, current_app, g, make_response, redirect, render_template, request
from flask.views import MethodView
from flask_babel import get_locale
from flask_smorest import Blueprint

from gateway.identity import audit, login, passwords, sessions
from gateway.identity.models import OAuthClient, User
from gateway.oauth.server import may_serve

blueprint = Blueprint("sign_in", __name__, description="Pages for people: sign-in, first password, logout")

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    # no form-action directive: browsers apply it to the redirect back to the client too
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
}
CSRF_COOKIE = "rso_gateway_csrf"
CSRF_REFUSAL = "The form had expired. Please try again."
NOT_AVAILABLE = "This application is not available to your organisation."
SESSION_EXPIRED = "Your sign-in has expired. Please sign in again."
PASSWORD_AMR = ["pwd"]


def _server():
    return current_app.extensions["gateway.authorization_server"]


def _csrf_token() -> str:
    if "csrf_token" not in g:
        g.csrf_token = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    return g.csrf_token


def _csrf_matches() -> bool:
    cookie, sent = request.cookies.get(CSRF_COOKIE), request.form.get("csrf_token")
    return bool(cookie and sent) and hmac.compare_digest(cookie, sent)


def _page(template: str, status: int = 200, **values) -> Response:
    token = _csrf_token()
    response = make_response(render_template(template, lang=str(get_locale()), csrf_token=token, **values), status)
    response.headers.update(PAGE_HEADERS)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, path=sessions.COOKIE_PATH, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response


def _sign_in_page(grant=None, *, status: int = 200, error: str | None = None, can_sign_in: bool = True):
    return _page("login.html", status, error=error, can_sign_in=can_sign_in,
                 client_name=grant.client.name if grant else None, email=request.form.get("email", ""))


def _password_page(*, status: int = 200, errors: dict[str, list[str]] | None = None):
    return _page("change_password.html", status, errors=errors or {})


def _issue_code(grant, user: User, *, start_session: bool) -> Response:
    """Redirect back to the client with a code (never cached), or 403 if the client may not sign this person in."""
    if not may_serve(grant.client, user):
        audit.record("authorize", outcome="denied", actor=user.get_user_id(), actor_tenant=user.tenant,
                     target=grant.client.client_id, target_tenant=grant.client.tenant)
        return _sign_in_page(grant, status=403, error=NOT_AVAILABLE)
    response = _server().create_authorization_response(grant_user=user, grant=grant)
    response.headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
    if start_session:
        sessions.start(user, response, amr=PASSWORD_AMR)
    return response


@blueprint.route("/oauth/authorize")
class Authorize(MethodView):
    """Authorization endpoint (RFC 6749 section 4.1) with a server-rendered sign-in page.

    A request that names an unknown client or a redirect URI the client did not register is answered
    here, never redirected: redirecting would send the browser to an address nobody vouched for.
    Within the gateway's sign-in session a code is issued without the form, unless `prompt=login`.
    """

    def get(self):
        try:
            grant = _server().get_consent_grant(end_user=None)
        except OAuth2Error as error:
            return _sign_in_page(status=400, error=error.description or error.error, can_sign_in=False)
        session = sessions.current()
        if session is None or "login" in request.args.get("prompt", "").split():
            return _sign_in_page(grant)
        if session.password_change_pending:
            return _password_page()
        return _issue_code(grant, sessions.person(session), start_session=False)

    def post(self):
        try:
            grant = _server().get_consent_grant(end_user=None)
        except OAuth2Error as error:
            return _sign_in_page(status=400, error=error.description or error.error, can_sign_in=False)
        if not _csrf_matches():
            audit.record("login", outcome="denied", actor=request.form.get("email"), reason="csrf_token_mismatch")
            return _sign_in_page(grant, status=400, error=CSRF_REFUSAL)
        if request.form.get("step") == "change_password":
            return _change_first_password(grant)
        try:
            user = login.authenticate(request.form.get("email", ""), request.form.get("password", ""),
                                      request.remote_addr)
        except login.LoginRefused as refused:
            return _sign_in_page(grant, status=401, error=str(refused))
        if user.password_change_required:
            response = _password_page()
            sessions.start(user, response, amr=PASSWORD_AMR, password_change_pending=True)
            return response
        return _issue_code(grant, user, start_session=True)


def _change_first_password(grant) -> Response:
    """The person signed in with an administrator's one-time password: their own password, then the code."""
    session = sessions.current()
    if session is None or not session.password_change_pending:
        return _sign_in_page(grant, status=401, error=SESSION_EXPIRED)
    user = sessions.person(session)
    new_password = request.form.get("new_password", "")
    errors = {}
    weaknesses = passwords.weaknesses(user, new_password)
    if weaknesses:
        errors["new_password"] = weaknesses
    elif request.form.get("confirm_password", "") != new_password:
        errors["confirm_password"] = [passwords.CONFIRMATION_DIFFERS]
    if errors:
        return _password_page(status=422, errors=errors)
    passwords.change(user.get_user_id(), new_password, reason="first sign-in")
    return _issue_code(grant, user, start_session=True)


@blueprint.route("/oauth/logout")
class Logout(MethodView):
    """RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): ends the gateway's sign-in session."""

    def get(self):
        """End the sign-in session; back to `post_logout_redirect_uri` only if the client registered it."""
        return _logout()

    def post(self):
        """The same as GET, for clients that post the logout form."""
        return _logout()


def _logout() -> Response:
    client_id = request.values.get("client_id")
    target = request.values.get("post_logout_redirect_uri")
    client = OAuthClient.across_tenants("a logout names its client by id").filter(
        client_id=client_id, status="active").first() if client_id else None
    if client is not None and target and target in client.post_logout_redirect_uris:
        state = request.values.get("state")
        response = redirect(add_params_to_uri(target, [("state", state)]) if state else target)
        response.headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
    else:
        response = _page("signed_out.html")
    ended = sessions.end_current(response)
    if ended is not None:
        audit.record("logout", actor=ended.user_id, actor_tenant=ended.tenant, target=client_id)
    return response
