"""The gateway's OpenAPI document says what it answers: the audit export's CSV, the OAuth endpoints' RFC 6749
error objects (never problem documents), and no operations for the browser pages."""

import pytest

pytestmark = pytest.mark.integration
OAUTH_ENDPOINTS = ("/oauth/token", "/oauth/introspect", "/oauth/revoke")


@pytest.fixture
def document(client):
    return client.get("/openapi.json").get_json()


def test_the_audit_export_documents_its_csv_answer(document):
    answers = document["paths"]["/admin/audit/export"]["get"]["responses"]["200"]["content"]

    assert set(answers) == {"application/json", "text/csv"}


@pytest.mark.parametrize("path", OAUTH_ENDPOINTS)
def test_oauth_endpoints_document_their_errors_as_rfc_6749_error_objects(document, path):
    responses = document["paths"][path]["post"]["responses"]

    for status in ("400", "401", "413", "429"):
        assert responses[status]["content"] == {
            "application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}, status
    assert "Retry-After" in responses["429"]["headers"]


def test_the_browser_pages_are_not_api_operations(document, client):
    assert "/oauth/authorize" not in document["paths"] and "/oauth/logout" not in document["paths"]
    assert client.get("/oauth/logout").mimetype == "text/html"  # still served, as pages
