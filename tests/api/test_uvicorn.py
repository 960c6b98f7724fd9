"""A real server: `carekg load` into an on-disk store, uvicorn serving it (with query workers),
queried by SPARQLWrapper and httpx over loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
import served_api
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper


@pytest.fixture(scope="module")
def server(store, tmp_path_factory) -> Iterator[str]:
    """The base URL of a uvicorn process serving a freshly loaded on-disk store. Depends on the
    session store so the inferred graph is already cached and the load takes seconds."""
    descriptor = f"oxigraph:{tmp_path_factory.mktemp('served') / 'store'}"
    env = {"CAREKG_STORE": descriptor, "CAREKG_QUERY_WORKERS": "1",
           "CAREKG_QUERY_TIMEOUT": "20"}
    subprocess.run([sys.executable, "-m", "carekg.cli", "--quiet", "load", "--store", descriptor],
                   env={**os.environ, **env},
                   check=True, capture_output=True, timeout=300)
    with served_api.serving(env) as base:
        yield base


def test_sparqlwrapper_select_by_get_and_post(server, store):
    expected = {row["i"] for row in store.select(
        "SELECT ?i WHERE { ?i a <https://w3id.org/carekg/def#Innovation> }")}
    for method in ("GET", POST):
        client = SPARQLWrapper(f"{server}/sparql")
        client.setQuery("SELECT ?i WHERE { ?i a <https://w3id.org/carekg/def#Innovation> }")
        client.setReturnFormat(JSON)
        client.setMethod(method)
        bindings = client.query().convert()["results"]["bindings"]
        assert {b["i"]["value"] for b in bindings} == expected


def test_sparqlwrapper_construct_and_ask(server):
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery("CONSTRUCT { ?i a <https://w3id.org/carekg/def#Innovation> } "
                    "WHERE { ?i a <https://w3id.org/carekg/def#Innovation> }")
    client.setReturnFormat(TURTLE)
    graph_text = client.query().convert()
    assert b"carekg/id/innovation/" in graph_text
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery("ASK { ?s ?p ?o }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_rest_linked_data_and_refusals_over_http(server):
    with httpx.Client(base_url=server, timeout=30) as http:
        assert http.get("/innovations/signs-of-safety").json()["id"] == "signs-of-safety"
        redirect = http.get("/id/innovation/signs-of-safety")
        assert redirect.status_code == 303
        assert redirect.headers["location"] == f"{server}/doc/innovation/signs-of-safety"
        assert http.get(redirect.headers["location"], headers={"Accept": "text/turtle"}).headers[
            "content-type"].startswith("text/turtle")
        assert http.get("/sparql", params={"query": "SELECT * { ?s ?p "}).status_code == 400
        assert http.post("/sparql", content=b"CLEAR ALL",
                         headers={"Content-Type": "application/sparql-update"}).status_code == 400
        assert http.get("/", headers={"Accept": "text/html"}).status_code == 200
