import threading
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from chassis import context
from chassis.testing.infrastructure import free_port
from gateway import SERVICE, create_app
from gateway.identity.models import OAuthClient, Tenant, hash_secret
from gateway.settings import GatewaySettings


@pytest.fixture
def app(make_app):
    return make_app(create_app, SERVICE, GatewaySettings)


@pytest.fixture
def live_gateway(make_app):
    """The gateway served over real HTTP, as OAuth clients and services reach it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = make_app(create_app, SERVICE, GatewaySettings, oauth_issuer=url, jwks_url=f"{url}/.well-known/jwks.json")
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=url, app=app, settings=app.extensions["rso.settings"])
    server.shutdown()
    thread.join(5)


@pytest.fixture
def register_client():
    """Store a tenant (if new) and a confidential machine client of it; return (client_id, secret)."""

    def register(tenant="THA", roles=("case_officer",), client_id=None, tenant_status="active"):
        client_id = client_id or f"{tenant.lower()}-case-system"
        secret = f"secret-of-{client_id}-0123456789"
        if Tenant.objects(code=tenant).first() is None:
            Tenant(code=tenant, name=f"Tenant {tenant}", kind="member_state", status=tenant_status).save()
        with context.bound(tenant=tenant):
            OAuthClient(client_id=client_id, client_secret_hash=hash_secret(secret), name=client_id,
                        grant_types=["client_credentials"], roles=list(roles), scopes=["api"]).save()
        return client_id, secret

    return register
