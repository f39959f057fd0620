import pytest

from training_service import SERVICE, create_app
from training_service.tests.builders import Actors


@pytest.fixture
def app(make_app):
    return make_app(create_app, SERVICE)




@pytest.fixture
def actors(auth_headers) -> Actors:
    return Actors(auth_headers)
