"""The service over the curated dataset: one app and one client for the whole session."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.main import create_app


@pytest.fixture(scope="session")
def app(store):
    """The app over the session's in-memory store (see tests/conftest.py)."""
    return create_app(store=store)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app) as test_client:
        yield test_client
