"""The service over the curated dataset: one app and one client per store back-end for the session.

The ``store`` fixture is parametrised over the embedded pyoxigraph store (tests/conftest.py) and two
real SPARQL servers started on loopback for the session (tests/stores/servers.py): an Oxigraph server
and Virtuoso, each loaded with the curated dataset through carekg's own SPARQL adapter (the same code
``carekg load --store sparql+http://...`` runs). Every test that uses ``store``, ``app`` or ``client``
therefore runs three times, with ids ``[embedded]``, ``[oxigraph-server]`` and ``[virtuoso]``.
``CAREKG_TEST_BACKENDS=embedded`` (a comma-separated subset) narrows that for a quick local run.

A test that a back-end cannot pass is marked through ``BACKEND_XFAILS`` below, each with its reason;
docs/deploy.md lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import served_api
from fastapi.testclient import TestClient
from stores import servers

from api.main import create_app
from carekg.loader import load
from carekg.store import get_store

#: (test node name prefix, back-end) -> why that back-end cannot pass it. Listed in docs/deploy.md.
BACKEND_XFAILS: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="session", params=servers.ACTIVE_BACKENDS)
def store(request, store, dataset_files):
    """The curated dataset in the back-end named by the parameter (``store`` in the arguments is the
    in-memory store of tests/conftest.py)."""
    if request.param == "embedded":
        yield store
        return
    remote = servers.remote_store(request.param)
    load(remote, dataset_files)
    yield remote
    remote.close()


@pytest.fixture(scope="session")
def backend(store) -> str:
    """The name of the back-end under test (``embedded``, ``oxigraph-server`` or ``virtuoso``)."""
    return "embedded" if store.name != "sparql" else ("virtuoso" if "sparql-graph-crud" in store.gsp
                                                          else "oxigraph-server")


@pytest.fixture(scope="session")
def app(store):
    """The app over the session's store for this back-end."""
    return create_app(store=store)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


@dataclass(frozen=True)
class Served:
    base: str  #: the server's base URL
    store: str  #: the descriptor of the store it serves, opened read-only (tests may open it too)


@pytest.fixture(scope="session")
def served(dataset_files, tmp_path_factory) -> Iterator[Served]:
    """A real uvicorn process serving the curated dataset from an on-disk store (loaded here, after the
    session's in-memory store has cached the reasoner's graph) opened read-only, with one query worker."""
    path = tmp_path_factory.mktemp("served") / "store"
    disk = get_store(f"oxigraph:{path}")
    load(disk, dataset_files)
    disk.close()
    env = {"CAREKG_STORE": f"oxigraph-ro:{path}", "CAREKG_QUERY_WORKERS": "1", "CAREKG_QUERY_TIMEOUT": "20"}
    with served_api.serving(env) as base:
        yield Served(base, env["CAREKG_STORE"])


def pytest_collection_modifyitems(items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("store") if callspec else None
        for (prefix, name), reason in BACKEND_XFAILS.items():
            if backend == name and item.name.startswith(prefix):
                item.add_marker(pytest.mark.xfail(reason=f"{name}: {reason}", strict=True))


def pytest_sessionfinish(session):
    servers.stop_all()
