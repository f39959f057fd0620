"""pytest fixtures for every package: real database and broker, trusted test tokens, service apps.

- `rso_mongodb_uri`: MONGODB_URI if a server answers there, else an embedded SecantusDB for this run.
- `rso_amqp_url`: a RabbitMQ vhost of this run's own (created with rabbitmqctl, deleted afterwards).
- `token_issuer`: mints RS256 tokens; its JWKS is served on a real local port.
- `make_settings(service)`, `make_app(create_app, service)`: settings/app wired to all of the above,
  each service on a database of its own for this run; documents are wiped after each test.
- `client` (needs an `app` fixture in the package's conftest) and `auth_headers(**claims)`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pymongo
import pytest
from flask import Flask

from chassis.settings import ServiceSettings
from chassis.testing.infrastructure import mongodb, rabbitmq_vhost
from chassis.testing.tokens import TestTokenIssuer


@pytest.fixture(scope="session")
def rso_run_id() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
def rso_mongodb_uri(rso_run_id):
    with mongodb() as uri:
        yield uri
        client = pymongo.MongoClient(uri)
        for name in client.list_database_names():
            if name.startswith(f"rso_test_{rso_run_id}_"):
                client.drop_database(name)
        client.close()


@pytest.fixture(scope="session")
def rso_amqp_url(rso_run_id):
    with rabbitmq_vhost(f"rso-test-{rso_run_id}") as url:
        yield url


@pytest.fixture(scope="session")
def token_issuer():
    issuer = TestTokenIssuer()
    yield issuer
    issuer.close()


@pytest.fixture
def make_settings(rso_mongodb_uri, rso_amqp_url, token_issuer, rso_run_id) -> Callable[..., ServiceSettings]:
    def make(service: str, settings_class: type[ServiceSettings] = ServiceSettings, **overrides) -> ServiceSettings:
        values = {
            "mongodb_uri": rso_mongodb_uri,
            "mongodb_database": f"rso_test_{rso_run_id}_{service}",
            "mongodb_timeout_ms": 2000,
            "amqp_url": rso_amqp_url,
            "oauth_issuer": token_issuer.issuer,
            "oauth_audience": token_issuer.audience,
            "jwks_url": token_issuer.jwks_url,
            "jwks_min_refresh_seconds": 0.0,
            "log_json": False,
            "log_level": "WARNING",
            "consumer_retry_delays_ms": (50, 100, 150),
            "relay_poll_seconds": 0.05,
        }
        values.update(overrides)
        return settings_class.from_env(service, environ={}, **values)

    return make


def _wipe(mongodb_uri: str, database_name: str) -> None:
    """Empty every collection but keep it and its indexes (mongoengine caches both per process)."""
    client = pymongo.MongoClient(mongodb_uri)
    database = client[database_name]
    for name in database.list_collection_names():
        if not name.startswith("system."):
            database[name].delete_many({})
    client.close()


@pytest.fixture
def make_app(make_settings, rso_mongodb_uri):
    used: list[ServiceSettings] = []

    def make(factory: Callable[[ServiceSettings], Flask], service: str,
             settings_class: type[ServiceSettings] = ServiceSettings, **overrides) -> Flask:
        settings = make_settings(service, settings_class, **overrides)
        used.append(settings)
        app = factory(settings)
        app.config["TESTING"] = True
        return app

    yield make
    for database_name in {settings.mongodb_database for settings in used}:
        _wipe(rso_mongodb_uri, database_name)


@pytest.fixture
def settings(app: Flask) -> ServiceSettings:
    """The settings of the package's `app`."""
    return app.extensions["rso.settings"]


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def auth_headers(token_issuer) -> Callable[..., dict[str, str]]:
    def headers(**claims) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_issuer.mint(**claims)}"}

    return headers
