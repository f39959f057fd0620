"""Every service, the gateway included, keeps the platform's edge contract from day one."""

import pytest

import gateway
import joint_action_service
import notification_service
import roster_service
import training_service
from chassis.settings import ServiceSettings
from chassis.testing.infrastructure import free_port
from gateway.settings import GatewaySettings
from notification_service.settings import NotificationSettings

SERVICES = [gateway, roster_service, training_service, joint_action_service, notification_service]
SETTINGS = {"gateway": GatewaySettings, "notification": NotificationSettings}
pytestmark = [pytest.mark.integration, pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.SERVICE)]


def test_ready_with_database_and_broker_up(make_app, service):
    client = make_app(service.create_app, service.SERVICE, SETTINGS.get(service.SERVICE, ServiceSettings)).test_client()
    assert client.get("/health/live").status_code == 200
    ready = client.get("/health/ready")
    assert ready.status_code == 200, ready.get_json()


def test_not_ready_naming_the_broker_when_it_is_down(make_app, service):
    app = make_app(service.create_app, service.SERVICE, SETTINGS.get(service.SERVICE, ServiceSettings), amqp_url=f"amqp://guest:guest@127.0.0.1:{free_port()}/%2F")
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["failing"] == ["broker"]


def test_not_ready_naming_the_database_when_it_is_down(make_app, service):
    app = make_app(service.create_app, service.SERVICE, SETTINGS.get(service.SERVICE, ServiceSettings), mongodb_uri=f"mongodb://127.0.0.1:{free_port()}",
                   mongodb_timeout_ms=300)
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database"]


def test_openapi_document_is_served(make_app, service):
    client = make_app(service.create_app, service.SERVICE, SETTINGS.get(service.SERVICE, ServiceSettings)).test_client()
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"]
    assert "/health/ready" in spec["paths"]


def test_the_docs_page_works_without_internet(make_app, service):
    """Swagger UI's files come from the service itself (relative URLs, so also at /api/<service>/docs)."""
    client = make_app(service.create_app, service.SERVICE, SETTINGS.get(service.SERVICE, ServiceSettings)).test_client()
    page = client.get("/docs").get_data(as_text=True)
    assert 'src="docs/swagger-ui/swagger-ui-bundle.js"' in page and "https://" not in page
    asset = client.get("/docs/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200 and asset.mimetype in ("text/javascript", "application/javascript")
