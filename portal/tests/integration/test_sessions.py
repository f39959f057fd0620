"""The browser holds an opaque cookie; tokens stay in the portal's database, and signing out makes the cookie void."""

import datetime as dt
import hashlib

import pytest
from flask import session

from portal import sessions

pytestmark = pytest.mark.integration
TOKEN = {"access_token": "access-1", "refresh_token": "refresh-1", "expires_in": 900}
PERSON = sessions.Person(id="u1", tenant="THA", roles=frozenset({"trainee"}), name="Somchai", email="s@example.org")


def signed_in_cookie(app, base_url: str) -> tuple[str, str]:
    """(cookie value, Set-Cookie header) after signing PERSON in."""
    with app.test_request_context("/", base_url=base_url):
        sessions.begin_signed_in(session, TOKEN, PERSON, app)
        response = app.response_class()
        app.session_interface.save_session(app, session._get_current_object(), response)
        return session.cookie_value, response.headers["Set-Cookie"]


def person_seen_with(app, cookie: str):
    with app.test_request_context("/", headers={"Cookie": f"{sessions.COOKIE_NAME}={cookie}"}):
        return session.person


def test_the_cookie_is_opaque_http_only_lax_and_secure_over_https(app):
    cookie, header = signed_in_cookie(app, "https://rso.example.org")

    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header and "Path=/" in header
    assert "access-1" not in header and "refresh-1" not in header
    stored = sessions.StoredSession.objects.get(id=hashlib.sha256(cookie.encode()).hexdigest())
    assert (stored.access_token, stored.refresh_token, stored.person["tenant"]) == ("access-1", "refresh-1", "THA")
    assert sessions.StoredSession.objects(id=cookie).first() is None  # the database holds no usable cookie
    assert person_seen_with(app, cookie) == PERSON


def test_over_plain_http_the_cookie_is_not_marked_secure(app):
    _, header = signed_in_cookie(app, "http://127.0.0.1:8000")
    assert "Secure" not in header


def test_sessions_expire_by_a_ttl_index(app):
    indexes = sessions.StoredSession._get_collection().index_information()
    assert any(index.get("expireAfterSeconds") == 0 and index["key"] == [("expires_at", 1)]
               for index in indexes.values())


def test_a_cookie_kept_after_sign_out_opens_nothing(app):
    cookie, _ = signed_in_cookie(app, "https://rso.example.org")
    with app.test_request_context("/", headers={"Cookie": f"{sessions.COOKIE_NAME}={cookie}"}):
        sessions.end(session)
        response = app.response_class()
        app.session_interface.save_session(app, session._get_current_object(), response)
        assert f"{sessions.COOKIE_NAME}=;" in response.headers["Set-Cookie"]

    assert person_seen_with(app, cookie) is None
    assert sessions.StoredSession.objects.count() == 0


def test_signing_in_replaces_the_cookie_of_before(app):
    with app.test_request_context("/"):
        session["next"] = "/audit"
        response = app.response_class()
        app.session_interface.save_session(app, session._get_current_object(), response)
        anonymous = session.cookie_value
    assert sessions.StoredSession.objects.count() == 1

    with app.test_request_context("/", headers={"Cookie": f"{sessions.COOKIE_NAME}={anonymous}"}):
        sessions.begin_signed_in(session, TOKEN, PERSON, app)
        assert session.cookie_value != anonymous and session["next"] == "/audit"
    assert person_seen_with(app, anonymous) is None
    assert sessions.StoredSession.objects.count() == 1


def test_one_request_at_a_time_may_refresh_a_sessions_tokens(app):
    cookie, _ = signed_in_cookie(app, "https://rso.example.org")
    with app.test_request_context("/", headers={"Cookie": f"{sessions.COOKIE_NAME}={cookie}"}):
        first = session._get_current_object()
        assert sessions.claim_refresh(first, hold=dt.timedelta(seconds=10))
    with app.test_request_context("/", headers={"Cookie": f"{sessions.COOKIE_NAME}={cookie}"}):
        assert not sessions.claim_refresh(session._get_current_object(), hold=dt.timedelta(seconds=10))
        sessions.store_refreshed(session._get_current_object(), {**TOKEN, "access_token": "access-2",
                                                                  "refresh_token": "refresh-2"})
        assert session.record.refresh_token == "refresh-2" and session.record.refreshing_until is None
