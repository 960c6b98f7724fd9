"""The SPARQL endpoint is read-only on every route, makes no outbound call unless allow-listed, caps
query length, bodies and answers, and stops runaway queries while other clients are served."""

from __future__ import annotations

import threading
import time
from statistics import median

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app

JSON = {"Accept": "application/sparql-results+json"}
G = "http://example.org/g"
UPDATES = [
    "INSERT DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }",
    "DELETE DATA { <http://example.org/s> <http://example.org/p> <http://example.org/o> }",
    "DELETE WHERE { ?s ?p ?o }",
    "WITH <http://example.org/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://example.org/g>",
    "CLEAR ALL", "CLEAR DEFAULT", f"CLEAR GRAPH <{G}>",
    "DROP ALL", f"DROP SILENT GRAPH <{G}>",
    f"CREATE GRAPH <{G}>",
    f"ADD DEFAULT TO <{G}>", f"MOVE <{G}> TO DEFAULT", f"COPY DEFAULT TO <{G}>",
]


def _via_get(client, text):
    return client.get("/sparql", params={"query": text}, headers=JSON)


def _via_form_query(client, text):
    return client.post("/sparql", data={"query": text}, headers=JSON)


def _via_form_update(client, text):
    return client.post("/sparql", data={"update": text}, headers=JSON)


def _via_get_update(client, text):
    return client.get("/sparql", params={"update": text}, headers=JSON)


def _via_direct(client, text):
    return client.post("/sparql", content=text, headers={**JSON, "Content-Type": "application/sparql-query"})


def _via_sparql_update(client, text):
    return client.post("/sparql", content=text, headers={**JSON, "Content-Type": "application/sparql-update"})


ROUTES = [_via_get, _via_get_update, _via_form_query, _via_form_update, _via_direct, _via_sparql_update]


@pytest.mark.parametrize("update", UPDATES)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.__name__.removeprefix("_via_"))
def test_every_update_form_is_refused_on_every_route(client, store, route, update):
    triples = store.triple_count()
    response = route(client, update)
    assert 400 <= response.status_code < 500 and response.json()["detail"]
    assert store.triple_count() == triples


def test_service_is_refused_by_default_and_makes_no_connection(client, listener):
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    for route in (_via_get, _via_form_query, _via_direct):
        response = route(client, query)
        assert response.status_code == 400 and "SERVICE" in response.json()["detail"]
    silent = f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
    assert _via_get(client, silent).status_code == 400
    time.sleep(0.5)
    assert listener.connections == 0


def test_service_allow_list_lets_only_listed_endpoints_through(store, listener):
    from tests.security.conftest import Listener

    other = Listener()
    try:
        settings = Settings(write_tokens={}, query_workers=1, service_allowlist=frozenset({listener.url}))
        with TestClient(create_app(settings, store=store)) as allowed:
            refused = _via_get(allowed, f"SELECT * WHERE {{ SERVICE <{other.url}> {{ ?s ?p ?o }} }}")
            assert refused.status_code == 400 and "allow-list" in refused.json()["detail"]
            variable = _via_get(allowed, "SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }")
            assert variable.status_code == 400
            accepted = _via_get(allowed, f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
            assert accepted.status_code == 200, accepted.text
        time.sleep(0.3)
        assert listener.connections >= 1 and other.connections == 0
    finally:
        other.close()


def test_query_length_request_body_and_answer_size_are_capped(store):
    settings = Settings(write_tokens={}, query_workers=1, max_query_length=500, max_body_bytes=2000,
                        max_result_bytes=10_000)
    with TestClient(create_app(settings, store=store)) as capped:
        long_query = "ASK { ?s ?p ?o }" + " " * 600
        response = _via_get(capped, long_query)
        assert response.status_code == 400 and "longer than 500" in response.json()["detail"]
        body = "query=" + "%20" * 3000
        response = capped.post("/sparql", content=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert response.status_code == 413 and response.json()["detail"]

        def chunks():
            for _ in range(10):
                yield b"ASK { ?s ?p ?o }" + b" " * 400

        response = capped.post("/sparql", content=chunks(),
                               headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 413
        response = _via_get(capped, "SELECT * WHERE { ?s ?p ?o }")
        assert response.status_code == 413 and "LIMIT" in response.json()["detail"]
        assert _via_get(capped, "SELECT * WHERE { ?s ?p ?o } LIMIT 5").status_code == 200


PATHOLOGICAL = {
    "cross product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "deep property path": "SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
                          "|^<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
                          "|<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
                          "|^<http://www.w3.org/2000/01/rdf-schema#subClassOf>)* ?b . ?b ?p ?c . ?c ?q ?d }",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_a_pathological_query_is_stopped_while_others_keep_their_latency(store, name):
    """Over the in-memory store too (its queries run in worker processes loaded from a snapshot)."""
    settings = Settings(write_tokens={}, query_workers=2, query_timeout=3.0)
    cheap = "ASK { ?s a <https://w3id.org/carekg/def#Innovation> }"
    with TestClient(create_app(settings, store=store)) as client:
        def latency() -> float:
            start = time.perf_counter()
            answer = client.get("/sparql", params={"query": cheap, "x": str(start)}, headers=JSON)
            assert answer.status_code == 200
            return time.perf_counter() - start

        for _ in range(3):
            latency()
        quiet = median(latency() for _ in range(10))
        outcome = {}

        def runaway():
            start = time.perf_counter()
            outcome["response"] = _via_get(client, PATHOLOGICAL[name])
            outcome["elapsed"] = time.perf_counter() - start

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        busy = []
        while thread.is_alive() and len(busy) < 20:
            busy.append(latency())
        thread.join(timeout=30)
        response = outcome["response"]
        assert response.status_code in {503, 504} and "seconds" in response.json()["detail"]
        assert outcome["elapsed"] < 3.0 + 10  # stopped at the deadline, not run to the end
        assert busy and median(busy) < max(10 * quiet, 0.25), (quiet, busy)
        assert latency() < 2  # the killed worker was replaced
