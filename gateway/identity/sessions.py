"""The gateway's sign-in session: one cookie, so a person is not asked for their password twice within it.

After a successful sign-in on `/oauth/authorize` the gateway sets `rso_gateway_session` (a random value,
HttpOnly, SameSite=Lax, Secure over https, path `/oauth`) and stores its digest with the person and an expiry
(`SIGN_IN_SESSION_LIFETIME_SECONDS`, 8 hours; a TTL index removes it). A later authorization within it issues
a code without the form, unless the client sends `prompt=login`. The session ends on logout, when the person
changes their password, is deactivated or their tenant suspended, and is never honoured for a person or
tenant that is no longer active.
"""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Response, current_app, request

from chassis.access import system
from chassis.clock import now
from gateway.identity.models import SignInSession, Tenant, User, token_digest

COOKIE = "rso_gateway_session"
COOKIE_PATH = "/oauth"


def _lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.extensions["rso.settings"].sign_in_session_lifetime_seconds)


def start(user: User, response: Response, *, amr: list[str], password_change_pending: bool = False,
          awaiting: str | None = None, offered_totp_secret: str | None = None) -> SignInSession:
    """A new session for `user` (replacing the browser's previous one), its cookie set on `response`."""
    end_current(response)
    value = secrets.token_urlsafe(32)
    session = SignInSession(id=token_digest(value), user_id=user.get_user_id(), tenant=user.tenant, amr=amr,
                            expires_at=now() + _lifetime(), password_change_pending=password_change_pending,
                            awaiting=awaiting, offered_totp_secret=offered_totp_secret).save(force_insert=True)
    response.set_cookie(COOKIE, value, max_age=int(_lifetime().total_seconds()), path=COOKIE_PATH,
                        httponly=True, samesite="Lax", secure=request.is_secure)
    return session


def current() -> SignInSession | None:
    """The browser's session if it is live and its person and tenant are still active."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    session = SignInSession.objects(id=token_digest(value)).first()
    if session is None or not session.is_current():
        return None
    user = system("a session names its person by id").records(User).filter(id=session.user_id, status="active").first()
    tenant = Tenant.objects(code=session.tenant).first()
    if user is None or tenant is None or not tenant.is_active:
        return None
    return session


def person(session: SignInSession) -> User:
    return system("a session names its person by id").records(User).get(id=session.user_id)


def await_second_factor(session: SignInSession, step: str, offered_totp_secret: str | None = None) -> None:
    """The session issues nothing until the person has given a code (`step` "code") or enrolled ("enrolment")."""
    SignInSession.objects(id=session.id).update_one(set__awaiting=step, set__offered_totp_secret=offered_totp_secret)
    session.awaiting, session.offered_totp_secret = step, offered_totp_secret


def complete_second_factor(session: SignInSession, amr: list[str]) -> None:
    SignInSession.objects(id=session.id).update_one(set__awaiting=None, set__offered_totp_secret=None, set__amr=amr)
    session.awaiting, session.offered_totp_secret, session.amr = None, None, amr


def end_current(response: Response) -> SignInSession | None:
    """End the browser's session (if any) and clear its cookie; the session that ended."""
    value = request.cookies.get(COOKIE)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="Lax", secure=request.is_secure)
    if not value:
        return None
    session = SignInSession.objects(id=token_digest(value)).first()
    if session is None:
        return None
    session.delete()
    return session


def end_for_person(user_id: str) -> None:
    SignInSession.objects(user_id=user_id).delete()


def end_for_tenant(code: str) -> None:
    SignInSession.objects(tenant=code).delete()
