import threading
from types import SimpleNamespace

import pytest
from werkzeug.serving import make_server

from chassis import context
from chassis.testing import oauth
from chassis.testing.infrastructure import free_port
from gateway import SERVICE, create_app
from gateway.identity import keys
from gateway.identity.models import OAuthClient, Tenant, User, hash_secret
from gateway.settings import GatewaySettings


@pytest.fixture
def app(make_app):
    return make_app(create_app, SERVICE, GatewaySettings)


@pytest.fixture
def auth_headers(token_issuer):
    """Tokens signed with the gateway's own active key, which is what the gateway trusts."""

    def headers(**claims) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_issuer.mint(key=keys.active_key(), **claims)}"}

    return headers


@pytest.fixture
def gateway_overrides() -> dict:
    """Settings for `live_gateway`; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def live_gateway(make_app, gateway_overrides):
    """The gateway served over real HTTP, as OAuth clients and services reach it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = make_app(create_app, SERVICE, GatewaySettings, oauth_issuer=url, jwks_url=f"{url}/.well-known/jwks.json",
                   **gateway_overrides)
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


@pytest.fixture
def register_user():
    """Store a tenant (if new) and an active person of it with a password; return the user."""

    def register(email, *, tenant="THA", roles=("case_officer",), password="correct horse battery staple",
                 display_name=None, password_change_required=False):
        if Tenant.objects(code=tenant).first() is None:
            Tenant(code=tenant, name=f"Tenant {tenant}", kind="member_state").save()
        with context.bound(tenant=tenant):
            return User(email=email, display_name=display_name or email.split("@")[0], roles=list(roles),
                        password_hash=hash_secret(password), password_change_required=password_change_required).save()

    return register


@pytest.fixture
def register_app():
    """Store a client that signs people in (authorization_code + refresh_token); public unless a secret is given."""

    def register(client_id, *, tenant="THA", redirect_uri="https://app.example.org/callback", secret=None,
                 post_logout_redirect_uris=()):
        if Tenant.objects(code=tenant).first() is None:
            Tenant(code=tenant, name=f"Tenant {tenant}", kind="member_state").save()
        with context.bound(tenant=tenant):
            return OAuthClient(
                client_id=client_id, name=f"App {client_id}", confidential=secret is not None,
                client_secret_hash=hash_secret(secret) if secret else None, redirect_uris=[redirect_uri],
                post_logout_redirect_uris=list(post_logout_redirect_uris),
                grant_types=["authorization_code", "refresh_token"], scopes=["api"],
            ).save()

    return register


@pytest.fixture
def sign_in(live_gateway):
    """Run the browser flow with PKCE for a public app and a person; return the token response."""

    def run(client_id, email, password="correct horse battery staple") -> dict:
        return oauth.sign_in(live_gateway.url, client_id, email, password)

    return run
