"""Every error is problem+json; request ids flow; OpenAPI, docs and health probes are served."""

import pytest

from chassis.tests.sample_service import Note

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


def case_officer(auth_headers, tenant="THA"):
    return auth_headers(tenant=tenant, roles=["case_officer"])


def test_validation_error_names_each_offending_field_and_writes_nothing(app, client, auth_headers):
    response = client.post("/notes", json={"title": "", "fail_after_write": "maybe"},
                           headers=case_officer(auth_headers))
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == "urn:rso:problem:validation-error"
    assert {row["field"] for row in body["errors"]} == {"title", "fail_after_write"}
    assert all(row["location"] == "json" for row in body["errors"])
    assert Note.across_tenants("test").count() == 0


def test_malformed_json_is_a_problem(client, auth_headers):
    response = client.post("/notes", data="{not json", content_type="application/json",
                           headers=case_officer(auth_headers))
    assert response.status_code == 400
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize(("method", "path", "status"), [
    ("get", "/no-such-thing", 404),
    ("delete", "/notes", 405),
])
def test_routing_errors_are_problems(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    assert response.get_json()["status"] == status


def test_method_not_allowed_lists_allowed_methods(client):
    body = client.delete("/notes").get_json()
    assert "POST" in body["allowed_methods"]


def test_unsupported_body_type_is_415(client, auth_headers):
    response = client.post("/notes", data="title=x", content_type="application/x-www-form-urlencoded",
                           headers=case_officer(auth_headers))
    assert response.status_code == 415
    assert response.get_json()["accepted_media_types"] == ["application/json"]


def test_a_body_to_a_path_without_a_route_is_not_judged_by_its_type(client):
    """No route, no media type to hold it to: the app's 404 (the gateway forwards such paths to the portal, whose
    file uploads are multipart)."""
    response = client.post("/no-such-page", data=b"--x--", content_type="multipart/form-data; boundary=x")
    assert response.status_code == 404


def test_oversized_body_is_413(app, client, auth_headers):
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/notes", json={"title": big}, headers=case_officer(auth_headers))
    assert response.status_code == 413
    assert response.mimetype == PROBLEM


def test_unexpected_failure_is_500_problem_without_trace_and_rolls_back(client, auth_headers):
    response = client.post("/notes", json={"title": "doomed", "fail_after_write": True},
                           headers=case_officer(auth_headers))
    assert response.status_code == 500
    assert response.mimetype == PROBLEM
    assert "Traceback" not in response.get_data(as_text=True)
    assert "failure after the write" not in response.get_data(as_text=True)
    assert Note.across_tenants("test").count() == 0


def test_request_id_is_propagated_or_generated(client):
    echoed = client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    generated = client.get("/health/live", headers={"X-Request-ID": "bad id with spaces"})
    assert generated.headers["X-Request-ID"] not in ("", "bad id with spaces")
    problem = client.get("/missing", headers={"X-Request-ID": "req-9"}).get_json()
    assert problem["request_id"] == "req-9"


def test_openapi_document_and_docs_page(client):
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/notes" in spec["paths"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    assert client.get("/docs").status_code == 200


def test_ready_when_database_and_broker_answer(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "broker": "ok"}


def test_not_ready_names_the_broker_when_it_is_down(make_app):
    from chassis.testing.infrastructure import free_port
    from chassis.tests import sample_service

    app = make_app(sample_service.create_app, sample_service.SERVICE,
                   amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == "ok"


def test_not_ready_names_the_database_when_it_is_down(make_app):
    from chassis.testing.infrastructure import free_port
    from chassis.tests import sample_service

    app = make_app(sample_service.create_app, sample_service.SERVICE,
                   mongodb_uri=f"mongodb://127.0.0.1:{free_port()}", mongodb_timeout_ms=300)
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database"]
