"""The chassis rules every service's API keeps: input no view should see is refused before any view runs, a
dependency that is down is a 503, and the OpenAPI document says what the service does."""

import pytest
from openapi_spec_validator import validate

from chassis.testing.infrastructure import embedded_mongodb
from chassis.tests import sample_service
from chassis.tests.sample_service import Note

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


@pytest.fixture
def officer(auth_headers):
    return auth_headers(tenant="THA", roles=["case_officer"])


def fields(response, location=None):
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return {row["field"] for row in response.get_json()["errors"] if location in (None, row["location"])}


def test_a_required_body_cannot_be_left_out(client, officer):
    note = client.post("/notes", json={"title": "kept"}, headers=officer).get_json()
    for request in (dict(), dict(data=b"", content_type="application/json")):
        response = client.patch(f"/notes/{note['id']}", headers=officer, **request)
        assert fields(response) == {"_schema"}
        assert "body is required" in response.get_json()["errors"][0]["message"]
    assert client.patch(f"/notes/{note['id']}", json={}, headers=officer).status_code == 200  # an empty change


@pytest.mark.parametrize(("query", "field"), [
    ("q=a%00b", "q"),
    ("page=4611686018427387905", "page"),
    ("page=10001", "page"),
])
def test_query_values_no_database_takes_are_422(client, officer, query, field):
    assert fields(client.get(f"/notes?{query}", headers=officer), "query") == {field}


def test_the_last_page_allowed_is_an_ordinary_empty_page(client, officer):
    response = client.get("/notes?page=10000&page_size=100", headers=officer)
    assert response.status_code == 200 and response.get_json() == []


@pytest.mark.parametrize(("body", "field"), [
    ('{"title": "a\\u0000b"}', "title"),
    ('{"title": "broken \\ud800 text"}', "title"),
    ('{"title": "ok", "fail_after_write": 99999999999999999999}', "fail_after_write"),
    ('{"title": "ok", "a\\u0000key": 1}', "a\\x00key"),
])
def test_body_values_no_database_takes_are_422_and_nothing_is_written(client, officer, body, field):
    response = client.post("/notes", data=body, content_type="application/json", headers=officer)
    assert fields(response, "json") == {field}
    assert Note.across_tenants("test").count() == 0


def test_path_values_no_database_takes_are_422(client, officer):
    assert fields(client.get("/notes/a%00b", headers=officer), "path") == {"note_id"}


def test_readiness_names_what_is_down_and_nothing_more(make_app):
    from chassis.testing.infrastructure import free_port

    port = free_port()
    app = make_app(sample_service.create_app, sample_service.SERVICE, amqp_url=f"amqp://guest:guest@127.0.0.1:{port}/%2F")
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503 and response.headers["Retry-After"]
    body = response.get_json()
    assert body["checks"] == {"database": "ok", "broker": "unavailable"}
    assert str(port) not in response.get_data(as_text=True)
    assert "Error" not in response.get_data(as_text=True)


def test_requests_while_the_database_is_down_are_503_with_retry_after(make_app, officer):
    with embedded_mongodb() as database:
        app = make_app(sample_service.create_app, sample_service.SERVICE, mongodb_uri=database.uri,
                       mongodb_database="outage", mongodb_timeout_ms=500)
        client = app.test_client()
        created = client.post("/notes", json={"title": "before"}, headers=officer)
        assert created.status_code == 201
        database.stop()
        for method, path, body in (("get", "/notes", None), ("get", f"/notes/{created.get_json()['id']}", None),
                                   ("post", "/notes", {"title": "during"})):
            response = getattr(client, method)(path, json=body, headers=officer)
            assert response.status_code == 503, response.get_data(as_text=True)
            assert response.mimetype == PROBLEM
            assert int(response.headers["Retry-After"]) >= 1
            assert "127.0.0.1" not in response.get_data(as_text=True)


def test_the_document_tells_the_truth(client):
    spec = client.get("/openapi.json").get_json()
    validate(spec)
    operations = {(method, path): operation for path, item in spec["paths"].items()
                  for method, operation in item.items() if method != "parameters"}
    assert len({operation["operationId"] for operation in operations.values()}) == len(operations)
    listing, patch = operations["get", "/notes"], operations["patch", "/notes/{note_id}"]
    assert listing["security"] == [{"bearerAuth": []}, {"oauth2": []}]
    assert "security" not in operations["get", "/health/live"]
    assert {"401", "403", "422", "503"} <= set(listing["responses"])
    assert {"401", "403", "404", "409", "413", "415", "422", "503"} <= set(patch["responses"])
    assert patch["requestBody"]["required"] is True
    page = next(parameter for parameter in listing["parameters"] if parameter["name"] == "page")
    assert page["schema"]["maximum"] == 10_000
    header = spec["components"]["headers"]["PAGINATION"]
    assert "schema" not in header and "application/json" in header["content"]
    for name, response in spec["components"]["responses"].items():
        if name[:1].isalpha() and "content" in response:
            assert list(response["content"]) == [PROBLEM], name
    flows = spec["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"].endswith("/oauth/token")
    assert flows["authorizationCode"]["authorizationUrl"].endswith("/oauth/authorize")
