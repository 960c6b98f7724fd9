"""The REST API: every route's happy path, its 4xx paths, pagination, RDF by Accept, ETag and 304."""

from __future__ import annotations

import json

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


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"limit": "ten"}, {"offset": -1}])
def test_bad_pagination_is_422(client, params):
    response = client.get("/innovations", params=params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_studies_filter_by_kind(client):
    studies = client.get("/studies", params={"kind": "study", "limit": 500}).json()
    assert studies["data"] and {s["kind"] for s in studies["data"]} == {"study"}
    assert client.get("/studies", params={"kind": "rumour"}).status_code == 422


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


def test_resource_format_parameter(client):
    response = client.get(f"/innovations/{SOS}", params={"format": "turtle"})
    assert response.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize("accept", ["text/csv", "image/png", "application/json;q=0"])
def test_unacceptable_is_406(client, accept):
    response = client.get(f"/innovations/{SOS}", headers={"Accept": accept})
    assert response.status_code == 406
    assert "text/turtle" in response.json()["available"]
    assert client.get("/innovations", headers={"Accept": "text/turtle"}).status_code == 406


def test_jsonld_uses_the_published_context(client):
    context = client.get("/context.jsonld")
    assert context.status_code == 200 and context.headers["content-type"] == "application/ld+json"
    document = client.get(f"/innovations/{SOS}", headers={"Accept": "application/ld+json"}).json()
    assert document["@context"] == context.json()["@context"]


def test_etag_and_304(client, store):
    first = client.get(f"/innovations/{SOS}")
    tag = first.headers["etag"]
    assert store.dataset_version() in tag
    assert "max-age" in first.headers["cache-control"]
    again = client.get(f"/innovations/{SOS}", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert client.get(f"/innovations/{SOS}", headers={"If-None-Match": f"W/{tag}"}).status_code == 304
    assert client.get(f"/innovations/{SOS}", headers={"If-None-Match": '"other"'}).status_code == 200
    turtle = client.get(f"/innovations/{SOS}", headers={"Accept": "text/turtle", "If-None-Match": tag})
    assert turtle.status_code == 200 and turtle.headers["etag"] != tag, "each representation has its own tag"


def test_profile(client):
    profile = client.get(f"/innovations/{SOS}/profile").json()
    assert profile["innovation"]["id"] == SOS
    domain = profile["domains"][0]
    factor = domain["subdomains"][0]["factors"][0]
    evidence = factor["findings"][0]
    assert {"paraphrase", "direction", "provenance", "locator", "source"} <= set(evidence)
    assert {"id", "citation", "design", "kind"} <= set(evidence["source"])
    assert factor["effect"] in {"supports", "hinders", "both"}


@pytest.mark.parametrize("params", [{"direction": "barrier"}, {"provenance": "source-study"}, {"domain": "5"},
                                    {"domain": "5b"}, {"direction": "enabler", "domain": "5"}])
def test_profile_filters(client, params):
    response = client.get(f"/innovations/{SOS}/profile", params=params)
    assert response.status_code == 200
    body = response.json()
    assert body["filters"] == params
    findings = [e for d in body["domains"] for s in d["subdomains"] for f in s["factors"]
                for e in f["findings"]]
    if "direction" in params:
        assert {e["direction"] for e in findings} <= {params["direction"]}


@pytest.mark.parametrize("params", [{"direction": "sideways"}, {"domain": "8"}, {"domain": "5Z"},
                                    {"domain": "five"}, {"provenance": "gossip"}, {"design": "anecdote"}])
def test_profile_bad_filters_are_422(client, params):
    response = client.get(f"/innovations/{SOS}/profile", params=params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_profile_of_unknown_innovation_is_404(client):
    assert client.get("/innovations/no-such-thing/profile").status_code == 404


def test_taxonomy_consensus(client):
    taxonomy = client.get("/taxonomy").json()
    assert len(taxonomy["nasss"]) == 7 and len(taxonomy["cfir"]) == 5
    consensus = client.get("/consensus").json()
    assert consensus["rule"]["version"] and consensus["results"]


def test_compare(client):
    pair = [SOS, "mockingbird-family-model"]
    response = client.get("/compare", params=[("innovation", id) for id in pair])
    assert response.status_code == 200
    body = response.json()
    assert [i["id"] for i in body["innovations"]] == pair
    assert all([c["innovation"] for c in row["cells"]] == pair for row in body["rows"])


@pytest.mark.parametrize(("params", "status"), [
    ([], 422), ([("innovation", SOS)], 422), ([("innovation", SOS), ("innovation", SOS)], 422),
    ([("innovation", SOS), ("innovation", "no-such-thing")], 404), ([("innovation", "x")] * 11, 422),
])
def test_compare_errors(client, params, status):
    assert client.get("/compare", params=params).status_code == status


def test_meta(client, store):
    assert client.get("/health").json() == {"status": "ok", "dataset_version": store.dataset_version()}
    version = client.get("/version").json()
    assert version["dataset_version"] == store.dataset_version() and version["innovations"] > 0


def test_openapi_documents_every_route_with_stable_ids(client):
    spec = client.get("/openapi.json").json()
    operation_ids = [op["operationId"] for path in spec["paths"].values() for op in path.values()]
    assert len(operation_ids) == len(set(operation_ids))
    for path in ("/innovations", "/innovations/{id}", "/innovations/{id}/profile", "/factors",
                 "/factors/{id}", "/studies", "/studies/{id}", "/organisations", "/organisations/{id}",
                 "/taxonomy", "/consensus", "/compare", "/gaps", "/sparql", "/.well-known/void"):
        assert path in spec["paths"], path
    assert "examples" in json.dumps(spec["components"]["schemas"]["InnovationSummary"])
    assert client.get("/docs").status_code == 200


def test_unexpected_errors_are_500_without_internals(store):
    from fastapi.testclient import TestClient

    from api.main import create_app

    class BrokenStore:
        def __getattr__(self, name):
            return getattr(store, name)

        def dataset_version(self):
            raise RuntimeError("secret internals")

    with TestClient(create_app(store=BrokenStore()), raise_server_exceptions=False) as broken:
        response = broken.get("/innovations")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert "secret" not in response.text


@pytest.mark.parametrize("path", ["/innovations", "/factors", "/studies", "/organisations", "/taxonomy",
                                  "/gaps", f"/innovations/{SOS}/profile", "/version",
                                  f"/compare?innovation={SOS}&innovation=mockingbird-family-model"])
def test_json_only_routes_refuse_other_formats(client, path):
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    assert response.json()["available"] == ["application/json"]
    with_format = f"{path}{'&' if '?' in path else '?'}format=json"
    assert client.get(with_format, headers={"Accept": "text/turtle"}).status_code == 200


def test_answer_types_have_one_definition(client):
    """The JSON answers are carekg.services' dataclasses themselves: api.schemas defines none of them
    again, and the published schema of each has exactly the dataclass's fields (#13)."""
    import dataclasses

    from api import schemas
    from carekg import services

    answer_types = {name: obj for name, obj in vars(services).items() if dataclasses.is_dataclass(obj)}
    assert len(answer_types) >= 30
    assert not set(answer_types) & {name for name, obj in vars(schemas).items() if isinstance(obj, type)}
    components = client.get("/openapi.json").json()["components"]["schemas"]
    published = [name for name in answer_types if name in components]
    assert len(published) >= 30
    for name in published:
        fields = [field.name for field in dataclasses.fields(answer_types[name])]
        assert list(components[name]["properties"]) == fields, name
        assert set(components[name]["required"]) == set(fields), name
