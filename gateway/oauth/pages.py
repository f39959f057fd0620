"""The pages people see at the gateway: sign-in (the authorization endpoint), the forced first password change,
the second factor (a code, or enrolment with a QR code and recovery codes), and RP-initiated logout.
Server-rendered in the person's language (`chassis.i18n`), autoescaped.

Every form carries a CSRF token (double-submit: a random value in an HttpOnly `rso_gateway_csrf` cookie on
`/oauth` and in a hidden field; another site can neither read nor set the cookie, so it cannot make a
browser sign in as somebody else). The pages and the redirect carrying the code are `no-store`.

They are on a plain Flask blueprint, outside the OpenAPI document: they are browser pages (HTML forms behind a
CSRF cookie, redirects), not API operations; their contract is OAuth 2.0 / OpenID Connect, and clients find them
through the server metadata (`authorization_endpoint`, `end_session_endpoint`) and the `oauth2` security scheme.
"""

from __future__ import annotations

import hmac
import secrets

from authlib.common.urls import add_params_to_uri
from authlib.oauth2 import OAuth2Error
from flask import Blueprint, Response, current_app, g, make_response, redirect, render_template, request
from flask.views import MethodView
from flask_babel import get_locale, gettext
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from chassis import context
from chassis.access import system
from chassis.clock import now
from gateway.identity import audit, keys, login, passwords, second_factor, sessions
from gateway.identity.models import OAuthClient, SignInSession, User
from gateway.oauth.server import may_serve

blueprint = Blueprint("sign_in", __name__)

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
PASSWORD_AMR = second_factor.PASSWORD_AMR
SILENT_AUTHENTICATION_ERRORS = ("login_required", "consent_required", "interaction_required",
                                "account_selection_required")


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


def _password_page(user: User, *, status: int = 200, errors: dict[str, list[str]] | None = None):
    return _page("change_password.html", status, errors=errors or {},
                 min_length=passwords.policy_of(user.tenant).min_length, expired=not user.password_change_required)


def new_password_errors(user: User, new_password: str) -> dict[str, list[str]]:
    """What is wrong with the new password the form gives and its confirmation, by field, in the page's language."""
    if weaknesses := passwords.weaknesses(user, new_password):
        return {"new_password": shown(weaknesses)}
    if request.form.get("confirm_password", "") != new_password:
        return {"confirm_password": [passwords.CONFIRMATION_DIFFERS]}
    return {}


def shown(weaknesses: list[passwords.Weakness]) -> list[str]:
    """Password weaknesses in the page's language."""
    return [gettext(weakness.msgid, **dict(weakness.params)) for weakness in weaknesses]


def _code_page(*, status: int = 200, error: str | None = None):
    return _page("second_factor.html", status, error=error)


def _enrolment_page(user: User, secret: str, *, status: int = 200, error: str | None = None):
    uri = second_factor.provisioning_uri(secret, user)
    return _page("enrol_second_factor.html", status, error=error, qr_code=second_factor.qr_code_svg(uri),
                 secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


def _continue_sign_in(grant, user: User, session: SignInSession | None = None) -> Response:
    """The password is right (now, or earlier in `session`): issue the code, unless a second factor must come
    first (the person has one, or their tenant requires one of their roles): then ask for it, or enrol them."""
    step = second_factor.step_needed(user, session.amr if session else PASSWORD_AMR)
    if step is None:
        return _issue_code(grant, user, session=session)
    secret = second_factor.new_secret() if step == "enrolment" else None
    response = _enrolment_page(user, secret) if secret else _code_page()
    if session is None:
        sessions.start(user, response, amr=PASSWORD_AMR, awaiting=step, offered_totp_secret=secret)
    else:
        sessions.await_second_factor(session, step, secret)
    return response


def _issue_code(grant, user: User, *, session: SignInSession | None = None) -> Response:
    """Redirect back to the client with a code (never cached), or 403 if the client may not sign this person in.
    Within an existing gateway session (`session`) the code says when and how the person signed in then;
    otherwise the person has just entered their password, and a new session starts."""
    if not may_serve(grant.client, user):
        audit.record("authorize", outcome="denied", actor=user.get_user_id(), actor_tenant=user.tenant,
                     target=grant.client.client_id, target_tenant=grant.client.tenant)
        return _sign_in_page(grant, status=403, error=NOT_AVAILABLE)
    user.sign_in_auth_time = session.auth_time if session else now()
    user.sign_in_amr = list(session.amr) if session else PASSWORD_AMR
    response = _server().create_authorization_response(grant_user=user, grant=grant)
    response.headers.update({"Cache-Control": "no-store", "Pragma": "no-cache"})
    if session is None:
        sessions.start(user, response, amr=PASSWORD_AMR)
    return response


def _refused(error: OAuth2Error) -> Response:
    """An authorization request refused: on the page (400), except OpenID Connect's answers to `prompt=none`
    (`login_required`, ...), which the client waits for at its (already checked) redirect URI."""
    if error.redirect_uri and error.error in SILENT_AUTHENTICATION_ERRORS:
        return _server().handle_error_response(None, error)
    return _sign_in_page(status=400, error=error.description or error.error, can_sign_in=False)


class Authorize(MethodView):
    """Authorization endpoint (RFC 6749 section 4.1) with a server-rendered sign-in page.

    A request that names an unknown client or a redirect URI the client did not register is answered
    here, never redirected: redirecting would send the browser to an address nobody vouched for.
    Within the gateway's sign-in session a code is issued without the form, unless `prompt=login`.
    """

    def get(self):
        session = sessions.current()
        signed_in = sessions.person(session) if session and session.is_complete else None
        try:
            grant = _server().get_consent_grant(end_user=signed_in)
        except OAuth2Error as error:
            return _refused(error)
        if session is None or "login" in request.args.get("prompt", "").split():
            return _sign_in_page(grant)
        if session.password_change_pending:
            return _password_page(sessions.person(session))
        if session.awaiting == "code":
            return _code_page()
        if session.awaiting == "enrolment":
            return _enrolment_page(sessions.person(session), session.offered_totp_secret)
        return _continue_sign_in(grant, signed_in, session)

    def post(self):
        try:
            grant = _server().get_consent_grant(end_user=None)
        except OAuth2Error as error:
            return _sign_in_page(status=400, error=error.description or error.error, can_sign_in=False)
        if not _csrf_matches():
            audit.record("login", outcome="denied", actor=request.form.get("email"), reason="csrf_token_mismatch")
            return _sign_in_page(grant, status=400, error=CSRF_REFUSAL)
        step = request.form.get("step")
        if step == "change_password":
            return _change_first_password(grant)
        if step in ("second_factor", "enrol_second_factor"):
            return _second_factor(grant, enrolling=step == "enrol_second_factor")
        try:
            user = login.authenticate(request.form.get("email", ""), request.form.get("password", ""),
                                      request.remote_addr)
        except login.LoginRefused as refused:
            return _sign_in_page(grant, status=401, error=str(refused))
        if user.password_change_required or passwords.expired(user):
            response = _password_page(user)
            sessions.start(user, response, amr=PASSWORD_AMR, password_change_pending=True)
            return response
        return _continue_sign_in(grant, user)


def _change_first_password(grant) -> Response:
    """The person signed in with an administrator's one-time password: their own password, then the code."""
    session = sessions.current()
    if session is None or not session.password_change_pending:
        return _sign_in_page(grant, status=401, error=SESSION_EXPIRED)
    user = sessions.person(session)
    new_password = request.form.get("new_password", "")
    if errors := new_password_errors(user, new_password):
        return _password_page(user, status=422, errors=errors)
    passwords.change(user.get_user_id(), new_password,
                     reason="first sign-in" if user.password_change_required else "expired")
    return _continue_sign_in(grant, user)


def _second_factor(grant, *, enrolling: bool) -> Response:
    """A code after the password: from the authenticator app (or a recovery code) of an enrolled person, or the
    first code of the secret offered at enrolment, which confirms it. A wrong one counts as a failed sign-in
    (`gateway.identity.login`), and none is checked while sign-in is paused."""
    session = sessions.current()
    if session is None or session.awaiting != ("enrolment" if enrolling else "code"):
        return _sign_in_page(grant, status=401, error=SESSION_EXPIRED)
    user = sessions.person(session)
    code = request.form.get("code", "")
    action = "second_factor.enrolled" if enrolling else "second_factor"
    recovery_codes = None
    with context.bound(tenant=user.tenant):
        paused = login.paused(user.email, request.remote_addr)
        if paused:
            method = None
        elif enrolling:
            recovery_codes = second_factor.enrol(user.get_user_id(), session.offered_totp_secret, code)
            method = "totp" if recovery_codes else None
        else:
            method = second_factor.verify(user, code)
        if method is None:
            if not paused:
                login.count_failure(user.email, request.remote_addr)
            audit.record(action, outcome="failure", actor=user.get_user_id(), actor_tenant=user.tenant,
                         target=user.get_user_id(), target_tenant=user.tenant,
                         reason="blocked" if paused else "wrong_code")
            if enrolling:
                return _enrolment_page(user, session.offered_totp_secret, status=401, error=second_factor.WRONG_CODE)
            return _code_page(status=401, error=second_factor.WRONG_CODE)
        login.forgive(user.email, request.remote_addr)
        audit.record(action, actor=user.get_user_id(), actor_tenant=user.tenant, target=user.get_user_id(),
                     target_tenant=user.tenant, method=method)
    sessions.complete_second_factor(session, second_factor.SECOND_FACTOR_AMR)
    if recovery_codes:
        return _page("recovery_codes.html", recovery_codes=recovery_codes, continue_url=request.full_path)
    return _issue_code(grant, user, session=session)


class Logout(MethodView):
    """RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): ends the gateway's sign-in session."""

    def get(self):
        """End the sign-in session; back to `post_logout_redirect_uri` only if the client registered it."""
        return _logout()

    def post(self):
        """The same as GET, for clients that post the logout form."""
        return _logout()


blueprint.add_url_rule("/oauth/authorize", view_func=Authorize.as_view("Authorize"))
blueprint.add_url_rule("/oauth/logout", view_func=Logout.as_view("Logout"))


def _audience_of(id_token_hint: str | None) -> str | None:
    """The client an ID token this gateway signed was issued to (expired or not), else None."""
    if not id_token_hint:
        return None
    try:
        token = jwt.decode(id_token_hint, KeySet.import_key_set(keys.public_jwks()), algorithms=["RS256"])
    except (JoseError, ValueError):
        return None
    if token.claims.get("iss") != current_app.extensions["rso.settings"].oauth_issuer:
        return None
    audience = token.claims.get("aud")
    return audience[0] if isinstance(audience, list) and len(audience) == 1 else audience


def _logout() -> Response:
    named = request.values.get("client_id")
    hinted = _audience_of(request.values.get("id_token_hint"))
    # A client named and an ID token of another client: return to neither.
    client_id = None if named and hinted and named != hinted else (named or hinted)
    target = request.values.get("post_logout_redirect_uri")
    client = system("a logout names its client by id").records(OAuthClient).filter(
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
