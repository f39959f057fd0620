"""`create_service_app()`: the Flask + flask-smorest shell every service (and the gateway) is built on.

It gives each service the same behaviour at the edges: OpenAPI 3 at `/openapi.json` with a docs page
at `/docs`, problem+json for every error, request ids, JSON access logs, `/health/live` and
`/health/ready`, token validation wiring and the database connection.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping

from flask import Flask, Response, g, json, request, send_from_directory
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.middleware.proxy_fix import ProxyFix

from chassis import context, db, runtime
from chassis.auth import JWKSKeySource, TokenValidator
from chassis.messaging.connection import ping_broker
from chassis.problems import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    ProblemSchema,
    ServiceUnavailable,
    field_errors_from_webargs,
)
from chassis.settings import ServiceSettings
from chassis.tenant_status import SuspendedTenantTokens

log = logging.getLogger(__name__)
access_log = logging.getLogger("rso.access")

REQUEST_ID_HEADER = "X-Request-ID"
MEDIA_TYPE_EXEMPT_ENDPOINTS = "rso.media_type_exempt_endpoints"  # endpoints that pass any body through
SWAGGER_UI_ASSETS = "swagger-ui"  # served from the swagger-ui-bundle package under /docs/
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}

ReadyCheck = Callable[[], None]


def problem_response(problem: Problem) -> Response:
    body = problem.body()
    request_id = context.request_id.get()
    if request_id:
        body["request_id"] = request_id
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def problem_from_http_exception(error: HTTPException) -> Problem:
    """Map werkzeug/webargs errors onto problems; webargs' field messages become `errors` rows."""
    status = error.code or 500
    name = HTTP_STATUS_CODES.get(status, "Error")
    slug = "validation-error" if status == 422 else re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    data = getattr(error, "data", None) or {}
    extensions: dict = {}
    messages = data.get("errors") or data.get("messages")
    if messages:
        extensions["errors"] = field_errors_from_webargs(messages)
    headers = dict(data.get("headers") or {})
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
        extensions["allowed_methods"] = sorted(error.valid_methods)  # type: ignore[attr-defined]
    detail = data.get("message") or error.description
    if status == 422 and messages:
        detail = "See 'errors' for each offending field"
    return Problem(detail, status=status, slug=slug, title=name, headers=headers, **extensions)


class ServiceApi(Api):
    """flask-smorest Api whose errors are RFC 9457 problem documents."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error):
        return problem_response(problem_from_http_exception(error))


health = Blueprint("health", __name__, url_prefix="/health", description="Liveness and readiness probes")


@health.route("/live")
class Live(MethodView):
    @health.response(200)
    def get(self):
        """The process is up."""
        return {"status": "ok"}


@health.route("/ready")
class Ready(MethodView):
    @health.response(200)
    @health.alt_response(503, schema=ProblemSchema, description="A dependency is down")
    def get(self):
        """The process can serve: every dependency (database, broker, ...) answers."""
        from flask import current_app

        checks: Mapping[str, ReadyCheck] = current_app.extensions["rso.ready_checks"]
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as error:  # a readiness probe reports every failure, whatever its type
                results[name] = f"unavailable: {type(error).__name__}: {error}"[:300]
        _log_readiness_changes(current_app.extensions["rso.unavailable"], results)
        failing = sorted(name for name, outcome in results.items() if outcome != "ok")
        if failing:
            raise ServiceUnavailable(f"Not ready: {', '.join(failing)} down", failing=failing, checks=results)
        return {"status": "ok", "checks": results}


def _log_readiness_changes(unavailable: set[str], results: Mapping[str, str]) -> None:
    """One WARNING line when a dependency stops answering and one INFO line when it answers again, not a
    line per probe: during an outage the orchestrator probes every few seconds, and the 503 says it anyway."""
    for name, outcome in results.items():
        if outcome != "ok" and name not in unavailable:
            unavailable.add(name)
            log.warning("not ready: %s %s", name, outcome, extra={"dependency": name})
        elif outcome == "ok" and name in unavailable:
            unavailable.discard(name)
            log.info("ready again: %s answers", name, extra={"dependency": name})


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    description: str = "",
    blueprints: Iterable[Blueprint] = (),
    accepted_media_types: Iterable[str] = ("application/json",),
    ready_checks: Mapping[str, ReadyCheck] | None = None,
    token_validator: TokenValidator | None = None,
    broker: bool = True,
    static_folder: str | None = None,
    follows_tenant_status: bool = False,
) -> Flask:
    """The service's Flask app; `broker=False` for a process that uses no broker (readiness leaves it out). Only
    an app given a `static_folder` serves `/static/` (the gateway forwards that path to the portal). With
    `follows_tenant_status` (a service whose worker runs `chassis.tenant_status.follow_tenant_status`), its own
    port refuses a suspended tenant's tokens too."""
    runtime.bootstrap(settings)
    app = Flask(settings.service_name, static_folder=static_folder)
    hops = settings.trusted_proxy_hops
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]
    app.config.update(
        API_TITLE=title,
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json",
        OPENAPI_SWAGGER_UI_PATH="docs",
        # Relative, so the page works at /docs and at /api/<service>/docs behind the gateway, offline too.
        OPENAPI_SWAGGER_UI_URL=f"docs/{SWAGGER_UI_ASSETS}/",
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "components": {"securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}},
        },
    )
    app.extensions["rso.settings"] = settings
    app.extensions["rso.token_validator"] = token_validator or TokenValidator(
        JWKSKeySource(settings.jwks_url, min_refresh_seconds=settings.jwks_min_refresh_seconds,
                      max_age_seconds=settings.jwks_max_age_seconds),
        issuer=settings.oauth_issuer,
        audience=settings.oauth_audience,
        refusal=SuspendedTenantTokens().refusing if follows_tenant_status else None,
    )
    app.extensions["rso.unavailable"] = set()  # dependencies the last readiness probe found down
    app.extensions["rso.ready_checks"] = {
        "database": db.ping,
        **({"broker": lambda: ping_broker(settings.amqp_url)} if broker else {}),
        **(ready_checks or {}),
    }
    api = ServiceApi(app)
    api.register_blueprint(health)
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    app.extensions["rso.api"] = api
    app.add_url_rule(f"/docs/{SWAGGER_UI_ASSETS}/<path:filename>", "swagger_ui_assets",
                     lambda filename: send_from_directory(swagger_ui_path, filename, max_age=86400))
    app.extensions[MEDIA_TYPE_EXEMPT_ENDPOINTS] = set()

    _install_request_hooks(app, frozenset(accepted_media_types))
    app.register_error_handler(Problem, problem_response)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _install_request_hooks(app: Flask, accepted_media_types: frozenset[str]) -> None:
    @app.before_request
    def bind_request_context():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else context.new_id()
        g.request_id = request_id
        g.started_at = time.perf_counter()
        _set_request_context(request_id=request_id, correlation_id=request_id)

    @app.teardown_request
    def unbind_request_context(_error):
        _set_request_context()

    @app.before_request
    def reject_unsupported_body():
        if request.method not in _BODY_METHODS or request.endpoint in app.extensions[MEDIA_TYPE_EXEMPT_ENDPOINTS]:
            return None
        if request.endpoint is None:  # no route of this app: its 404, or the gateway's forwarding to the portal
            return None
        has_body = bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")
        if has_body and request.mimetype not in accepted_media_types:
            raise Problem(
                f"Send the body as one of: {', '.join(sorted(accepted_media_types))}",
                status=415, slug="unsupported-media-type", title="Unsupported Media Type",
                accepted_media_types=sorted(accepted_media_types),
            )
        return None

    @app.after_request
    def stamp_and_log(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("started_at")
        if started is not None:
            access_log.log(
                logging.DEBUG if request.path.startswith("/health/") else logging.INFO,
                "request",
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": round((time.perf_counter() - started) * 1000, 2)},
            )
        return response


def _set_request_context(*, request_id: str | None = None, correlation_id: str | None = None) -> None:
    """Worker threads serve many requests: nothing of one request's context may leak into the next."""
    context.request_id.set(request_id)
    context.correlation_id.set(correlation_id)
    context.causation_id.set(None)
    context.tenant.set(None)


def _unexpected_error(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return problem_response(problem_from_http_exception(error))
    log.exception("unhandled error")
    return problem_response(Problem("The server could not complete the request; see its log", status=500))
