"""The four collection routers together (api/routes/innovations.py, factors.py, studies.py,
organisations.py, and /gaps of taxonomy.py): pagination, each resource as JSON and RDF by Accept, 404s,
and JSON-only routes."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from carekg import services

SOS = "signs-of-safety"
RDF_PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
               "application/rdf+xml": "xml"}


def _ids(store):
    return {
        "innovations": SOS,
        "factors": services.consensus(store).results[0].factor.id,
        "studies": next(s.id for s in services.list_studies(store, "study")),
        "organisations": services.list_organisations(store)[0].id,
    }


@pytest.mark.parametrize(("path", "count_of"), [
    ("/innovations", services.list_innovations),
    ("/factors", services.list_factors),
    ("/studies", services.list_studies),
    ("/organisations", services.list_organisations),
    ("/gaps", services.gaps),
])
def test_lists_are_paginated(client, store, path, count_of):
    total = len(count_of(store))
    first = client.get(path)
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == total and body["limit"] == 50 and body["offset"] == 0
    assert len(body["data"]) == min(total, 50)
    page = client.get(path, params={"limit": 2, "offset": 1}).json()
    assert page["data"] == body["data"][1:3] and page["count"] == total
    assert client.get(path, params={"offset": total + 10}).json()["data"] == []


@pytest.mark.parametrize("collection", ["innovations", "factors", "studies", "organisations"])
def test_resource_as_json(client, store, collection):
    id = _ids(store)[collection]
    response = client.get(f"/{collection}/{id}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["id"] == id and body["iri"].endswith(f"/{id}")


@pytest.mark.parametrize("collection", ["innovations", "factors", "studies", "organisations"])
def test_unknown_resource_is_404_with_a_message(client, collection):
    response = client.get(f"/{collection}/no-such-thing")
    assert response.status_code == 404
    kind = {"innovations": "innovation", "factors": "factor", "studies": "study or source",
            "organisations": "organisation"}[collection]
    assert response.json() == {"detail": f"no {kind} with id 'no-such-thing'"}


@pytest.mark.parametrize("path", ["/innovations/NOT%20a%20slug", "/innovations/..%2F..%2Fetc",
                                  "/factors/x%00y"])
def test_ids_outside_the_policy_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/json", "application/json"),
    ("*/*", "application/json"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json"),
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("text/*", "text/turtle"),
])
@pytest.mark.parametrize("collection", ["innovations", "factors", "studies", "organisations"])
def test_resources_by_accept(client, store, collection, accept, media_type):
    id = _ids(store)[collection]
    response = client.get(f"/{collection}/{id}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "accept" in response.headers["vary"].lower()
    if media_type in RDF_PARSERS:
        graph = Graph().parse(data=response.content, format=RDF_PARSERS[media_type])
        iri = client.get(f"/{collection}/{id}").json()["iri"]
        assert (URIRef(iri), None, None) in graph


@pytest.mark.parametrize(("path", "available"), [
    *((path, ["application/json"]) for path in ["/innovations", "/factors", "/studies", "/organisations",
                                                "/taxonomy", "/gaps", f"/innovations/{SOS}/profile",
                                                "/version"]),
    # /compare also has a page (a table and a chart), but no RDF.
    (f"/compare?innovation={SOS}&innovation=mockingbird-family-model", ["application/json", "text/html"]),
])
def test_json_and_page_routes_refuse_rdf(client, path, available):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert response.json()["available"] == available
    with_format = f"{path}{'&' if '?' in path else '?'}format=json"
    assert client.get(with_format, headers={"Accept": "text/turtle"}).status_code == 200
