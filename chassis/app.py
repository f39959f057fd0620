"""`create_service_app()`: the Flask + flask-smorest shell every service (and the gateway) is built on.

It gives each service the same behaviour at the edges: OpenAPI 3 at `/openapi.json` with a docs page
at `/docs` (completed by `chassis.openapi.ContractPlugin`), problem+json for every error, request ids,
JSON access logs, `/health/live` and `/health/ready`, token validation wiring and the database connection.

Input that no handler should ever see is refused here, before any view runs, for every service alike:
a body of the wrong media type (415), a required body left out, text that cannot be stored (a NUL
character, broken Unicode), integers beyond what the database stores, and page numbers past
`chassis.paging.MAX_PAGE` (422). A dependency that is down answers 503 with `Retry-After`, not 500.
"""

from __future__ import annotations

import contextlib
import http
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import marshmallow as ma
import pika.exceptions
import pymongo.errors
from flask import Flask, Response, current_app, g, json, request, send_from_directory
from flask.views import MethodView
from flask_smorest import Api, Blueprint
from flask_smorest.pagination import PaginationMetadataSchema
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import ClientDisconnected, HTTPException
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wsgi import LimitedStream

from chassis import context, db, metrics, runtime, tracing
from chassis.auth import JWKSKeySource, TokenValidator, authenticate
from chassis.messaging.connection import ping_broker
from chassis.openapi import (
    RETRY_AFTER_HEADER,
    ContractPlugin,
    answers_may_hold_null,
    decimal_as_number_or_string,
    pagination_header,
    problem_content,
    security_schemes,
)
from chassis.paging import page_beyond_bounds
from chassis.problems import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    ProblemSchema,
    ServiceUnavailable,
    ValidationFailed,
    field_errors_from_webargs,
)
from chassis.settings import ServiceSettings
from chassis.storable import unstorable_values
from chassis.tenant_status import SuspendedTenantTokens

log = logging.getLogger(__name__)
access_log = logging.getLogger("rso.access")

REQUEST_ID_HEADER = "X-Request-ID"
SWAGGER_UI_ASSETS = "swagger-ui"  # served from the swagger-ui-bundle package under /docs/
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_BODY_METHODS = {"POST", "PUT", "PATCH"}

ReadyCheck = Callable[[], None]
DEPENDENCY_RETRY_AFTER_SECONDS = 5
DRAIN_LIMIT_FACTOR = 8
DEPENDENCY_DOWN_ERRORS = (pymongo.errors.ConnectionFailure, pika.exceptions.AMQPConnectionError)


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
    """flask-smorest Api whose errors are RFC 9457 problem documents, documented as such."""

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask):
        self.contract = ContractPlugin()
        super().__init__(app, spec_kwargs={"extra_plugins": [self.contract]})
        self.ma_plugin.converter.add_attribute_function(decimal_as_number_or_string)

    def handle_http_exception(self, error):
        return problem_response(problem_from_http_exception(error))

    def _register_responses(self):
        """Every error status as a problem document (flask-smorest would say `application/json`)."""
        self.spec.components.schema("Problem", schema=ProblemSchema)
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["content"] = problem_content()
            if status in (429, 503):
                response["headers"] = {"Retry-After": RETRY_AFTER_HEADER}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, {
            "description": "Any other error", "content": problem_content()}, lazy=True)

    def document(self) -> dict:
        """The OpenAPI document as served at /openapi.json."""
        return answers_may_hold_null(self.spec.to_dict())

    def _openapi_json(self):
        return current_app.response_class(json.dumps(self.document(), indent=2), mimetype="application/json")

    def _register_pagination_header(self):
        self.spec.components.schema("PaginationMetadata", schema=PaginationMetadataSchema)
        self.spec.components.header("PAGINATION", pagination_header(), lazy=True)


health = Blueprint("health", __name__, url_prefix="/health", description="Liveness and readiness probes")


class HealthSchema(ma.Schema):
    status = ma.fields.String(required=True, metadata={"example": "ok"})
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                            metadata={"description": "Each dependency: `ok` or `unavailable`"})


@health.route("/live")
class Live(MethodView):
    @health.response(200, HealthSchema)
    def get(self):
        """The process is up."""
        return {"status": "ok"}


@health.route("/ready")
class Ready(MethodView):
    @health.response(200, HealthSchema)
    @health.alt_response(503, schema=ProblemSchema, description="A dependency is down")
    def get(self):
        """The process can serve: every dependency (database, broker, ...) answers."""
        checks: Mapping[str, ReadyCheck] = current_app.extensions["rso.ready_checks"]
        results: dict[str, str] = {}
        details: dict[str, str] = {}
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as error:  # a readiness probe reports every failure, whatever its type
                # The probe is public: it names what is down; why (addresses, errors) goes to the log only.
                results[name] = "unavailable"
                details[name] = f"{type(error).__name__}: {error}"
        _log_readiness_changes(current_app.extensions["rso.unavailable"], results, details)
        failing = sorted(name for name, outcome in results.items() if outcome != "ok")
        if failing:
            raise ServiceUnavailable(f"Not ready: {', '.join(failing)} down", failing=failing, checks=results,
                                     headers={"Retry-After": str(DEPENDENCY_RETRY_AFTER_SECONDS)})
        return {"status": "ok", "checks": results}


def _log_readiness_changes(unavailable: set[str], results: Mapping[str, str], details: Mapping[str, str]) -> None:
    """One WARNING line when a dependency stops answering and one INFO line when it answers again, not a
    line per probe: during an outage the orchestrator probes every few seconds, and the 503 says it anyway."""
    for name, outcome in results.items():
        if outcome != "ok" and name not in unavailable:
            unavailable.add(name)
            log.warning("not ready: %s %s", name, details.get(name, outcome), extra={"dependency": name})
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
    metrics_route: bool = True,
    broker: bool = True,
    static_folder: str | None = None,
    follows_tenant_status: bool = False,
) -> Flask:
    """The service's Flask app; `broker=False` for a process that uses no broker (readiness leaves it out). Only
    an app given a `static_folder` serves `/static/` (the gateway forwards that path to the portal). With
    `follows_tenant_status` (a service whose worker runs `chassis.tenant_status.follow_tenant_status`), its own
    port refuses a suspended tenant's tokens too.
    `metrics_route=False` keeps `/metrics` off the app's own port (the public gateway's): its metrics are then
    served on `METRICS_PORT` only."""
    runtime.bootstrap(settings)
    app = Flask(settings.service_name, static_folder=static_folder)
    hops = settings.trusted_proxy_hops
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)  # type: ignore[method-assign]
    tracing.instrument_app(app)  # before every request hook, so that each runs inside the request's span
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
            "components": {"securitySchemes": security_schemes(settings.oauth_issuer)},
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

    app.wsgi_app = DrainUnreadBody(app.wsgi_app, drain_limit(settings))  # type: ignore[method-assign]
    # First, so that its timer starts even when a later hook refuses the request (415)
    metrics.install_http_metrics(app, settings.service_name, metrics_route=metrics_route)
    _install_request_hooks(app, frozenset(accepted_media_types))
    _install_input_rules(app, api.contract)
    app.register_error_handler(Problem, problem_response)
    for error in DEPENDENCY_DOWN_ERRORS:
        app.register_error_handler(error, _dependency_down)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def drain_limit(settings: ServiceSettings) -> int:
    """The largest request body read and discarded after an early answer (413 included), so that the
    connection stays usable: a client sends the whole body before reading the answer, and one closed under
    it sees a reset instead of the 413."""
    return DRAIN_LIMIT_FACTOR * settings.max_request_bytes


class DrainUnreadBody:
    """WSGI middleware: reads whatever request body the app left unread (an early 401, 404, 413, 415 or 422
    answers before looking at it), up to `limit` bytes, so the kept-alive connection starts clean for the
    next request. gunicorn drains only 64 KiB and otherwise closes the connection after a response that
    promised keep-alive; bodies over `limit` make the web server close the connection (`chassis.cli`)."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ.get("wsgi.input")
        if body is None or not 0 < length <= self.limit:
            return self.app(environ, start_response)
        # The app and the drain read through one stream that ends where the body does: some servers' input
        # (werkzeug's) would otherwise block waiting for the next request on the connection.
        environ["wsgi.input"] = body = LimitedStream(body, length)
        try:
            return self.app(environ, start_response)
        finally:
            with contextlib.suppress(OSError, ValueError, ClientDisconnected):  # the client went away
                body.exhaust()


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")


def _install_input_rules(app: Flask, contract: ContractPlugin) -> None:
    """Refuse, before any view, input the OpenAPI document rules out or no database could take."""

    @app.before_request
    def authenticate_first():
        """A caller without a valid token learns nothing of the input rules below: 401 comes first."""
        if (request.endpoint, request.method) in contract.protected:
            authenticate()

    @app.before_request
    def require_documented_body():
        if (request.endpoint, request.method) in contract.required_bodies and not _has_body():
            raise ValidationFailed({"_schema": ["A request body is required"]})

    @app.before_request
    def reject_unstorable_input():
        errors: dict[str, dict] = {}
        for location, values in (("path", request.view_args or {}), ("query", request.args.to_dict(flat=False)),
                                 ("json", _json_body()), ("form", _form_body())):
            found = unstorable_values(values)
            if found:
                errors[location] = found
        if request.endpoint in contract.paginated:
            beyond = page_beyond_bounds(request.args)
            if beyond:
                errors.setdefault("query", {}).update(beyond)
        if errors:
            raise ValidationFailed.at_locations(errors)


def _json_body() -> Any:
    if not (_has_body() and request.is_json):
        return None
    return request.get_json(silent=True)  # malformed JSON is the parser's 400, later


def _form_body() -> Any:
    if not (_has_body() and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    return request.form.to_dict(flat=False)


def _dependency_down(error: Exception) -> Response:
    """The database or the broker is unreachable: the request may succeed later, so 503 with Retry-After."""
    dependency = "broker" if isinstance(error, pika.exceptions.AMQPError) else "database"
    log.warning("%s unavailable while serving %s %s", dependency, request.method, request.path, exc_info=True)
    return problem_response(ServiceUnavailable(
        f"The {dependency} is unavailable; try again later", failing=[dependency],
        headers={"Retry-After": str(DEPENDENCY_RETRY_AFTER_SECONDS)}))


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
        if request.method not in _BODY_METHODS or request.endpoint is None:  # no route of this app: its 404
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
