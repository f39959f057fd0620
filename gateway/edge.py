"""Edge routing: `/api/<service>/...` is forwarded to the service behind it, after the gateway has checked the caller.

The gateway validates the bearer token (its validator also refuses tokens on the deny list), applies a
per-client rate limit, strips every identity or forwarding header a client sent, and forwards the request
over a pooled HTTP session. Upstream timeouts answer 504, unreachable upstreams 503. `GET /api` indexes
every service's OpenAPI document. Every other path the gateway does not serve itself is the portal's: the
gateway forwards it, with the browser's cookies, so that people have one origin and one address.

A plain Flask blueprint on purpose: proxied paths belong to the services' OpenAPI documents, not the gateway's.
"""

from __future__ import annotations

import math
import posixpath
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from urllib.parse import quote

import requests
import urllib3
from flask import Blueprint, Flask, Response, current_app, g, request
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from werkzeug.datastructures import Headers
from werkzeug.exceptions import NotFound as RouteNotFound

from chassis import metrics
from chassis.app import MEDIA_TYPE_EXEMPT_ENDPOINTS
from chassis.auth import authenticate
from chassis.http import cookieless_session
from chassis.problems import NotFound, Problem
from gateway.settings import GatewaySettings

EDGE = "gateway.edge"

PATH_SAFE_CHARACTERS = "/:@!$&'()*+,;=~"  # kept as they are when re-encoding the path (RFC 3986)
FORWARDED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
POOL_MAXSIZE = 16  # connections kept per upstream; at least the gunicorn threads of one worker (8)
HOP_BY_HOP_HEADERS = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "transfer-encoding", "upgrade",
})
NOT_FORWARDED_REQUEST_HEADERS = HOP_BY_HOP_HEADERS | {"host", "content-length"}
# First path segments that are the gateway's own, even where it has no route: they never reach the portal.
# `metrics`: no process's metrics are public, the portal's neither (docs/adr/0075).
GATEWAY_PATHS = frozenset({"api", "oauth", "admin", "account", ".well-known", "health", "openapi.json", "docs",
                           "metrics"})
CLIENT_IDENTITY_HEADER_PREFIXES = (
    "x-tenant", "x-user", "x-roles", "x-rso-", "x-auth", "x-forwarded-", "x-real-ip", "forwarded",
)


class TokenBucketLimiter:
    """One token bucket per key: `burst` requests at once, refilled at `rate_per_second`.

    Thread-safe. Memory is bounded by `max_keys`: buckets are kept in least-recently-used order and
    the idlest are dropped first; an idle bucket has refilled, so dropping it forgets nothing.
    """

    def __init__(self, rate_per_second: float, burst: int, *, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        if rate_per_second <= 0 or burst < 1:
            raise ValueError("rate_per_second must be positive and burst at least 1")
        self.rate_per_second = rate_per_second
        self.burst = burst
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, updated_at)
        self._lock = threading.Lock()

    def try_acquire(self, key: str) -> float:
        """Take one token for `key`: 0.0 when allowed, otherwise the seconds until a token is available."""
        with self._lock:
            now = self._clock()
            tokens, updated_at = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - updated_at) * self.rate_per_second)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return 0.0 if allowed else (1.0 - tokens) / self.rate_per_second

    def __len__(self) -> int:
        return len(self._buckets)


class StaleConnectionRetry(Retry):
    """Sends an idempotent request once more when the service closed the pooled keep-alive connection just as
    the gateway reused it (urllib3 sees the connection end before any response: a protocol error). Timeouts,
    refused connections and non-idempotent methods are never retried: a POST may have been acted on."""

    def _is_read_error(self, err: Exception) -> bool:
        return isinstance(err, urllib3.exceptions.ProtocolError)

    def increment(self, *args, error: Exception | None = None, **kwargs):
        if isinstance(error, urllib3.exceptions.ReadTimeoutError):
            raise error  # as without retries, so that it stays a timeout (504), not an unreachable service
        return super().increment(*args, error=error, **kwargs)


UPSTREAM_RETRY = StaleConnectionRetry(total=1, connect=0, read=1, other=0, status=0, redirect=0,
                                      allowed_methods=frozenset({"GET", "HEAD", "OPTIONS"}), raise_on_status=False)


class UpstreamTimeout(Problem):
    status, slug, title = 504, "upstream-timeout", "The service did not answer in time"


class UpstreamUnavailable(Problem):
    status, slug, title = 503, "upstream-unavailable", "The service is unavailable"


class RateLimited(Problem):
    status, slug, title = 429, "rate-limited", "Too many requests"


class Edge:
    """What the edge keeps per app: the upstreams, one pooled HTTP session and the rate limiter."""

    def __init__(self, settings: GatewaySettings):
        self.upstreams = {name: url.rstrip("/") for name, url in settings.upstreams().items()}
        self.portal = settings.portal_url.rstrip("/")
        self.timeout = (settings.upstream_connect_timeout_seconds, settings.upstream_read_timeout_seconds)
        self.limiter = TokenBucketLimiter(settings.rate_limit_per_second, settings.rate_limit_burst)
        self.session = cookieless_session()  # shared by every caller: the portal's session cookies pass through
        self.session.headers.clear()  # forward the client's headers, not requests' defaults
        adapter = HTTPAdapter(pool_connections=len(self.upstreams) + 1, pool_maxsize=POOL_MAXSIZE,
                              max_retries=UPSTREAM_RETRY)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)


blueprint = Blueprint("edge", __name__)


def install_edge(app: Flask, settings: GatewaySettings) -> None:
    app.extensions[EDGE] = Edge(settings)
    app.extensions[MEDIA_TYPE_EXEMPT_ENDPOINTS].add("edge.forward")
    app.register_blueprint(blueprint)
    # The portal's pages go on before the gateway's own checks of a body's media type (the portal decides what its
    # pages take, a CSV upload for one), right after the chassis binds the request id (found by name: other
    # hooks, such as the metrics timer, may come before it).
    hooks = app.before_request_funcs.setdefault(None, [])
    bound = next(index for index, hook in enumerate(hooks) if hook.__name__ == "bind_request_context")
    hooks.insert(bound + 1, _forward_to_the_portal)


@blueprint.get("/api")
def index():
    """Where every service's OpenAPI document and docs page are, as seen through the gateway."""
    edge: Edge = current_app.extensions[EDGE]
    return {
        "services": [
            {"name": name, "openapi": f"/api/{name}/openapi.json", "docs": f"/api/{name}/docs"}
            for name in edge.upstreams
        ],
        "gateway": {"openapi": "/openapi.json", "docs": "/docs"},
    }


@blueprint.route("/api/<service>", defaults={"rest": ""}, methods=FORWARDED_METHODS)
@blueprint.route("/api/<service>/", defaults={"rest": ""}, methods=FORWARDED_METHODS)
@blueprint.route("/api/<service>/<path:rest>", methods=FORWARDED_METHODS)
def forward(service: str, rest: str) -> Response:
    edge: Edge = current_app.extensions[EDGE]
    base_url = edge.upstreams.get(service)
    if base_url is None:
        raise NotFound(f"No service is routed at /api/{service}", services=sorted(edge.upstreams))
    if posixpath.normpath(f"/{rest}") == "/metrics":  # for Prometheus inside the cluster only (docs/adr/0075)
        raise NotFound(f"No resource at /api/{service}/metrics")
    _admit(edge.limiter, rest)
    return _relay(base_url, rest, service=service, prefix=f"/api/{service}")


def _forward_to_the_portal() -> Response | None:
    """A path the gateway has no route for, outside its own prefixes, is the portal's page (or its 404)."""
    if not isinstance(request.routing_exception, RouteNotFound):
        return None
    if posixpath.normpath(request.path).lstrip("/").split("/", 1)[0] in GATEWAY_PATHS:
        return None
    edge: Edge = current_app.extensions[EDGE]
    return _relay(edge.portal, request.path.lstrip("/"), service="portal", prefix="")


def _relay(base_url: str, rest: str, *, service: str, prefix: str) -> Response:
    """The request, sent on to `base_url/rest`, and the upstream's answer, as they are."""
    edge: Edge = current_app.extensions[EDGE]
    url = f"{base_url}/{quote(rest, safe=PATH_SAFE_CHARACTERS)}"
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    try:
        upstream = edge.session.request(
            request.method, url, headers=_upstream_headers(prefix), data=request.get_data() or None,
            timeout=edge.timeout, allow_redirects=False, stream=True,
        )
        body = upstream.raw.read(decode_content=False)
    except (requests.Timeout, urllib3.exceptions.ReadTimeoutError) as error:
        raise UpstreamTimeout(f"The {service} service did not answer in time", service=service) from error
    except (requests.ConnectionError, urllib3.exceptions.HTTPError) as error:
        raise UpstreamUnavailable(f"The {service} service cannot be reached", service=service) from error
    response = Response(body, status=upstream.status_code)
    response.headers = Headers(_response_headers(upstream.raw.headers.items()))
    return response


def _is_public(rest: str) -> bool:
    """The services' documents, docs pages, probes and `public/...` endpoints (a certificate's verification)
    need no token; `health/../x` is not one of them."""
    if {".", ".."} & set(rest.split("/")):
        return False
    return rest == "openapi.json" or rest == "docs" or rest.startswith(("docs/", "health/", "public/"))


def _admit(limiter: TokenBucketLimiter, rest: str) -> None:
    """Check the caller's token and rate; raise the problem that stops the request."""
    if _is_public(rest):
        _take_token(limiter, "address", request.remote_addr)
        return
    principal = authenticate()
    # One bucket per caller: a machine client (its tokens' subject is the client) or a person. People signing
    # in through one app (the RSO portal) must not share its bucket.
    _take_token(limiter, "caller", f"{principal.tenant}:{principal.sub}")


def _take_token(limiter: TokenBucketLimiter, kind: str, who: str | None) -> None:
    wait_seconds = limiter.try_acquire(f"{kind}:{who}")
    if wait_seconds:
        metrics.instruments().rate_limited.labels(kind).inc()
        retry_after = max(1, math.ceil(wait_seconds))
        raise RateLimited(f"Rate limit exceeded; retry after {retry_after} s",
                          headers={"Retry-After": str(retry_after)}, retry_after_seconds=retry_after)


def _upstream_headers(prefix: str) -> dict[str, str]:
    """The client's headers minus hop-by-hop and identity/forwarding ones, plus the gateway's own."""
    listed_in_connection = {name.strip().lower() for name in request.headers.get("Connection", "").split(",")}
    headers = {
        name: value for name, value in request.headers.items()
        if name.lower() not in NOT_FORWARDED_REQUEST_HEADERS | listed_in_connection
        and not name.lower().startswith(CLIENT_IDENTITY_HEADER_PREFIXES)
    }
    headers.update({
        "X-Request-ID": g.request_id,
        "X-Forwarded-For": request.remote_addr or "",
        "X-Forwarded-Proto": request.scheme,
        "X-Forwarded-Host": request.host,
    })
    if prefix:
        headers["X-Forwarded-Prefix"] = prefix
    return headers


def _response_headers(upstream_headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every upstream header but hop-by-hop ones, and only those: the body is passed undecoded, so the
    upstream's Content-Length and Content-Encoding stay true (for HEAD too, where the body is empty)."""
    return [(name, value) for name, value in upstream_headers if name.lower() not in HOP_BY_HOP_HEADERS]
