import pytest

from chassis.testing.tenants import tenants_exist
from training_service import SERVICE, create_app
from training_service.tests.builders import Actors

# The tenants the tests' people belong to, known to the service as the gateway's events would make them.
TENANTS = ("THA", "IDN", "PHL", "IOM", "UNHCR")


@pytest.fixture
def app(make_app):
    app = make_app(create_app, SERVICE)
    tenants_exist(*TENANTS)
    return app




@pytest.fixture
def actors(auth_headers) -> Actors:
    return Actors(auth_headers)
