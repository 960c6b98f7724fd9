"""The response cache (api/cache.py) replays exactly what the routes answered, per dataset version."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from api.cache import ResponseCache, _volatile
from api.main import create_app
from carekg.store.oxigraph_store import OxigraphStore

SOS = "signs-of-safety"


def _cache(app) -> ResponseCache:
    layer = app.middleware_stack
    while not isinstance(layer, ResponseCache):
        layer = layer.app
    return layer


@pytest.fixture(scope="module")
def cached(store):
    app = create_app(store=store)
    with TestClient(app) as client:
        yield client, _cache(app)


def test_a_repeated_request_is_replayed_byte_for_byte(cached):
    client, cache = cached
    first = client.get(f"/innovations/{SOS}/profile")
    hits = cache.hits
    second = client.get(f"/innovations/{SOS}/profile")
    assert cache.hits == hits + 1
    assert first.status_code == second.status_code == 200
    assert first.content == second.content and first.headers == second.headers


def test_if_none_match_gets_304_from_the_cache(cached):
    client, cache = cached
    etag = client.get("/consensus").headers["etag"]
    hits = cache.hits
    answer = client.get("/consensus", headers={"If-None-Match": f'W/{etag}, "other"'})
    assert cache.hits == hits + 1
    assert answer.status_code == 304 and answer.content == b""
    assert answer.headers["etag"] == etag and "max-age" in answer.headers["cache-control"]
    stale = client.get("/consensus", headers={"If-None-Match": '"not-this-version-json"'})
    assert stale.status_code == 200 and stale.headers["etag"] == etag


def test_accept_and_query_string_keep_answers_apart(cached):
    client, _ = cached
    for _ in range(2):
        turtle = client.get(f"/innovations/{SOS}", headers={"Accept": "text/turtle"})
        as_json = client.get(f"/innovations/{SOS}", headers={"Accept": "application/json"})
        enablers = client.get(f"/innovations/{SOS}/profile?direction=enabler")
        assert turtle.headers["content-type"].startswith("text/turtle")
        assert as_json.headers["content-type"].startswith("application/json")
        assert enablers.json()["filters"] == {"direction": "enabler"}


def test_head_is_answered_from_the_cache_without_a_body(cached):
    client, cache = cached
    full = client.get("/gaps")
    hits = cache.hits
    head = client.head("/gaps")
    assert cache.hits == hits + 1
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == full.headers["etag"]


def test_errors_and_volatile_queries_are_not_kept(cached):
    client, cache = cached
    hits = cache.hits
    for _ in range(2):
        assert client.get("/innovations/no-such-thing/profile").status_code == 404
        answer = client.get("/sparql", params={"query": "SELECT (RAND() AS ?r) WHERE {}"},
                            headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200
    assert cache.hits == hits
    query = {"query": "SELECT ?s WHERE { ?s a <https://w3id.org/carekg/def#Innovation> } LIMIT 1"}
    first = client.get("/sparql", params=query, headers={"Accept": "text/csv"})
    second = client.get("/sparql", params=query, headers={"Accept": "text/csv"})
    assert cache.hits == hits + 1 and first.content == second.content


def test_a_new_dataset_version_is_not_answered_from_the_old_one():
    store = OxigraphStore(None)
    store.set_version("first")
    with TestClient(create_app(store=store)) as client:
        assert client.get("/consensus").headers["etag"] == '"first-json"'
        assert client.get("/consensus").headers["etag"] == '"first-json"'
        store.set_version("second")
        assert client.get("/consensus").headers["etag"] == '"second-json"'


@pytest.mark.parametrize("query, volatile", [
    ("SELECT (NOW() AS ?t) {}", True),
    ("select (now () AS ?t) {}", True),
    ("SELECT (RAND() AS ?r) {}", True),
    ("SELECT (UUID() AS ?u) {}", True),
    ("SELECT (STRUUID() AS ?u) {}", True),
    ("SELECT (BNODE('x') AS ?b) {}", True),
    ("SELECT ?s { ?s ?p ?o FILTER(?o < NOW()) }", True),
    # words and names that merely contain a function's name are not calls
    ('SELECT ?s { ?s ?p "known unknowns" }', False),
    ("SELECT ?s { ?s <https://example.org/now> ?o }", False),
    ("SELECT ?now ?uuid { ?now ?uuid ?random }", False),
    ("SELECT ?s { ?s ?p ?o FILTER(CONTAINS(STR(?o), 'snow')) }", False),
    ("SELECT (COUNT(?x) AS ?n) { ?x a ?known }", False),
])
def test_volatile_means_a_call_of_a_non_deterministic_function(query, volatile):
    assert _volatile(urlencode({"query": query}).encode()) is volatile


def test_a_query_mentioning_known_is_cached_and_one_calling_now_is_not(cached):
    client, cache = cached
    accept = {"Accept": "application/sparql-results+json"}
    known = {"query": 'SELECT ?s WHERE { ?s ?p "known" } LIMIT 1'}
    now = {"query": "SELECT (NOW() AS ?t) WHERE {}"}
    client.get("/sparql", params=known, headers=accept)
    hits = cache.hits
    assert client.get("/sparql", params=known, headers=accept).status_code == 200
    assert cache.hits == hits + 1
    times = {client.get("/sparql", params=now, headers=accept).json()["results"]["bindings"][0]["t"]["value"]
             for _ in range(2)}
    assert cache.hits == hits + 1
    assert len(times) == 2, "NOW() was answered twice with the same time: replayed"
