import pytest
from fastapi.testclient import TestClient

from soundclone.api.app import create_app
from soundclone.store.queue import create_queue
from tests.conftest import make_customer


@pytest.fixture
def queue(settings):
    return create_queue(settings)


@pytest.fixture
def client(settings, sessions, clock, queue):
    with TestClient(create_app(settings, clock=clock, queue=queue)) as client:
        yield client


@pytest.fixture
def customer(sessions, clock):
    return make_customer(sessions, balance=10_000_000, now=clock())
