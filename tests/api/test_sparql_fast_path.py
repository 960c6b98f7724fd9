"""The short path of /sparql queries (api/sparql_fast_path.py): it skips FastAPI's routing and
dependency injection, and answers exactly as the routes would, refusals included."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.deps import get_query_runner
from api.main import create_app
from api.sparql_fast_path import SparqlFastPath
from carekg.loader import load
from carekg.store import get_store, union_view

ASK = "ASK { ?s ?p ?o }"
SELECT = ("SELECT ?s WHERE { ?s a <http://www.w3.org/2002/07/owl#Class> FILTER(isIRI(?s)) } "
          "ORDER BY ?s LIMIT 3")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
#: (method, params, body, headers): answers, and every kind of refusal the protocol code gives.
REQUESTS = [
    ("GET", {"query": ASK}, None, {}),
    ("GET", {"query": SELECT}, None, {"Accept": "text/csv"}),
    ("GET", {"query": SELECT, "format": "xml"}, None, {}),
    ("GET", {"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"}, None, {"Accept": "application/n-triples"}),
    ("GET", {"query": SELECT, "default-graph-uri": "not an IRI"}, None, {}),
    ("GET", {"query": "SELECT * WHERE { ?s ?p "}, None, {}),
    ("GET", {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}, None, {}),
    ("GET", {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, None, {}),
    ("GET", {"query": ASK}, None, {"Accept": "image/png"}),
    ("GET", [("query", ASK), ("query", SELECT)], None, {}),
    ("POST", {}, f"query={ASK}", FORM),
    ("POST", {}, ASK, DIRECT),
    ("POST", {}, "", FORM),
    ("POST", {}, ASK, {"Content-Type": "text/plain"}),
    ("POST", {}, "update=CLEAR+ALL", FORM),
    ("POST", {}, ASK, {"Content-Type": "application/sparql-query; charset=latin-1"}),
]


def _without_fast_path(store):
    """The same app with every query left to FastAPI's routes: the reference for the answers."""
    app = create_app(Settings(write_tokens={}, query_workers=1), store=store)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not SparqlFastPath]
    return app


def _answer(client, method, params, body, headers):
    response = client.request(method, "/sparql", params=params, content=body, headers=headers)
    kept = {name: value for name, value in response.headers.items() if name != "date"}
    return response.status_code, kept, response.content


def test_answers_and_refusals_are_the_routes_own(store):
    fast_app = create_app(Settings(write_tokens={}, query_workers=1), store=store)
    assert any(m.cls is SparqlFastPath for m in fast_app.user_middleware)
    with TestClient(fast_app) as fast, TestClient(_without_fast_path(store)) as routed:
        statuses = set()
        for request in REQUESTS:
            answer = _answer(fast, *request)
            assert answer == _answer(routed, *request), request
            statuses.add(answer[0])
    assert statuses == {200, 400, 406, 415}


def test_queries_skip_fastapi_dependency_injection(store):
    app = create_app(Settings(write_tokens={}, query_workers=1), store=store)

    def no_injection():
        raise AssertionError("a query went through FastAPI's dependency injection")

    app.dependency_overrides[get_query_runner] = no_injection
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is True
        assert client.post("/sparql", content=ASK, headers=DIRECT).status_code == 200
        # The service description (no query) is still the route's, dependencies and all.
        assert client.get("/sparql", headers={"Accept": "text/turtle"}).status_code == 500


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_go_on_to_fastapi(store, method):
    with TestClient(create_app(Settings(write_tokens={}, query_workers=1), store=store)) as client:
        assert client.request(method, "/sparql", params={"query": ASK}).status_code == 405


#: Queries over the curated data that the union copy answers (they name no graph), beside REQUESTS.
COPIED = [
    ("GET", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}, None, {}),
    ("GET", {"query": "SELECT ?c ?r WHERE { ?c <http://www.w3.org/2002/07/owl#equivalentClass> ?r } "
                      "ORDER BY ?c ?r"}, None, {"Accept": "text/tab-separated-values"}),
    ("GET", {"query": "DESCRIBE <https://w3id.org/carekg/id/innovation/family-drug-and-alcohol-court>"}, None,
     {"Accept": "application/n-triples"}),
    ("GET", {"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"},
     None, {}),
]


def test_the_union_copy_answers_byte_for_byte_as_the_union(dataset_files, tmp_path):
    """Over an on-disk store, the same requests with and without the union copy of its version
    (carekg.store.union_view): the same statuses, headers and bodies."""
    path = tmp_path / "store"
    loaded = get_store(f"oxigraph:{path}")
    load(loaded, dataset_files, reasoner=False)
    loaded.close()

    def answers() -> list:
        # A generous deadline: this compares answers, and a worker started on a loaded machine is slow.
        app = create_app(Settings(store=f"oxigraph-ro:{path}", write_tokens={}, query_workers=1,
                                  query_timeout=120.0))
        with TestClient(app) as client:
            return [_answer(client, *request) for request in [*REQUESTS, *COPIED]]

    assert union_view.folder(path).is_dir()
    from_the_copy = answers()
    shutil.rmtree(union_view.folder(path))
    assert from_the_copy == answers()
