"""Servers started by these tests are stopped at the end of the session (see servers.py)."""

from __future__ import annotations

from stores import servers


def pytest_sessionfinish(session):
    servers.stop_all()
