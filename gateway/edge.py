"""The gateway's part of the edge: the auth decision the edge proxy asks for, and `GET /api`.

The edge itself is nginx (infra/edge, docs/adr/0090): it forwards `/api/<service>/...` to the services and
every path the gateway does not own to the portal. Before forwarding a request that needs a token it asks
`GET /edge/decision` here (an nginx `auth_request`, cached for at most half a second per token), which validates
the token, deny list included, and names the caller whose rate-limit bucket nginx takes. An nginx subrequest
keeps only the status and headers of its answer, so a refusal carries its problem document in a header too,
which nginx answers with. When a bucket is empty, nginx answers with `GET /edge/rate-limited`, which counts it.
Neither path is reachable through the edge.

A plain Flask blueprint on purpose: these paths belong in no OpenAPI document.
"""

from __future__ import annotations

import json
import math

from flask import Blueprint, Flask, Response, current_app, request

from chassis import metrics
from chassis.app import problem_response
from chassis.auth import authenticate
from chassis.problems import Problem, Unauthorized
from gateway import cors
from gateway.settings import GatewaySettings

EDGE = "gateway.edge"
CALLER_HEADER = "X-RSO-Caller"  # the decision's answer: whose bucket the request takes (`tenant:subject`)
PROBLEM_HEADER = "X-RSO-Problem"  # a refusal's problem document, for nginx to answer with
CORS_ORIGIN_HEADER = "X-RSO-CORS-Origin"  # the browser origin the answer may name (gateway.cors), if any
# First path segments that are the gateway's own, even where it has no route: the edge sends them to the gateway,
# never to the portal. `metrics`: no process's metrics are public, the portal's neither (docs/adr/0075).
GATEWAY_PATHS = frozenset({"api", "oauth", "admin", "account", ".well-known", "health", "openapi.json", "docs",
                           "metrics"})
EDGE_PATHS = frozenset({"edge"})  # the edge proxy's questions: never routed from outside


class RateLimited(Problem):
    status, slug, title = 429, "rate-limited", "Too many requests"


blueprint = Blueprint("edge", __name__)


def install_edge(app: Flask, settings: GatewaySettings) -> None:
    app.extensions[EDGE] = settings
    app.register_blueprint(blueprint)


@blueprint.get("/api")
def index():
    """Where every service's OpenAPI document and docs page are, as seen through the edge."""
    settings: GatewaySettings = current_app.extensions[EDGE]
    return {
        "services": [
            {"name": name, "openapi": f"/api/{name}/openapi.json", "docs": f"/api/{name}/docs"}
            for name in settings.upstreams()
        ],
        "gateway": {"openapi": "/openapi.json", "docs": "/docs"},
    }


@blueprint.get("/edge/decision")
def decision() -> Response:
    """200 naming the caller when the bearer token is valid and not denied; the problem (401) otherwise, its
    document also in `X-RSO-Problem` (ASCII JSON).

    One bucket per caller: a machine client (its tokens' subject is the client) or a person. People signing in
    through one app (the RSO portal) do not share its bucket."""
    try:
        principal = authenticate()
    except Unauthorized as refusal:
        response = problem_response(refusal)
        response.headers[PROBLEM_HEADER] = json.dumps(json.loads(response.get_data()), separators=(",", ":"))
        _name_origin(response, None)  # a browser app must see the 401 that tells it to refresh its token
        return response
    return _name_origin(Response(status=200, headers={CALLER_HEADER: f"{principal.tenant}:{principal.sub}"}),
                        principal.client_id)


def _name_origin(response: Response, client_id: str | None) -> Response:
    if (origin := cors.allowed_origin(client_id)) is not None:
        response.headers[CORS_ORIGIN_HEADER] = origin
    return response


@blueprint.route("/edge/preflight", methods=["OPTIONS"], provide_automatic_options=False)
def api_preflight() -> Response:
    """A browser's preflight of a call to a service's API path, which nginx hands over here without a token."""
    return cors.preflight(cors.API_METHODS)


@blueprint.get("/edge/rate-limited")
def rate_limited() -> Response:
    """The 429 of a caller (or, on the public paths, an address) whose bucket is empty; counted."""
    settings: GatewaySettings = current_app.extensions[EDGE]
    kind = "caller" if request.headers.get(CALLER_HEADER) else "address"
    metrics.instruments().rate_limited.labels(kind).inc()
    retry_after = max(1, math.ceil(1 / settings.rate_limit_per_second))
    raise RateLimited(f"Rate limit exceeded; retry after {retry_after} s", headers={"Retry-After": str(retry_after)},
                      retry_after_seconds=retry_after)
