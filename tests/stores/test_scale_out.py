"""Several API processes in front of one SPARQL server, loaded through `carekg load`, and what the
service does when that server goes away or stops answering.

Real processes throughout: an Oxigraph server (scripts/oxigraph-server.sh), `carekg load --store
sparql+http://...` in a subprocess, two uvicorn processes serving the API from that server.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import served_api
from fastapi.testclient import TestClient

from api.main import create_app
from carekg import paths
from carekg.store import StoreError, get_store
from stores import servers

NEW = "replica-check-innovation"
NEW_TTL = f"""@prefix ckg: <https://w3id.org/carekg/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/carekg/id/innovation/{NEW}> a ckg:Innovation ; rdfs:label "Replica check innovation"@en .
"""


def _carekg(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "carekg.cli", "--quiet", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=paths.ROOT)


@pytest.fixture(scope="module")
def oxigraph() -> servers.Server:
    """An Oxigraph server of this module's own (the API suite's servers stay untouched)."""
    return servers.server("oxigraph-server", "replicas")


@pytest.fixture(scope="module")
def replicas(oxigraph, store) -> Iterator[list[str]]:
    """Two uvicorn processes serving the API from the one Oxigraph server, after `carekg load` filled
    it. Depends on the session store so HermiT's classification is already cached on disk."""
    loaded = _carekg("load", "--store", oxigraph.descriptor)
    assert loaded.returncode == 0, loaded.stderr
    processes = [served_api.start({"CAREKG_STORE": oxigraph.descriptor}) for _ in range(2)]
    try:
        for process, base in processes:
            served_api.wait_until_up(process, base)
        yield [base for _, base in processes]
    finally:
        for process, _ in processes:
            served_api.stop(process)


def _version(base: str) -> str:
    response = httpx.get(f"{base}/version", headers={"Accept": "application/json"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["dataset_version"]


def test_a_load_through_carekg_is_served_by_every_replica(replicas, oxigraph, tmp_path):
    first = {_version(base) for base in replicas}
    assert len(first) == 1 and None not in first
    for base in replicas:  # each replica now holds the innovation list in its caches, twice over
        for _ in range(2):
            listed = httpx.get(f"{base}/innovations", params={"limit": 500}, timeout=10).json()
            assert NEW not in {item["id"] for item in listed["data"]}
        assert httpx.get(f"{base}/innovations/{NEW}", timeout=10).status_code == 404

    extra = tmp_path / "extra.ttl"
    extra.write_text(NEW_TTL, encoding="utf-8")
    data = [arg for path in sorted(paths.DATA_DIR.rglob("*.ttl")) for arg in ("--data", str(path))]
    loaded = _carekg("load", "--store", oxigraph.descriptor, *data, "--data", str(extra), "--no-reasoner")
    assert loaded.returncode == 0, loaded.stderr

    # Each replica re-reads the version from the server at most once a second (version_ttl=1).
    deadline = time.monotonic() + 15
    while {_version(base) for base in replicas} != {_version(replicas[0])} or _version(replicas[0]) in first:
        assert time.monotonic() < deadline, "the replicas did not pick up the new version"
        time.sleep(0.25)
    second = {_version(base) for base in replicas}
    assert len(second) == 1 and not second & first
    for base in replicas:
        listed = httpx.get(f"{base}/innovations", params={"limit": 500}, timeout=10).json()
        assert NEW in {item["id"] for item in listed["data"]}
        assert httpx.get(f"{base}/innovations/{NEW}", timeout=10).status_code == 200


def test_carekg_load_says_when_the_server_is_down():
    descriptor = f"sparql+http://127.0.0.1:{servers.free_port()}/query"
    started = time.monotonic()
    run = _carekg("load", "--store", descriptor, timeout=60)
    assert run.returncode == 3, run.stdout + run.stderr
    assert "unavailable" in run.stderr
    assert time.monotonic() - started < 30


def test_the_api_answers_503_while_the_server_is_down_and_recovers(store):
    """Stop the server mid-session: uncached requests get 503 (not a hang, not a 500); start it
    again on the same port and folder: the same app answers again."""
    outage = servers.server("oxigraph-server", "outage")
    remote = get_store(outage.descriptor)
    remote.replace_dataset({"https://example.org/g": [paths.ROOT / "tests" / "stores" / "tiny.ttl"]})
    remote.set_version("outage-1")
    with TestClient(create_app(store=remote)) as client:
        query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        assert client.get("/sparql", params={"query": query}).status_code == 200
        outage.stop()
        started = time.monotonic()
        for path, params in (("/sparql", {"query": query + " # not cached"}), ("/innovations", {}),
                             ("/version", {})):
            response = client.get(path, params=params, headers={"Accept": "application/json"})
            assert response.status_code == 503, (path, response.status_code, response.text)
            assert "store" in response.json()["detail"]
        assert time.monotonic() - started < 20, "a down server must not make requests hang"
        outage.start()
        time.sleep(1.1)  # version_ttl
        assert client.get("/sparql", params={"query": query + " # back"}).status_code == 200
    remote.close()


@pytest.fixture()
def black_hole() -> Iterator[int]:
    """A port that accepts connections and never answers: a server that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_a_server_that_does_not_answer_times_out_into_503(black_hole):
    remote = get_store(f"sparql+http://127.0.0.1:{black_hole}/query?timeout=1&version_ttl=0")
    with pytest.raises(StoreError, match="did not answer in time"):
        remote.dataset_version()
    with TestClient(create_app(store=remote)) as client:
        started = time.monotonic()
        response = client.get("/innovations", headers={"Accept": "application/json"})
        assert response.status_code == 503
        assert time.monotonic() - started < 10
    remote.close()


@pytest.mark.parametrize("descriptor", [
    "sparql+ftp://127.0.0.1/x", "sparql+http://127.0.0.1:1/q?timeout=soon",
    "sparql+http://127.0.0.1:1/q?timeout=-1", "sparql+http://127.0.0.1:1/q?auth=kerberos",
])
def test_bad_descriptors_are_refused_with_a_message(descriptor):
    with pytest.raises(StoreError):
        get_store(descriptor)


def test_descriptor_options_stay_out_of_the_endpoint_url():
    remote = get_store("sparql+http://u:p@127.0.0.1:9/sparql?gsp=/crud&timeout=2&auth=digest"
                       "&default-graph-uri=x")
    assert remote.endpoint == "http://127.0.0.1:9/sparql?default-graph-uri=x"
    assert remote.gsp == "http://127.0.0.1:9/crud"
    remote.close()
