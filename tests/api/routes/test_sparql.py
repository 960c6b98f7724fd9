"""The SPARQL 1.1 endpoint: query forms, result formats by Accept, the dataset parameters, refusals,
and the service description and VoID."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph, Namespace, URIRef

from carekg.ids import GRAPH_DATA, GRAPH_ONTOLOGY, GRAPHS, INNOVATION
from carekg.query_guard import NESTING_REFUSED

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
CKG = "PREFIX ckg: <https://w3id.org/carekg/def#> "
SELECT = CKG + "SELECT ?innovation WHERE { ?innovation a ckg:Innovation }"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = (CKG + "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
             "CONSTRUCT { ?i rdfs:label ?l } WHERE { ?i a ckg:Innovation ; rdfs:label ?l }")
RDF_PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
               "application/rdf+xml": "xml"}


def _innovation_count(store) -> int:
    count = SELECT.replace("SELECT ?innovation", "SELECT (COUNT(?innovation) AS ?n)")
    return int(store.select(count)[0]["n"])


def _rows(response) -> int:
    media_type = response.headers["content-type"].split(";")[0]
    if media_type == "application/sparql-results+json":
        return len(response.json()["results"]["bindings"])
    if media_type == "application/sparql-results+xml":
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        return len(ET.fromstring(response.content).findall("r:results/r:result", ns))
    delimiter = "," if media_type == "text/csv" else "\t"
    return len(list(csv.reader(io.StringIO(response.text), delimiter=delimiter))) - 1


@pytest.mark.parametrize(("accept", "media_type"), [
    (None, "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("application/xml", "application/sparql-results+xml"),
    ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.9, application/sparql-results+xml;q=0.1", "text/csv"),
    ("text/*", "text/csv"),
    ("application/sparql-results+json,application/json,text/javascript,application/javascript",
     "application/sparql-results+json"),
])
def test_select_results_by_accept(client, store, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": SELECT}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert _rows(response) == _innovation_count(store)


@pytest.mark.parametrize(("accept", "media_type"), [
    (None, "text/turtle"),
    ("text/turtle", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/ld+json", "application/ld+json"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/rdf+xml;q=0.2, application/n-triples;q=0.8", "application/n-triples"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/turtle"),
])
def test_construct_results_by_accept(client, store, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = Graph().parse(data=response.content, format=RDF_PARSERS[media_type])
    assert len(graph) == _innovation_count(store)


@pytest.mark.parametrize(("query", "accept"), [
    (SELECT, "text/turtle"), (ASK, "application/n-triples"), (CONSTRUCT, "text/csv"),
    (CONSTRUCT, "application/sparql-results+json"), (SELECT, "image/png"),
])
def test_406_when_no_format_fits(client, query, accept):
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406


@pytest.mark.parametrize(("format", "media_type"), [
    ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml"),
    ("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("text/csv", "text/csv"),
])
def test_format_parameter(client, format, media_type):
    response = client.get("/sparql", params={"query": SELECT, "format": format},
                          headers={"Accept": "text/html"})
    assert response.headers["content-type"].split(";")[0] == media_type
    assert client.get("/sparql", params={"query": SELECT, "format": "turtle"}).status_code == 406


def test_ask_describe(client):
    assert client.get("/sparql", params={"query": ASK}).json()["boolean"] is True
    xml = client.get("/sparql", params={"query": ASK}, headers={"Accept": "application/sparql-results+xml"})
    assert b"<boolean>true</boolean>" in xml.content
    describe = client.get("/sparql", params={"query": f"DESCRIBE <{INNOVATION['casa']}>"})
    assert describe.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=describe.content, format="turtle")) > 0


def test_post_form_and_direct(client, store):
    form = client.post("/sparql", data={"query": SELECT})
    direct = client.post("/sparql", content=SELECT.encode(),
                         headers={"Content-Type": "application/sparql-query"})
    charset = client.post("/sparql", content=SELECT.encode(),
                          headers={"Content-Type": "application/sparql-query; charset=utf-8"})
    for response in (form, direct, charset):
        assert response.status_code == 200, response.text
        assert _rows(response) == _innovation_count(store)


def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.post("/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/n-triples"})
    assert response.status_code == 200
    # Any N-Triples whitespace between the terms (Virtuoso writes tabs).
    assert " ".join(response.text.split()).startswith("<http://testserver/s> <http://testserver/p>")


def test_dataset_parameters(client):
    in_graph = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <http://www.w3.org/2002/07/owl#Class> }"
    everything = client.get("/sparql", params={"query": in_graph}).json()
    only_data = client.get("/sparql", params={"query": in_graph, "default-graph-uri": str(GRAPH_DATA)}).json()
    only_ontology = client.get("/sparql", params={"query": in_graph,
                                                  "default-graph-uri": str(GRAPH_ONTOLOGY)}).json()

    def count(body):
        return int(body["results"]["bindings"][0]["n"]["value"])

    assert count(only_data) == 0 and count(only_ontology) > 0 and count(everything) >= count(only_ontology)
    graphs = client.get("/sparql", params=[("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
                                           ("named-graph-uri", str(GRAPH_DATA))]).json()
    assert [b["g"]["value"] for b in graphs["results"]["bindings"]] == [str(GRAPH_DATA)]


@pytest.mark.parametrize(("request_kwargs", "status", "message"), [
    ({"params": {"query": "SELECT * WHERE { ?s ?p "}}, 400, "syntax error"),
    ({"params": {"query": "SELEKT * WHERE {}"}}, 400, "syntax error"),
    ({"params": {"query": ""}}, 400, "empty"),
    ({"params": {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}}, 400, "SERVICE"),
    ({"params": {"query": "LOAD <http://example.org/data.ttl>"}}, 400, "read-only"),
    ({"params": {"query": "INSERT DATA { <a:b> <a:c> <a:d> }"}}, 400, "read-only"),
    ({"params": {"update": "CLEAR ALL"}}, 400, "read-only"),
    ({"params": [("query", ASK), ("query", SELECT)]}, 400, "exactly one query"),
    ({"params": [("query", ASK), ("format", "json"), ("format", "xml")]}, 400, "one format"),
])
def test_get_refusals(client, request_kwargs, status, message):
    response = client.get("/sparql", **request_kwargs)
    assert response.status_code == status
    assert message in response.json()["detail"]


@pytest.mark.parametrize(("content", "headers", "status", "message"), [
    (b"CLEAR ALL", {"Content-Type": "application/sparql-update"}, 400, "read-only"),
    (b"update=CLEAR%20ALL", {"Content-Type": "application/x-www-form-urlencoded"}, 400, "read-only"),
    (b"ASK {}", {"Content-Type": "text/plain"}, 415, "unsupported Content-Type"),
    (b"query=ASK%20%7B%7D", {}, 415, "Content-Type"),
    ("ASK {}".encode("utf-16"), {"Content-Type": "application/sparql-query; charset=UTF-16"}, 415, "UTF-8"),
    (b"ASK {} \xff", {"Content-Type": "application/sparql-query"}, 400, "UTF-8"),
    (b"query=%FF", {"Content-Type": "application/x-www-form-urlencoded"}, 400, "UTF-8"),
    (b"", {"Content-Type": "application/x-www-form-urlencoded"}, 400, "no query"),
    (b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", {"Content-Type": "application/x-www-form-urlencoded"}, 400,
     "one query"),
    (b"SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", {"Content-Type": "application/sparql-query"},
     400, "SERVICE"),
])
def test_post_refusals(client, content, headers, status, message):
    response = client.post("/sparql", content=content, headers=headers)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_direct_post_with_query_in_the_url_is_400(client):
    response = client.post("/sparql", params={"query": ASK}, content=ASK.encode(),
                           headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400


def test_syntax_error_carries_the_parser_message(client):
    detail = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}).json()["detail"]
    assert detail.startswith("SPARQL syntax error at line 1")


def test_other_methods_are_405(client):
    assert client.put("/sparql", params={"query": ASK}).status_code == 405
    assert client.delete("/sparql").status_code == 405


@pytest.mark.parametrize(("accept", "parser"), [
    (None, "turtle"), ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"),
])
def test_service_description(client, store, accept, parser):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=parser)
    service = URIRef("http://testserver/sparql")
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert {str(g) for g in graph.objects(None, SD.name)} == {str(g) for g in GRAPHS}


def test_service_description_for_browsers_is_a_form(client):
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    assert "<form" in response.text and "CQ-1" in response.text


@pytest.mark.parametrize(("accept", "parser"), [(None, "turtle"), ("application/ld+json", "json-ld")])
def test_void(client, store, accept, parser):
    response = client.get("/.well-known/void", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=parser)
    dataset = URIRef("https://w3id.org/carekg/.well-known/void#dataset")
    assert (dataset, VOID.sparqlEndpoint, URIRef("http://testserver/sparql")) in graph
    assert graph.value(dataset, URIRef("http://purl.org/dc/terms/license")) is not None
    for named_graph in GRAPHS:
        assert int(graph.value(named_graph, VOID.triples)) == store.triple_count(str(named_graph))
    classes = {graph.value(p, VOID["class"]) for p in graph.objects(dataset, VOID.classPartition)}
    assert URIRef("https://w3id.org/carekg/def#Innovation") in classes


def test_engine_errors_are_not_echoed(store):
    from fastapi.testclient import TestClient

    from api.main import create_app
    from carekg.store import StoreError

    class FailingStore:
        def __getattr__(self, name):
            return getattr(store, name)

        def run(self, *args, **kwargs):
            raise StoreError("Error 501 returned by http://internal/ with payload: secret")

    with TestClient(create_app(store=FailingStore())) as failing:
        response = failing.get("/sparql", params={"query": ASK})
    assert response.status_code == 500
    assert "secret" not in response.text and json.loads(response.text)["detail"]


@pytest.mark.parametrize(("prologue", "dataset", "has_classes"), [
    ("", "", True),
    ("", f"FROM <{GRAPH_DATA}>", False),
    ("", f"FROM <{GRAPH_ONTOLOGY}>", True),
    ("", f"FROM NAMED <{GRAPH_ONTOLOGY}>", False),
    ("PREFIX g: <https://w3id.org/carekg/graph/>", "FROM g:data", False),
])
def test_the_query_dataset_is_honoured(client, prologue, dataset, has_classes):
    query = f"{prologue} ASK {dataset} WHERE {{ ?s a <http://www.w3.org/2002/07/owl#Class> }}"
    assert client.get("/sparql", params={"query": query}).json()["boolean"] is has_classes


def test_the_protocol_dataset_overrides_the_query_dataset(client):
    query = f"ASK FROM <{GRAPH_DATA}> WHERE {{ ?s a <http://www.w3.org/2002/07/owl#Class> }}"
    response = client.get("/sparql", params={"query": query, "default-graph-uri": str(GRAPH_ONTOLOGY)})
    assert response.json()["boolean"] is True


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("nested", [
    "SELECT * WHERE { " + "{" * 5000 + "}" * 5000 + " }",
    "SELECT * WHERE { FILTER(" + "\\u0028" * 40 + "1" + "\\u0029" * 40 + ") }",  # the slow path's
    # what looks like an IRI to a tokenizer, but ``<`` is less-than to the engine (at 6,600 levels, past
    # the default length cap, its parser overflows the stack)
    "SELECT * WHERE { FILTER(?a<" + "x:(" * 3_500 + "1" + ")" * 3_500 + ">0) }",
])
def test_a_query_nested_too_deeply_is_a_400_that_says_so_over_http(served, method, nested):
    """Over a real server (query workers, as deployed): a clear 400 naming the limit, not a syntax error,
    not a recursion error, not a dead worker; the endpoint answers the next query."""
    query = "PREFIX x: <http://www.w3.org/2001/XMLSchema#> " + nested
    url = f"{served.base}/sparql"
    answer = (httpx.get(url, params={"query": query}, timeout=30) if method == "GET"
              else httpx.post(url, data={"query": query}, timeout=30))
    assert answer.status_code == 400, answer.text
    assert answer.json()["detail"] == NESTING_REFUSED and "limit is 32" in NESTING_REFUSED
    assert httpx.get(url, params={"query": ASK}, timeout=30).json()["boolean"] is True
