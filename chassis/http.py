"""HTTP sessions for calls a process makes on behalf of many callers."""

from __future__ import annotations

import http.cookiejar

import requests


def cookieless_session() -> requests.Session:
    """A pooled session that never keeps a cookie: one caller's answer must not be sent with another's request."""
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session
