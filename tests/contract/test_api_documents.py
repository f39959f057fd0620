"""Every service's OpenAPI document is valid and says what the service does, and the service keeps to it."""

import re

import pytest
from openapi_spec_validator import validate

import gateway
import joint_action_service
import notification_service
import roster_service
import training_service
from chassis.settings import ServiceSettings
from gateway.settings import GatewaySettings
from notification_service.settings import NotificationSettings

SERVICES = [gateway, roster_service, training_service, joint_action_service, notification_service]
SETTINGS = {gateway: GatewaySettings, notification_service: NotificationSettings}
pytestmark = [pytest.mark.integration, pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.SERVICE)]
SOME_ID = "0" * 24


@pytest.fixture
def client(make_app, service):
    return make_app(service.create_app, service.SERVICE, SETTINGS.get(service, ServiceSettings)).test_client()


@pytest.fixture
def token(client, service, token_issuer):
    """Any valid token: the required-body rule comes before any role check."""
    claims = dict(tenant="RSO", roles=["platform_admin"])
    if service is gateway:
        from gateway.identity import keys

        with client.application.app_context():
            claims["key"] = keys.active_key()
    return {"Authorization": f"Bearer {token_issuer.mint(**claims)}"}


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method != "parameters":
                yield method, path, operation


def test_the_document_is_valid_openapi_with_an_operation_id_each(client, service):
    document = client.get("/openapi.json").get_json()
    validate(document)
    ids = [operation.get("operationId") for _, _, operation in operations(document)]
    assert None not in ids and len(set(ids)) == len(ids)


def test_errors_are_documented_as_problems_and_protected_operations_say_so(client, service):
    document = client.get("/openapi.json").get_json()
    for method, path, operation in operations(document):
        url = re.sub(r"\{[^}]+\}", SOME_ID, path)
        if operation.get("security"):
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
            assert getattr(client, method)(url).status_code == 401, (method, path)
        elif method == "get":  # documented as open: it must not want a token after all
            assert client.get(url).status_code != 401, path
    for name, response in document["components"]["responses"].items():
        assert set(response.get("content", {})) <= {"application/problem+json"}, name


def test_every_required_body_is_required(client, service, token):
    """Whatever the view: a request without the body its document requires is a 422, before the view runs."""
    document = client.get("/openapi.json").get_json()
    required = [(method, path) for method, path, operation in operations(document)
                if operation.get("requestBody", {}).get("required")]
    assert required
    for method, path in required:
        response = getattr(client, method)(re.sub(r"\{[^}]+\}", SOME_ID, path), headers=token)
        assert response.status_code == 422, (method, path, response.status_code)
        assert response.get_json()["errors"][0]["field"] == "_schema"
