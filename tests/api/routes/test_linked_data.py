"""Linked data: 303 from /id to /doc, content negotiation on /doc and /def, and 404s."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph, URIRef

from carekg import services
from carekg.ids import ID_BASE, VOCAB_DOCUMENT

RDF_PARSERS = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
               "application/rdf+xml": "xml"}


def _kinds(store) -> dict[str, str]:
    """One existing id per kind of resource."""
    profile = services.innovation_profile(store, "signs-of-safety")
    finding = profile.domains[0].subdomains[0].factors[0].findings[0]
    involvement = services.resource(store, str(services.innovation(store, "signs-of-safety").iri)).statements
    return {
        "innovation": "signs-of-safety",
        "factor": finding.factor.id,
        "study": next(s.id for s in services.list_studies(store, "study")),
        "source": next(s.id for s in services.list_studies(store, "source")),
        "organisation": services.list_organisations(store)[0].id,
        "finding": finding.id,
        "involvement": next(s.value.rsplit("/", 1)[1] for s in involvement if "/involvement/" in s.value),
        "nasss": "5b",
        "cfir": "iii-a",
        "consensus": services.consensus(store).results[0].id,
        "rule": services.consensus(store).rule.id,
        "scheme": "nasss",
    }


@pytest.mark.parametrize("kind", ["innovation", "factor", "study", "source", "organisation", "finding",
                                  "involvement", "nasss", "cfir", "consensus", "rule", "scheme"])
def test_every_kind_dereferences(client, store, kind):
    slug = _kinds(store)[kind]
    response = client.get(f"/id/{kind}/{slug}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/doc/{kind}/{slug}"
    assert "accept" in response.headers["vary"].lower()
    page = client.get(response.headers["location"], headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    turtle = client.get(response.headers["location"], headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.content, format="turtle")
    iri = URIRef(f"{ID_BASE}{kind}/{slug}")
    assert (iri, None, None) in graph or (None, None, iri) in graph


def test_303_keeps_the_query_string(client):
    response = client.get("/id/innovation/signs-of-safety", params={"format": "turtle"},
                          follow_redirects=False)
    assert response.headers["location"].endswith("/doc/innovation/signs-of-safety?format=turtle")


@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/html", "text/html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/turtle;q=0.9, text/html;q=0.1", "text/turtle"),
    ("*/*", "text/html"),
])
def test_document_by_accept(client, accept, media_type):
    response = client.get("/doc/innovation/signs-of-safety", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "accept" in response.headers["vary"].lower() and response.headers["etag"]
    if media_type in RDF_PARSERS:
        graph = Graph().parse(data=response.content, format=RDF_PARSERS[media_type])
        assert (URIRef(f"{ID_BASE}innovation/signs-of-safety"), None, None) in graph


def test_document_406(client):
    response = client.get("/doc/innovation/signs-of-safety", headers={"Accept": "application/json"})
    assert response.status_code == 406


@pytest.mark.parametrize("path", ["/id/innovation/no-such-thing", "/doc/innovation/no-such-thing",
                                  "/id/widget/signs-of-safety", "/doc/widget/x", "/id/innovation/Bad%20Id",
                                  "/doc/source/signs-of-safety"])
def test_unknown_resources_are_404(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("no ")


def test_404_for_browsers_is_a_page(client):
    response = client.get("/doc/innovation/no-such-thing", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "no innovation with id" in response.text


def test_a_study_is_not_served_as_a_source(client, store):
    study = next(s.id for s in services.list_studies(store, "study"))
    assert client.get(f"/doc/study/{study}", headers={"Accept": "text/html"}).status_code == 200
    assert client.get(f"/doc/source/{study}", headers={"Accept": "text/html"}).status_code == 404


@pytest.mark.parametrize(("accept", "parser"), [
    ("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"),
])
def test_ontology_document(client, accept, parser):
    response = client.get("/def", headers={"Accept": accept})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format=parser)
    assert (URIRef(VOCAB_DOCUMENT), RDF.type, OWL.Ontology) in graph
    assert (URIRef(f"{VOCAB_DOCUMENT}#Finding"), RDF.type, OWL.Class) in graph
    # the document merges every module: importing them again would send OWL tools fetching (offline: failing)
    own_imports = [o for o in graph.objects(None, OWL.imports) if str(o).startswith("https://w3id.org/carekg/")]
    assert not own_imports


def test_ontology_document_for_browsers_lists_terms_with_anchors(client):
    response = client.get("/def", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="Finding"' in response.text and 'id="aboutFactor"' in response.text


@pytest.mark.parametrize(("path", "target"), [("/def/core", "/def"), ("/def/0.1.0/core", "/def"),
                                              ("/graph/data", "/.well-known/void")])
def test_module_and_graph_iris_lead_on(client, path, target):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver{target}"


@pytest.mark.parametrize(("path", "status"), [("/id/innovation/signs-of-safety", 303),
                                              ("/doc/innovation/signs-of-safety", 200), ("/def", 200),
                                              ("/doc/innovation/no-such-thing", 404)])
def test_head_answers_like_get_without_a_body(client, path, status):
    response = client.head(path, follow_redirects=False)
    assert response.status_code == status and response.content == b""
    if status == 200:
        assert response.headers["etag"] == client.get(path, follow_redirects=False).headers["etag"]


OTHER_BASE_SCRIPT = """
import json, sys
from pathlib import Path
from fastapi.testclient import TestClient
from api.config import Settings
from api.main import create_app
from carekg import services
from carekg.generate import generate
from carekg.loader import DatasetFiles, load
from carekg.store import get_store

out = Path(sys.argv[1]) / "data.nt"
generate(3000, out, seed=3)
store = get_store("memory:")
load(store, DatasetFiles.discover(data=[out]), reasoner=False)
slug = services.list_innovations(store)[0].id
with TestClient(create_app(Settings(query_workers=0), store=store)) as client:
    seen = {
        "identify": client.get(f"/id/innovation/{slug}", follow_redirects=False).status_code,
        "page": client.get(f"/doc/innovation/{slug}", headers={"Accept": "text/html"}).status_code,
        "turtle": client.get(f"/doc/innovation/{slug}", headers={"Accept": "text/turtle"}).status_code,
        "json": client.get(f"/innovations/{slug}").json().get("iri"),
    }
print(json.dumps(seen))
"""


def test_another_base_iri_is_used_throughout(tmp_path):
    """#13: with CAREKG_BASE_IRI set, data minted under it dereferences, and the services find it."""
    import json
    import os
    import subprocess
    import sys

    base = "https://kg.example.org/carekg/"
    env = {**os.environ, "CAREKG_BASE_IRI": base}
    run = subprocess.run([sys.executable, "-c", OTHER_BASE_SCRIPT, str(tmp_path)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen["identify"] == 303 and seen["page"] == 200 and seen["turtle"] == 200, seen
    assert seen["json"].startswith(f"{base}id/innovation/"), seen
