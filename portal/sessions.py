"""Server-side sessions: the browser holds an opaque random cookie, everything else stays in the portal's database.

A session record holds Flask's `session` (the CSRF token, a sign-in under way) and, once the person has signed in,
their access and refresh tokens and who they are. The record's id is the SHA-256 of the cookie, so the database
never holds a usable cookie; a TTL index removes records idle for `session_idle_seconds`. Signing in issues a new
cookie (no session fixation); signing out deletes the record, so a copy of the cookie is worth nothing after it.

Tokens are changed with targeted, conditional updates, never by writing the whole record back: two requests of one
browser at once must not put back a refresh token the other has already rotated (the gateway would take the reuse
for theft and revoke the whole family).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

import mongoengine as me
from flask import Flask, Request, Response, request
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from chassis import db
from chassis.auth import Principal
from chassis.clock import now

COOKIE_NAME = "rso_portal_session"
IDLE_EXTENSION_STEP = dt.timedelta(minutes=1)  # how stale an idle deadline may get before a request moves it


def _record_id(cookie_value: str) -> str:
    return hashlib.sha256(cookie_value.encode()).hexdigest()


class StoredSession(db.Document):
    meta = {"collection": "sessions", "indexes": [{"fields": ["expires_at"], "expireAfterSeconds": 0}]}

    id = me.StringField(primary_key=True)  # SHA-256 of the cookie's value
    data = me.DictField()  # Flask's `session`
    person = me.DictField()  # who signed in: sub, tenant, roles, name, email
    access_token = me.StringField()
    refresh_token = me.StringField()
    access_expires_at = me.DateTimeField()
    refreshing_until = me.DateTimeField()  # a request holds the right to refresh the tokens until then
    created_at = me.DateTimeField(default=now)
    expires_at = me.DateTimeField(required=True)


@dataclasses.dataclass(frozen=True)
class Person:
    """The signed-in person, as their access token describes them."""

    id: str
    tenant: str
    roles: frozenset[str]
    name: str
    email: str

    @classmethod
    def from_principal(cls, principal: Principal) -> Person:
        return cls(id=principal.sub, tenant=principal.tenant, roles=principal.roles, name=principal.name or "",
                   email=principal.email or "")

    def stored(self) -> dict:
        return {"id": self.id, "tenant": self.tenant, "roles": sorted(self.roles), "name": self.name,
                "email": self.email}

    @classmethod
    def from_stored(cls, stored: dict) -> Person:
        return cls(**{**stored, "roles": frozenset(stored["roles"])})

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


class PortalSession(CallbackDict, SessionMixin):
    """Flask's `session` for one request, bound to its stored record (None until something is kept)."""

    def __init__(self, cookie_value: str | None, record: StoredSession | None):
        def changed(_):
            self.modified = True

        super().__init__(record.data if record else {}, changed)
        self.cookie_value = cookie_value
        self.record = record
        self.modified = False
        self.renewed = False  # a new cookie has to be sent
        self.ended = False  # the record was deleted: the cookie has to go

    @property
    def person(self) -> Person | None:
        if self.record is None or not self.record.person:
            return None
        return Person.from_stored(self.record.person)


def _deadline(app: Flask) -> dt.datetime:
    return now() + dt.timedelta(seconds=app.extensions["rso.settings"].session_idle_seconds)


class ServerSideSessionInterface(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> PortalSession:
        cookie_value = request.cookies.get(COOKIE_NAME)
        record = None
        if cookie_value:
            record = StoredSession.objects(id=_record_id(cookie_value), expires_at__gt=now()).first()
        return PortalSession(cookie_value if record else None, record)

    def save_session(self, app: Flask, session: PortalSession, response: Response) -> None:  # type: ignore[override]
        cookie = {"path": "/", "httponly": True, "samesite": "Lax", "secure": request.is_secure}
        if session.ended:
            response.delete_cookie(COOKIE_NAME, **cookie)
            return
        if session.record is None:
            if not session.modified or not dict(session):
                return
            session.cookie_value = secrets.token_urlsafe(32)
            session.record = StoredSession(id=_record_id(session.cookie_value), data=dict(session),
                                           expires_at=_deadline(app)).save(force_insert=True)
            session.renewed = True
        elif session.modified:
            StoredSession.objects(id=session.record.id).update_one(set__data=dict(session),
                                                                   set__expires_at=_deadline(app))
        elif session.record.expires_at < _deadline(app) - IDLE_EXTENSION_STEP:
            StoredSession.objects(id=session.record.id).update_one(set__expires_at=_deadline(app))
        if session.renewed:  # a browser-session cookie: gone when the browser closes; the record expires when idle
            response.set_cookie(COOKIE_NAME, session.cookie_value, **cookie)
        response.vary.add("Cookie")


def begin_signed_in(session: PortalSession, token: dict, person: Person, app: Flask) -> None:
    """Keep the person's tokens in a new record under a new cookie; the record of before (anonymous) goes."""
    if session.record is not None:
        StoredSession.objects(id=session.record.id).delete()
    data = {key: value for key, value in session.items() if not key.startswith("_state_")}
    session.cookie_value = secrets.token_urlsafe(32)
    session.record = StoredSession(
        id=_record_id(session.cookie_value), data=data, person=person.stored(), access_token=token["access_token"],
        refresh_token=token.get("refresh_token"), access_expires_at=_expiry(token), expires_at=_deadline(app),
    ).save(force_insert=True)
    session.clear()
    session.update(data)
    session.modified = False
    session.renewed = True


def end(session: PortalSession) -> None:
    """Delete the record: the cookie, and any copy of it, no longer opens anything."""
    if session.record is not None:
        StoredSession.objects(id=session.record.id).delete()
    session.record = None
    session.clear()
    session.ended = True


def _expiry(token: dict) -> dt.datetime:
    if token.get("expires_at"):
        return dt.datetime.fromtimestamp(int(token["expires_at"]), dt.UTC)
    return now() + dt.timedelta(seconds=int(token.get("expires_in", 0)))


def claim_refresh(session: PortalSession, hold: dt.timedelta) -> bool:
    """Whether this request may refresh the tokens: only one request of a session does at a time."""
    claimed = StoredSession.objects(
        id=session.record.id, refresh_token=session.record.refresh_token,
        __raw__={"$or": [{"refreshing_until": None}, {"refreshing_until": {"$lte": now()}}]},
    ).update_one(set__refreshing_until=now() + hold)
    return bool(claimed)


def store_refreshed(session: PortalSession, token: dict) -> None:
    StoredSession.objects(id=session.record.id).update_one(
        set__access_token=token["access_token"], set__refresh_token=token.get("refresh_token"),
        set__access_expires_at=_expiry(token), unset__refreshing_until=True)
    reload(session)


def reload(session: PortalSession) -> None:
    """The record as stored now (another request of the browser may have refreshed the tokens)."""
    session.record = StoredSession.objects(id=session.record.id).first()
