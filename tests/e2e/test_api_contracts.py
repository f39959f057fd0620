"""Each running service against its own OpenAPI document, as an API fuzzer (schemathesis) sees it, with real
tokens: no server error, responses, content types and headers as documented, and invalid input refused.
Also: a connection kept alive after an early error answer (413, 401, 404) serves the next request."""

from __future__ import annotations

import http.client
import json
import socket

import hypothesis
import pytest
import requests
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
)

from infra.platform import Directory

pytestmark = pytest.mark.e2e
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, response_headers_conformance,
          negative_data_rejection]
FUZZED = ("roster", "training", "joint_action", "gateway")  # the gateway last: its admin API changes identities
EVERY_SERVICE_ROLE = ("roster_manager", "requesting_officer", "expert", "training_coordinator", "trainer", "trainee",
                      "case_officer", "jpa_coordinator", "auditor")
FUZZER = "fuzzer@police.go.th"
# Invalid input may also be refused as too large (a string past its maxLength can be past the body limit too).
CONFIG = schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": [
    "400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]}}})
EXAMPLES = 12  # per operation and kind (valid, invalid): the four services take a few minutes on two cores


@pytest.fixture(scope="module")
def tokens(platform) -> dict[str, str]:
    """A Thai officer holding every service role (most operations get past authorisation), and the platform
    admin's machine client for the gateway's administration API."""
    directory = Directory(platform)
    directory.tenant("THA")
    directory.person("THA", FUZZER, *EVERY_SERVICE_ROLE)
    person = directory.signed_in(FUZZER).session.headers["Authorization"]
    admin = directory.admin.session.headers["Authorization"]
    return {"roster": person, "training": person, "joint_action": person, "gateway": admin}


def exercise(operation, mode: GenerationMode, session: requests.Session, token: str) -> None:
    """`EXAMPLES` cases of one kind for one operation (fixed seed, no shrinking: the run stays bounded)."""

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                         suppress_health_check=list(hypothesis.HealthCheck))
    def call(case):
        case.call_and_validate(session=session, headers={"Authorization": token}, checks=CHECKS, timeout=30)

    call()


@pytest.mark.parametrize("service", FUZZED)
def test_every_operation_keeps_its_document(platform, tokens, service):
    """Valid and invalid requests to every operation (schemathesis); every finding is listed at the end."""
    schema = schemathesis.openapi.from_url(f"{platform.url(service)}/openapi.json", config=CONFIG)
    session = requests.Session()
    findings: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                exercise(operation, mode, session, tokens[service])
            except hypothesis.errors.Unsatisfiable:
                pass  # nothing to make invalid: the operation takes no input
            except (Exception, FailureGroup) as finding:  # schemathesis's findings, or what the request raised
                findings[f"{operation.label} ({mode.value})"] = _summary(finding)
    assert not findings, "\n\n".join(f"{name}: {text}" for name, text in findings.items())


def _summary(finding: BaseException) -> str:
    parts = [str(part) for part in getattr(finding, "exceptions", ())] or [str(finding)]
    return "\n".join(part[:1200] for part in parts)


def test_every_document_is_valid_openapi(platform):
    from openapi_spec_validator import validate

    for service in FUZZED:
        validate(requests.get(f"{platform.url(service)}/openapi.json", timeout=10).json())


def _two_requests_on_one_connection(port: int, prefix: str, path: str, body: bytes,
                                    headers: dict[str, str]) -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/json", **headers}
        connection.request("POST", f"{prefix}/{path}", body=body, headers=headers)
        first = connection.getresponse()
        first.read()
        connection.request("GET", f"{prefix}/health/live")  # on the same connection, unless the answer said close
        second = connection.getresponse()
        second.read()
        return first.status, second.status
    finally:
        connection.close()


@pytest.mark.parametrize(("size", "with_token", "path", "expected"), [
    (2_000_000, True, "experts", 413),  # over the limit (1 MiB): answered unread, then drained
    (900_000, False, "experts", 401),  # within the limit, refused unread: drained too
    (900_000, True, "no-such-thing", 404),
])
def test_a_connection_serves_the_next_request_after_an_early_error(platform, tokens, size, with_token, path,
                                                                      expected):
    body = json.dumps({"title": "x" * size}).encode()
    headers = {"Authorization": tokens["roster"]} if with_token else {}
    for port, prefix in ((platform.ports["roster"], ""), (platform.ports["edge"], "/api/roster")):
        statuses = [_two_requests_on_one_connection(port, prefix, path, body, headers) for _ in range(5)]
        assert statuses == [(expected, 200)] * 5, (prefix, statuses)


def test_a_request_the_web_server_cannot_parse_is_answered_with_a_problem(platform):
    """gunicorn's own answer (a control character in a header), on a service and on the gateway."""
    for port in (platform.ports["roster"], platform.ports["edge"]):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(b"GET /health/live HTTP/1.1\r\nHost: rso\r\nConnection: close\r\nX-Note: a\x01b\r\n\r\n")
            answer = b""
            while chunk := connection.recv(4096):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 400") and b"Content-Type: application/problem+json" in head
        assert json.loads(body)["status"] == 400


@pytest.mark.parametrize("path", [
    "/api/joint-action/cases?q=a%00b", "/api/joint-action/items?q=a%00b",
    "/api/roster/experts?page=4611686018427387905", "/api/training/modules?page=4611686018427387905",
    "/api/joint-action/cases?page=4611686018427387905", "/admin/audit?page=4611686018427387905",
])
def test_the_fuzzers_server_errors_are_422s_naming_the_parameter(platform, tokens, path):
    token = tokens["gateway"] if path.startswith("/admin") else tokens["roster"]
    response = requests.get(f"{platform.gateway}{path}", headers={"Authorization": token}, timeout=30)
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert [row["location"] for row in response.json()["errors"]] == ["query"]
