"""Browsers calling the gateway from another origin (CORS): only from the origins a client lists.

A client's administrators list its `allowed_origins` (`https://host[:port]`). Cross-origin calls are possible on
the token and revocation endpoints and on the API paths (`/api/<service>/...`), and nowhere else; with no origin
listed anywhere, no response carries a CORS header.

- A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) on those paths is answered here,
  before any token check (browsers send none): 204 with the CORS headers when an active client lists the origin,
  otherwise 403 without them. A preflight cannot say which client will call, so any client's listing admits it.
- An actual call gets `Access-Control-Allow-Origin` when the client it concerns lists the origin: the client
  named at the token or revocation endpoint (HTTP Basic or `client_id`), the client of the bearer token on an API
  path. When no client is known (a call refused before its token was read), any client's listing admits it, so
  that a browser app can see the 401 that tells it to refresh its token.
- Never `Access-Control-Allow-Credentials`: these calls carry bearer tokens, never the browser's cookies.

The rules are plain functions of (path, origin, client) so that whatever serves the edge can apply them: the
gateway's Flask hooks (`install_cors`) apply them to its own paths, and for the API paths, which nginx forwards
to the services (docs/adr/0090), the edge's decision names the origin it may answer and `/edge/preflight`
answers the preflight. Clients' origins are read from a snapshot reloaded at
most every `REFRESH_SECONDS`, so a change applies within that time.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from chassis.access import system
from chassis.snapshot import Snapshot
from gateway.identity.models import OAuthClient

EXTENSION = "gateway.cors"
REFRESH_SECONDS = 1.0
OAUTH_PATHS = frozenset({"/oauth/token", "/oauth/revoke"})
API_PREFIX = "/api/"
OAUTH_METHODS = "POST"
API_METHODS = "GET, POST, PUT, PATCH, DELETE"
ALLOWED_REQUEST_HEADERS = "Authorization, Content-Type, Accept, Accept-Language, If-Match, If-None-Match, X-Request-ID"
EXPOSED_RESPONSE_HEADERS = "Location, ETag, Retry-After, WWW-Authenticate, X-Pagination, X-Request-ID"
PREFLIGHT_MAX_AGE_SECONDS = 600


def _load() -> dict[str, frozenset[str]]:
    """client id -> the origins it lists, for active clients listing any."""
    return {client.client_id: frozenset(client.allowed_origins) for client in system(
        "CORS answers for any client's origins before a tenant is known").records(OAuthClient).filter(
        status="active", allowed_origins__exists=True, allowed_origins__ne=[]).only("client_id", "allowed_origins")}


class AllowedOrigins:
    """The clients' listed origins, from a snapshot of the database."""

    def __init__(self, refresh_seconds: float = REFRESH_SECONDS):
        self._snapshot = Snapshot(_load, refresh_seconds=refresh_seconds, empty={},
                                  unavailable="Allowed origins cannot be checked right now")

    def allows(self, origin: str, client_id: str | None) -> bool:
        """`client_id` lists `origin`; with no client known, any active client does."""
        listed = self._snapshot.current()
        if client_id is not None:
            return origin in listed.get(client_id, frozenset())
        return any(origin in origins for origins in listed.values())


def methods_for(path: str) -> str | None:
    """The methods a browser may use cross-origin on `path`; None where CORS does not apply."""
    if path in OAUTH_PATHS:
        return OAUTH_METHODS
    if path.startswith(API_PREFIX) and path != API_PREFIX:
        return API_METHODS
    return None


def preflight_headers(methods: str, origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": methods,
            "Access-Control-Allow-Headers": ALLOWED_REQUEST_HEADERS,
            "Access-Control-Max-Age": str(PREFLIGHT_MAX_AGE_SECONDS),
            "Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"}


def response_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSED_RESPONSE_HEADERS}


def install_cors(app: Flask) -> None:
    app.extensions[EXTENSION] = AllowedOrigins()
    app.before_request(_answer_preflight)
    app.after_request(_allow_origin)


def allowed_origin(client_id: str | None) -> str | None:
    """The request's `Origin` when the client it concerns lists it (any client, when none is known), else None."""
    origin = request.headers.get("Origin")
    return origin if origin and current_app.extensions[EXTENSION].allows(origin, client_id) else None


def preflight(methods: str) -> Response:
    """The answer to a preflight: 204 with the CORS headers for a listed origin, else 403 without them."""
    origin = allowed_origin(None)
    if origin is not None:
        return Response(status=204, headers=preflight_headers(methods, origin))
    return Response(status=403, headers={"Vary": "Origin"})


def _answer_preflight() -> Response | None:
    methods = methods_for(request.path)
    if request.method != "OPTIONS" or methods is None or not request.headers.get("Origin") \
            or "Access-Control-Request-Method" not in request.headers:
        return None
    return preflight(methods)


def _calling_client() -> str | None:
    """The client this call is about: named at the OAuth endpoints, the bearer token's on API paths."""
    if request.path in OAUTH_PATHS:
        return (request.authorization.username if request.authorization and request.authorization.type == "basic"
                else None) or request.form.get("client_id") or None
    principal = g.get("principal")
    return principal.client_id if principal is not None else None


def _allow_origin(response: Response) -> Response:
    if not request.headers.get("Origin") or methods_for(request.path) is None or request.method == "OPTIONS":
        return response
    response.vary.add("Origin")
    if (origin := allowed_origin(_calling_client())) is not None:
        response.headers.update(response_headers(origin))
    return response
