"""The edge (docs/adr/0090): real nginx, configured as `rso-edge` configures it, in front of real gateway
replicas (the decision) and real HTTP servers standing in for a service and the portal."""

import json
import re
import socket
import threading
import time

import pytest
import requests
from flask import Flask, Response, request, stream_with_context
from prometheus_client import REGISTRY, generate_latest
from werkzeug.serving import make_server

from chassis.testing.infrastructure import free_port
from chassis.tests.integration.test_metrics import value
from gateway import create_app
from gateway.edge import EDGE_PATHS, GATEWAY_PATHS
from gateway.identity import denials
from gateway.identity.models import AuditEntry
from gateway.settings import GatewaySettings
from infra import edge

pytestmark = pytest.mark.integration

READ_TIMEOUT_SECONDS = 0.5
LARGE_BYTES = 24 * 1024 * 1024
ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


class Served:
    """A WSGI app on a real port, threaded."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class EchoUpstream(Served):
    """Stands in for a service or the portal: records every request and answers with what it saw."""

    def __init__(self):
        self.received: list[dict] = []
        app = Flask("echo-upstream")

        @app.get("/slow")
        def slow():
            time.sleep(READ_TIMEOUT_SECONDS * 4)
            return {"too": "late"}

        @app.get("/large")
        def large():
            chunk = b"x" * 65536
            return Response(stream_with_context(chunk for _ in range(LARGE_BYTES // len(chunk))),
                            headers={"Content-Length": str(LARGE_BYTES)})

        @app.post("/count")
        def count():
            received = 0
            while block := request.stream.read(65536):
                received += len(block)
            return {"received": received}

        @app.route("/", defaults={"path": ""}, methods=ALL_METHODS)
        @app.route("/<path:path>", methods=ALL_METHODS)
        def echo(path):
            seen = {"method": request.method, "path": request.path, "query": request.query_string.decode(),
                    "body": request.get_data(as_text=True), "headers": dict(request.headers)}
            self.received.append(seen)
            return seen

        super().__init__(app)

    def last_headers(self) -> dict[str, str]:
        return {name.lower(): value for name, value in self.received[-1]["headers"].items()}


@pytest.fixture(scope="module")
def roster():
    upstream = EchoUpstream()
    yield upstream
    upstream.close()


@pytest.fixture(scope="module")
def portal():
    upstream = EchoUpstream()
    yield upstream
    upstream.close()


@pytest.fixture
def make_edge(make_app, roster, portal, tmp_path):
    """The edge in front of `replicas` gateways (each its own app, as separate processes would be): roster is an
    echo server, nothing listens for training."""
    started = []

    def make(*, replicas: int = 1, **overrides) -> str:
        values = {"roster_url": roster.url, "portal_url": portal.url,
                  "training_url": f"http://127.0.0.1:{free_port()}",
                  "upstream_read_timeout_seconds": READ_TIMEOUT_SECONDS, **overrides}
        gateways = [Served(make_app(create_app, "gateway", GatewaySettings, **values)) for _ in range(replicas)]
        started.extend(gateways)
        running = edge.running(tmp_path / f"edge-{len(started)}", listen=f"127.0.0.1:{free_port()}",
                               gateway_urls=[gateway.url for gateway in gateways],
                               settings=GatewaySettings(service_name="gateway", **values))
        started.append(running)
        return running.__enter__()

    roster.received.clear()
    portal.received.clear()
    yield make
    for thing in reversed(started):
        if isinstance(thing, Served):
            thing.close()
        else:
            thing.__exit__(None, None, None)


@pytest.fixture
def url(make_edge):
    return make_edge()


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert (body["type"], body["status"]) == (f"urn:rso:problem:{slug}", status)
    return body


def test_forwards_method_path_query_and_body_with_the_token(url, roster, auth_headers):
    headers = auth_headers()
    response = requests.post(f"{url}/api/roster/experts/7?q=a%20b", data="name,x\n", headers={
        **headers, "Content-Type": "text/csv"}, timeout=10)

    assert response.status_code == 200
    seen = roster.received[-1]
    assert (seen["method"], seen["path"], seen["query"], seen["body"]) == ("POST", "/experts/7", "q=a%20b", "name,x\n")
    forwarded = roster.last_headers()
    assert forwarded["authorization"] == headers["Authorization"]
    assert forwarded["x-forwarded-prefix"] == "/api/roster"
    assert re.fullmatch(r"[0-9a-f]{32}", forwarded["x-request-id"])  # the edge's own


@pytest.mark.parametrize("method", ALL_METHODS)
def test_forwards_every_method(url, roster, auth_headers, method):
    response = requests.request(method, f"{url}/api/roster/things", headers=auth_headers(), timeout=10)

    assert response.status_code == 200
    assert roster.received[-1]["method"] == method


def test_client_sent_identity_headers_never_reach_the_service(url, roster, auth_headers):
    sent = {"X-Tenant": "IDN", "X-Tenant-Id": "IDN", "X-User-Id": "root", "X-Roles": "platform_admin",
            "X-RSO-Caller": "RSO:admin", "X-Auth-Request-User": "root", "X-Forwarded-For": "10.9.9.9",
            "X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "/evil", "X-Real-IP": "10.9.9.9",
            "Forwarded": "for=10.9.9.9", "X-Request-ID": "chosen-by-the-client", "X-Harmless": "kept"}

    assert requests.get(f"{url}/api/roster/experts", headers={**auth_headers(), **sent}, timeout=10).ok

    forwarded = roster.last_headers()
    assert not {name for name in forwarded if name.startswith(("x-tenant", "x-user", "x-roles", "x-rso-", "x-auth",
                                                               "x-real-ip", "forwarded"))}
    assert (forwarded["x-forwarded-for"], forwarded["x-forwarded-prefix"]) == ("127.0.0.1", "/api/roster")
    assert forwarded["x-forwarded-host"] != "evil.example"
    assert forwarded["x-request-id"] != "chosen-by-the-client"
    assert forwarded["x-harmless"] == "kept"


def test_a_client_cannot_choose_the_address_the_gateway_records(make_edge, register_client):
    """The gateway trusts one proxy hop, the edge, which replaces whatever X-Forwarded-For a client sent."""
    url = make_edge(upstream_read_timeout_seconds=30)  # a client secret's hash takes its time
    client_id, secret = register_client(tenant="PHL")
    issued = requests.post(f"{url}/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret),
                           headers={"X-Forwarded-For": "203.0.113.7"}, timeout=10)

    assert issued.status_code == 200, issued.text
    assert AuditEntry.objects(action="token.issued").get().source_address == "127.0.0.1"


def test_missing_and_invalid_tokens_are_refused_with_the_gateways_problem(url, roster, token_issuer, auth_headers):
    auth_headers()  # the gateway has its signing key, as a running one always has
    missing = requests.get(f"{url}/api/roster/experts", timeout=10)
    forged = requests.get(f"{url}/api/roster/experts", headers={"Authorization": f"Bearer {token_issuer.mint()}"},
                          timeout=10)

    assert_problem(missing, 401, "unauthorized")
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    assert_problem(forged, 401, "unauthorized")
    assert roster.received == []


def test_a_denied_token_is_refused_with_the_reason_within_a_second(url, roster, auth_headers):
    """The decision is cached for the half-second it was made in, from a deny list at most 0.5 s old."""
    headers = auth_headers(tenant="THA")
    assert requests.get(f"{url}/api/roster/experts", headers=headers, timeout=10).status_code == 200

    denials.deny("tenant", "THA", "Tenant THA is suspended")
    time.sleep(1.0)
    refused = requests.get(f"{url}/api/roster/experts", headers=headers, timeout=10)

    assert assert_problem(refused, 401, "tenant-suspended")["detail"] == "Tenant THA is suspended"
    assert len(roster.received) == 1


def test_the_rate_limit_is_per_caller_and_one_across_gateway_replicas(make_edge, roster, auth_headers):
    """Each request carries a token of its own (so each decision may come from either replica): one bucket."""
    url = make_edge(replicas=2, rate_limit_burst=3, rate_limit_per_second=0.02)
    before = generate_latest(REGISTRY).decode()

    answers = [requests.get(f"{url}/api/roster/experts", headers=auth_headers(sub="alice"), timeout=10)
               for _ in range(5)]
    other_caller = requests.get(f"{url}/api/roster/experts", headers=auth_headers(sub="bob"), timeout=10)
    after = generate_latest(REGISTRY).decode()

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    limited = assert_problem(answers[-1], 429, "rate-limited")
    assert int(answers[-1].headers["Retry-After"]) == limited["retry_after_seconds"] >= 1
    assert other_caller.status_code == 200
    assert len(roster.received) == 5
    assert value(after, "rso_gateway_rate_limited_total", kind="caller") - value(
        before, "rso_gateway_rate_limited_total", kind="caller") == 1


def test_an_unreachable_service_answers_503_and_a_slow_one_504_naming_it(url, auth_headers):
    unreachable = requests.get(f"{url}/api/training/courses", headers=auth_headers(), timeout=10)
    slow = requests.get(f"{url}/api/roster/slow", headers=auth_headers(), timeout=10)

    assert assert_problem(unreachable, 503, "upstream-unavailable")["service"] == "training"
    assert assert_problem(slow, 504, "upstream-timeout")["service"] == "roster"
    assert int(unreachable.headers["Retry-After"]) >= 1 and int(slow.headers["Retry-After"]) >= 1


def test_no_gateway_to_decide_answers_503(roster, auth_headers, tmp_path):
    with edge.running(tmp_path, listen=f"127.0.0.1:{free_port()}", gateway_urls=[f"http://127.0.0.1:{free_port()}"],
                      settings=GatewaySettings(service_name="gateway", roster_url=roster.url)) as url:
        response = requests.get(f"{url}/api/roster/experts", headers=auth_headers(), timeout=10)

    assert_problem(response, 503, "upstream-unavailable")
    assert int(response.headers["Retry-After"]) >= 1
    assert roster.received == []


def test_large_bodies_stream_through_both_ways(make_edge, auth_headers, tmp_path):
    url = make_edge(max_request_bytes=2 * LARGE_BYTES)

    def chunks():
        for _ in range(LARGE_BYTES // 65536):
            yield b"y" * 65536

    uploaded = requests.post(f"{url}/api/roster/count", data=chunks(), headers=auth_headers(), timeout=60)
    downloaded = requests.get(f"{url}/api/roster/large", headers=auth_headers(), timeout=60, stream=True)
    received = sum(len(block) for block in downloaded.iter_content(65536))

    assert uploaded.json() == {"received": LARGE_BYTES}
    assert (downloaded.status_code, received) == (200, LARGE_BYTES)
    spilled = [path for directory in ("client-body", "proxy") for path in tmp_path.glob(f"*/{directory}/**/*")
               if path.is_file()]
    assert spilled == []  # nothing went to nginx's temporary files


def test_a_413_leaves_the_connection_usable(make_edge, auth_headers):
    url = make_edge(max_request_bytes=1024)
    with requests.Session() as session:
        too_large = session.post(f"{url}/api/roster/experts", data=b"z" * 4096, headers=auth_headers(), timeout=10)
        then = session.get(f"{url}/api/roster/experts", headers=auth_headers(), timeout=10)

    assert_problem(too_large, 413, "payload-too-large")
    assert then.status_code == 200


def test_a_413_on_a_kept_alive_connection_then_the_next_request_is_answered(make_edge, auth_headers):
    """On one socket: the oversized request is answered, and either the connection stays usable or the
    answer said it closes (so no client sends the next request into a broken connection)."""
    url = make_edge(max_request_bytes=1024)
    port = int(url.rsplit(":", 1)[1])
    token = auth_headers()["Authorization"]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(f"POST /api/roster/experts HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n"
                     f"Content-Length: 4096\r\n\r\n".encode() + b"z" * 4096)
        first = _read_response(sock)
        assert first.startswith(b"HTTP/1.1 413")
        if b"connection: close" not in first.lower():
            sock.sendall(f"GET /api/roster/experts HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n\r\n".encode())
            assert _read_response(sock).startswith(b"HTTP/1.1 200")


def _read_response(sock) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    lengths = [line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")]
    length = int(lengths[0])
    while len(body) < length:
        body += sock.recv(65536)
    return head


def test_every_path_the_gateway_does_not_own_is_the_portals(url, portal, roster):
    page = requests.get(f"{url}/roster/experts?page=2", cookies={"rso_portal_session": "abc"}, timeout=10)
    edge_question = requests.get(f"{url}/edge/decision", timeout=10)

    assert page.status_code == 200 and page.json()["path"] == "/roster/experts"
    assert portal.received[0]["headers"]["Cookie"] == "rso_portal_session=abc"
    assert edge_question.json()["path"] == "/edge/decision"  # the portal's (a 404 page there), never the gateway's
    assert roster.received == []


@pytest.mark.parametrize("path", ["/.well-known/jwks.json", "/oauth/authorize", "/admin/tenants", "/health/live",
                                  "/openapi.json", "/api"])
def test_the_gateways_own_paths_never_reach_the_portal(url, portal, path):
    requests.get(f"{url}{path}", timeout=10, allow_redirects=False)

    assert portal.received == []


def test_every_gateway_route_is_on_a_path_the_edge_sends_to_the_gateway(app):
    first_segments = {rule.rule.lstrip("/").split("/", 1)[0] for rule in app.url_map.iter_rules()}

    assert first_segments - {""} <= GATEWAY_PATHS | EDGE_PATHS | {"static"}


@pytest.mark.parametrize("path", ["openapi.json", "docs", "docs/oauth2-redirect", "health/ready", "public/x"])
def test_public_paths_need_no_token(url, roster, path):
    assert requests.get(f"{url}/api/roster/{path}", timeout=10).status_code == 200
    assert roster.received[-1]["path"] == f"/{path}"


def test_dot_segments_do_not_make_a_path_public(url, roster):
    response = requests.get(f"{url}/api/roster/health/%2e%2e/experts", timeout=10)

    assert response.status_code == 401
    assert roster.received == []


def test_unknown_services_and_every_metrics_path_answer_404(url, roster, auth_headers):
    unknown = requests.get(f"{url}/api/nothing/here", headers=auth_headers(), timeout=10)
    assert assert_problem(unknown, 404, "not-found")["services"] == ["roster", "training", "joint-action",
                                                                     "notification"]
    for path in ("/api/roster/metrics", "/api/roster/metrics/", "/api/roster/docs/../metrics", "/metrics"):
        assert_problem(requests.get(f"{url}{path}", headers=auth_headers(), timeout=10), 404, "not-found")
    assert roster.received == []


def test_index_lists_every_service_openapi_document(app):
    assert app.test_client().get("/api").get_json()["services"][0] == {
        "name": "roster", "openapi": "/api/roster/openapi.json", "docs": "/api/roster/docs"}


def test_the_edges_questions_stay_out_of_the_gateway_openapi_document(app):
    paths = app.test_client().get("/openapi.json").get_json()["paths"]

    assert not [path for path in paths if path.startswith(("/api", "/edge"))]


def test_the_decision_names_the_caller_and_counts_refusals(app, auth_headers):
    client = app.test_client()
    before = generate_latest(REGISTRY).decode()
    allowed = client.get("/edge/decision", headers=auth_headers(tenant="THA", sub="alice"))
    refused = client.get("/edge/decision")
    after = generate_latest(REGISTRY).decode()

    assert (allowed.status_code, allowed.headers["X-RSO-Caller"]) == (200, "THA:alice")
    assert refused.status_code == 401
    assert json.loads(refused.headers["X-RSO-Problem"]) == json.loads(refused.get_data())
    assert value(after, "rso_token_refusals_total", service="gateway", reason="missing_token") - value(
        before, "rso_token_refusals_total", service="gateway", reason="missing_token") == 1
