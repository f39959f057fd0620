import pytest

from portal import SERVICE, create_app
from portal.settings import PortalSettings

CLIENT_SECRET = "a-portal-client-secret-for-tests"


@pytest.fixture
def app(make_app):
    return make_app(create_app, SERVICE, PortalSettings, portal_client_secret=CLIENT_SECRET)
