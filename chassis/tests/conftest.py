import pytest

from chassis.tests import sample_service


@pytest.fixture
def app(make_app):
    return make_app(sample_service.create_app, sample_service.SERVICE)
