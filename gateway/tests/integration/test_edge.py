"""The edge: `/api/<service>/...` forwarded to real upstream HTTP servers, checked and limited at the gateway."""

import http.server
import io
import json
import threading
import time

import pytest
from flask import Flask, Response, request
from prometheus_client import REGISTRY, generate_latest
from werkzeug.serving import make_server

from chassis.testing.infrastructure import free_port
from chassis.tests.integration.test_metrics import value
from gateway import create_app
from gateway.identity import denials
from gateway.settings import GatewaySettings

pytestmark = pytest.mark.integration

READ_TIMEOUT_SECONDS = 0.5
def test_a_file_uploaded_to_a_portal_page_reaches_the_portal(client, portal_upstream):
    """The portal decides which bodies its pages take (a CSV file for a bulk enrolment), not the gateway."""
    posted = client.post("/training/sessions/1/bulk", data={"file": (io.BytesIO(b"email,name\n"), "people.csv")},
                         content_type="multipart/form-data")

    assert posted.status_code == 200
    [seen] = portal_upstream.received
    assert seen["headers"]["Content-Type"].startswith("multipart/form-data") and "email,name" in seen["body"]


ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class EchoUpstream:
    """A real HTTP server standing in for a service: it records every request and answers with what it saw."""

    def __init__(self):
        self.received: list[dict] = []
        app = Flask("echo-upstream")

        @app.get("/slow")
        def slow():
            time.sleep(READ_TIMEOUT_SECONDS * 4)
            return {"too": "late"}

        @app.post("/created")
        def created():
            return {"id": "42"}, 201, {"X-Upstream-Custom": "yes", "Location": "/experts/42"}

        @app.get("/sign-in")
        def sets_a_cookie():
            response = Response("signed in")
            response.set_cookie("rso_portal_session", "secret-of-one-person", httponly=True)
            return response

        @app.route("/", defaults={"path": ""}, methods=ALL_METHODS)
        @app.route("/<path:path>", methods=ALL_METHODS)
        def echo(path):
            seen = {
                "method": request.method,
                "path": request.path,
                "query": request.query_string.decode(),
                "body": request.get_data(as_text=True),
                "headers": dict(request.headers),
            }
            self.received.append(seen)
            return seen

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def last_headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.received[-1]["headers"].items()}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ClientPortHandler(http.server.BaseHTTPRequestHandler):
    """Answers with the caller's TCP port over HTTP/1.1 keep-alive (werkzeug's server closes every connection)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = json.dumps({"client_port": self.client_address[1]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class ClosesReusedConnectionsHandler(http.server.BaseHTTPRequestHandler):
    """Answers the first request of a keep-alive connection, then closes it when the next one arrives, as a
    service does that drops an idle connection at the moment the gateway reuses it."""

    protocol_version = "HTTP/1.1"
    answered = 0

    def do_GET(self):
        self._answer_first_only()

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer_first_only()

    def _answer_first_only(self):
        if self.answered:
            self.close_connection = True
            return
        self.answered += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def closing_upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClosesReusedConnectionsHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def keep_alive_upstream():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ClientPortHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def echo_upstream():
    upstream = EchoUpstream()
    yield upstream
    upstream.close()


@pytest.fixture
def upstream(echo_upstream):
    echo_upstream.received.clear()
    return echo_upstream


@pytest.fixture(scope="module")
def portal_echo():
    portal = EchoUpstream()
    yield portal
    portal.close()


@pytest.fixture
def portal_upstream(portal_echo):
    portal_echo.received.clear()
    return portal_echo


@pytest.fixture
def make_gateway(make_app, upstream, keep_alive_upstream, portal_echo):
    """The real gateway: roster is the echo upstream, nothing listens for training, the portal is an echo too."""

    def make(**overrides) -> Flask:
        values = {
            "roster_url": upstream.url,
            "portal_url": portal_echo.url,
            "training_url": f"http://127.0.0.1:{free_port()}",
            "joint_action_url": keep_alive_upstream,
            "upstream_read_timeout_seconds": READ_TIMEOUT_SECONDS,
            **overrides,
        }
        return make_app(create_app, "gateway", GatewaySettings, **values)

    return make


@pytest.fixture
def client(make_gateway):
    return make_gateway().test_client()


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == f"urn:rso:problem:{slug}"
    return body


def test_forwards_method_path_query_and_body(client, upstream, auth_headers):
    response = client.post("/api/roster/experts/search?function=legal&q=a%20b", json={"name": "Ana"},
                           headers=auth_headers())

    assert response.status_code == 200
    seen = response.get_json()
    assert seen["method"] == "POST"
    assert seen["path"] == "/experts/search"
    assert seen["query"] == "function=legal&q=a%20b"
    assert seen["body"] == '{"name": "Ana"}'
    assert upstream.last_headers()["content-type"] == "application/json"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
def test_forwards_every_method(client, upstream, auth_headers, method):
    response = client.open("/api/roster/experts/42", method=method, headers=auth_headers())

    assert response.status_code == 200
    assert upstream.received[-1]["method"] == method


def test_head_answers_the_upstream_headers_without_a_body(client, upstream, auth_headers):
    response = client.head("/api/roster/experts/42", headers=auth_headers())

    assert response.status_code == 200
    assert response.data == b""
    assert int(response.headers["Content-Length"]) > 0
    assert upstream.received[-1]["method"] == "HEAD"


def test_csv_upload_reaches_the_service_unchanged(client, upstream, auth_headers):
    csv = "name,country\nAna,THA\n"

    client.post("/api/roster/experts/import", data=csv, content_type="text/csv", headers=auth_headers())

    assert upstream.received[-1]["body"] == csv
    assert upstream.last_headers()["content-type"] == "text/csv"


def test_connections_to_a_service_are_reused(client, auth_headers):
    answers = [client.get("/api/joint-action/cases", headers=auth_headers()) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert len({answer.get_json()["client_port"] for answer in answers}) == 1


def test_answers_the_upstream_status_headers_and_body(client, auth_headers):
    response = client.post("/api/roster/created", json={}, headers=auth_headers())

    assert response.status_code == 201
    assert response.headers["X-Upstream-Custom"] == "yes"
    assert response.headers["Location"] == "/experts/42"
    assert response.get_json() == {"id": "42"}


def test_forwards_the_token_and_the_gateway_request_id(client, upstream, auth_headers):
    headers = auth_headers()

    response = client.get("/api/roster/experts", headers={**headers, "X-Request-ID": "trace-123"})

    assert response.headers["X-Request-ID"] == "trace-123"
    assert upstream.last_headers()["authorization"] == headers["Authorization"]
    assert upstream.last_headers()["x-request-id"] == "trace-123"


def test_upstream_sees_the_request_id_the_gateway_generated(client, upstream, auth_headers):
    response = client.get("/api/roster/experts", headers={**auth_headers(), "X-Request-ID": "not safe!"})

    assert response.headers["X-Request-ID"] != "not safe!"
    assert upstream.last_headers()["x-request-id"] == response.headers["X-Request-ID"]


def test_client_sent_identity_headers_never_reach_the_service(client, upstream, auth_headers):
    client.get("/api/roster/experts", headers={
        **auth_headers(tenant="THA"),
        "X-Tenant": "AUS", "X-User-Id": "admin", "X-RSO-Roles": "platform_admin", "X-Roles": "platform_admin",
        "X-Forwarded-Prefix": "/evil", "Forwarded": "for=10.0.0.1", "X-Real-IP": "10.0.0.1",
    })

    seen = upstream.last_headers()
    assert not {"x-tenant", "x-user-id", "x-rso-roles", "x-roles", "forwarded", "x-real-ip"} & seen.keys()
    assert seen["x-forwarded-prefix"] == "/api/roster"
    assert seen["x-forwarded-proto"] == "http"
    assert seen["x-forwarded-host"] == "localhost"
    assert seen["x-forwarded-for"] == "127.0.0.1"


def test_missing_token_is_refused_at_the_edge(client, upstream):
    response = client.get("/api/roster/experts")

    assert_problem(response, 401, "unauthorized")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert upstream.received == []


@pytest.mark.parametrize("make_token", [
    lambda issuer: "not-a-jwt",
    lambda issuer: issuer.mint(expires_in=-3600),
    lambda issuer: issuer.mint(aud="another-platform"),
], ids=["malformed", "expired", "wrong-audience"])
def test_invalid_token_is_refused_at_the_edge(client, upstream, token_issuer, make_token):
    response = client.get("/api/roster/experts", headers={"Authorization": f"Bearer {make_token(token_issuer)}"})

    assert_problem(response, 401, "unauthorized")
    assert upstream.received == []


def test_denied_token_is_refused_with_the_reason_and_its_kind(client, upstream, auth_headers):
    """The problem type says why, so a client (the portal) can tell a suspended organisation or a deactivated
    account from a token that merely has to be renewed."""
    denials.deny("tenant", "THA", "Tenant is suspended")
    denials.deny("subject", "user-9", "The account is deactivated")

    refused = client.get("/api/roster/experts", headers=auth_headers(tenant="THA"))
    deactivated = client.get("/api/roster/experts", headers=auth_headers(tenant="AUS", sub="user-9"))
    allowed = client.get("/api/roster/experts", headers=auth_headers(tenant="AUS"))

    assert assert_problem(refused, 401, "tenant-suspended")["detail"] == "Tenant is suspended"
    assert assert_problem(deactivated, 401, "account-deactivated")["detail"] == "The account is deactivated"
    assert allowed.status_code == 200
    assert len(upstream.received) == 1


def test_every_path_the_gateway_does_not_own_is_the_portals(client, portal_upstream):
    """The portal is served at the gateway's origin: its pages and their cookies pass through, untouched."""
    client.set_cookie("rso_portal_session", "abc")
    page = client.get("/organisations/THA/people?x=1")
    posted = client.post("/sign-out", data={"csrf_token": "t"})

    assert page.status_code == 200 and posted.status_code == 200
    first, second = portal_upstream.received
    assert (first["method"], first["path"], first["query"]) == ("GET", "/organisations/THA/people", "x=1")
    assert "rso_portal_session=abc" in first["headers"]["Cookie"]
    assert "X-Forwarded-Prefix" not in first["headers"] and first["headers"]["X-Forwarded-Host"]
    assert (second["method"], second["body"]) == ("POST", "csrf_token=t")
    assert client.get("/").status_code == 200 and len(portal_upstream.received) == 3


def test_a_cookie_the_portal_sets_for_one_browser_is_never_sent_with_anothers_request(make_gateway,
                                                                                     portal_upstream):
    gateway = make_gateway()
    signed_in = gateway.test_client().get("/sign-in")
    someone_else = gateway.test_client().get("/organisations")

    assert "secret-of-one-person" in signed_in.headers["Set-Cookie"]
    assert someone_else.status_code == 200
    assert "Cookie" not in portal_upstream.received[-1]["headers"]


@pytest.mark.parametrize("path", ["/admin/nothing", "/oauth/nothing", "/account/nothing", "/.well-known/nothing",
                                  "/health/nothing", "/docs/nothing", "/api"])
def test_the_gateways_own_paths_never_reach_the_portal(client, portal_upstream, path):
    response = client.get(path)
    assert response.status_code in (200, 404) and response.mimetype in ("application/json", "application/problem+json")
    assert portal_upstream.received == []


@pytest.mark.parametrize("path", ["openapi.json", "docs", "health/live", "public/certificates/abc"])
def test_public_paths_are_forwarded_without_a_token(client, upstream, path):
    response = client.get(f"/api/roster/{path}")

    assert response.status_code == 200
    assert upstream.received[-1]["path"] == f"/{path}"


def test_dot_segments_do_not_make_a_path_public(client, upstream):
    response = client.get("/api/roster/health/%2E%2E/experts")

    assert_problem(response, 401, "unauthorized")
    assert upstream.received == []


def test_upstream_timeout_answers_504(client, auth_headers):
    """The slow upstream answers long after the gateway's read timeout, so only the timeout can answer 504."""
    response = client.get("/api/roster/slow", headers=auth_headers())

    body = assert_problem(response, 504, "upstream-timeout")
    assert body["service"] == "roster"


def test_unreachable_upstream_answers_503_naming_the_service(client, auth_headers):
    response = client.get("/api/training/courses", headers=auth_headers())

    body = assert_problem(response, 503, "upstream-unavailable")
    assert body["service"] == "training"
    assert "training" in body["detail"]


def test_unknown_service_answers_404(client, auth_headers):
    response = client.get("/api/payroll/salaries", headers=auth_headers())

    body = assert_problem(response, 404, "not-found")
    assert body["services"] == ["joint-action", "notification", "roster", "training"]


def test_rate_limit_is_per_caller(make_gateway, upstream, auth_headers):
    client = make_gateway(rate_limit_burst=3, rate_limit_per_second=0.01).test_client()

    answers = [client.get("/api/roster/experts", headers=auth_headers(sub="alice")).status_code for _ in range(4)]
    limited = client.get("/api/roster/experts", headers=auth_headers(sub="alice"))
    other_caller = client.get("/api/roster/experts", headers=auth_headers(sub="bob"))

    assert answers == [200, 200, 200, 429]
    assert_problem(limited, 429, "rate-limited")
    assert int(limited.headers["Retry-After"]) >= 1
    assert other_caller.status_code == 200
    assert len(upstream.received) == 4


def test_people_signed_in_through_one_app_do_not_share_its_rate_limit(make_gateway, auth_headers):
    client = make_gateway(rate_limit_burst=2, rate_limit_per_second=0.01).test_client()

    def call(user):
        return client.get("/api/roster/experts", headers=auth_headers(sub=user, client_id="rso-portal")).status_code

    assert [call("alice"), call("alice"), call("alice")] == [200, 200, 429]
    assert [call("bob"), call("carol")] == [200, 200]


def test_a_read_is_sent_again_when_the_service_closed_the_reused_connection_a_write_is_not(
        make_gateway, closing_upstream, auth_headers):
    client = make_gateway(roster_url=closing_upstream).test_client()
    headers = auth_headers()

    first = client.get("/api/roster/experts", headers=headers)
    on_a_dropped_connection = client.get("/api/roster/experts", headers=headers)
    write_on_a_dropped_connection = client.post("/api/roster/experts", json={}, headers=headers)

    assert (first.status_code, on_a_dropped_connection.status_code) == (200, 200)
    assert_problem(write_on_a_dropped_connection, 503, "upstream-unavailable")


def test_index_lists_every_service_openapi_document(client):
    response = client.get("/api")

    assert response.status_code == 200
    assert response.get_json() == {
        "services": [
            {"name": "roster", "openapi": "/api/roster/openapi.json", "docs": "/api/roster/docs"},
            {"name": "training", "openapi": "/api/training/openapi.json", "docs": "/api/training/docs"},
            {"name": "joint-action", "openapi": "/api/joint-action/openapi.json", "docs": "/api/joint-action/docs"},
            {"name": "notification", "openapi": "/api/notification/openapi.json", "docs": "/api/notification/docs"},
        ],
        "gateway": {"openapi": "/openapi.json", "docs": "/docs"},
    }


def test_proxied_paths_stay_out_of_the_gateway_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]

    assert not [path for path in paths if path.startswith("/api")]


# Metrics (docs/adr/0075): refusals are counted, and no `/metrics` is public through the gateway.
def scrape() -> str:
    """The gateway process's metrics, as its `METRICS_PORT` serves them."""
    return generate_latest(REGISTRY).decode()


def test_services_metrics_are_not_forwarded_and_the_gateways_own_are_not_on_its_public_port(
        make_gateway, upstream, auth_headers):
    client = make_gateway().test_client()
    for path in ("/api/roster/metrics", "/api/roster/metrics/", "/api/roster/docs/../metrics", "/metrics"):
        assert_problem(client.get(path, headers=auth_headers()), 404, "not-found")
        assert_problem(client.get(path), 404, "not-found")
    assert upstream.received == []


def test_rate_limit_and_token_refusals_are_counted(make_gateway, upstream, auth_headers):
    client = make_gateway(rate_limit_burst=1, rate_limit_per_second=0.01).test_client()
    before = scrape()
    statuses = [client.get("/api/roster/experts", headers=auth_headers(sub="carol")).status_code for _ in range(2)]
    assert client.get("/api/roster/experts").status_code == 401
    after = scrape()

    assert statuses == [200, 429]
    assert value(after, "rso_gateway_rate_limited_total", kind="caller") - value(
        before, "rso_gateway_rate_limited_total", kind="caller") == 1
    assert value(after, "rso_token_refusals_total", service="gateway", reason="missing_token") - value(
        before, "rso_token_refusals_total", service="gateway", reason="missing_token") == 1
    assert value(after, "rso_http_requests_total", service="gateway", method="GET",
                 route="/api/<service>/<path:rest>", status="429") - value(
        before, "rso_http_requests_total", service="gateway", method="GET", route="/api/<service>/<path:rest>",
        status="429") == 1
