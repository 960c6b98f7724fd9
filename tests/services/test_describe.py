"""carekg.services.describe: a resource's description holds its statements and at most INBOUND_LISTED
statements per predicate pointing at it; a predicate cut to that bound is described as a hydra:Collection
(its total, the pattern it manages, and GET /findings where that pages it). Curated descriptions are
under the bound, so they are whole: the same graph as the unbounded description."""

from __future__ import annotations

import importlib

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from carekg import services
from carekg.ids import HYDRA, ID_BASE
from carekg.namespaces import CKG

describe = importlib.import_module("carekg.services.describe")
FINDINGS = "http://api.example/findings"
WHOLE = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
CONSTRUCT { <IRI> ?p ?o . ?o rdfs:label ?ol . ?o skos:prefLabel ?opl . ?s ?q <IRI> . ?s rdfs:label ?sl . }
WHERE { { <IRI> ?p ?o OPTIONAL { ?o rdfs:label ?ol } OPTIONAL { ?o skos:prefLabel ?opl } }
        UNION { ?s ?q <IRI> OPTIONAL { ?s rdfs:label ?sl } } }"""


def _whole(store, iri: str) -> Graph:
    found = store.construct(WHOLE.replace("IRI", iri), None, "application/n-triples")
    return Graph().parse(data=found.decode(), format="nt")


def test_every_curated_description_is_whole(store):
    resources = [row["r"] for row in store.select(
        f"SELECT DISTINCT ?r WHERE {{ ?r a ?c FILTER(STRSTARTS(STR(?r), '{ID_BASE}')) }}")]
    assert len(resources) > 500
    for iri in resources:
        described = Graph().parse(data=services.describe(store, iri, "application/n-triples", FINDINGS),
                                  format="nt")
        assert isomorphic(described, _whole(store, iri)), iri


def _heaviest(store) -> URIRef:
    return URIRef(max(services.list_innovations(store), key=lambda i: i.counts.findings).iri)


def test_a_heavy_innovation_lists_a_bounded_share_and_links_the_findings(synthetic_store, monkeypatch):
    monkeypatch.setattr(describe, "INBOUND_LISTED", 20)
    services.answer_cache.clear()
    innovation = _heaviest(synthetic_store)
    graph = Graph().parse(data=services.describe(synthetic_store, str(innovation), "text/turtle", FINDINGS),
                          format="turtle")
    total = int(synthetic_store.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ ?f <{CKG.aboutInnovation}> <{innovation}> }}")[0]["n"])
    assert total > 20
    assert len(set(graph.subjects(CKG.aboutInnovation, innovation))) == 20
    collection = URIRef(f"{FINDINGS}?innovation={innovation.rsplit('/', 1)[1]}")
    assert (innovation, RDFS.seeAlso, collection) in graph
    assert (collection, RDF.type, HYDRA.Collection) in graph
    assert (collection, HYDRA.totalItems, Literal(total, datatype=XSD.integer)) in graph
    manages = graph.value(collection, HYDRA.manages)
    assert graph.value(manages, HYDRA.property) == CKG.aboutInnovation
    assert graph.value(manages, HYDRA.object) == innovation
    assert graph.value(innovation, RDFS.label) is not None


def test_a_description_under_the_bound_links_nothing(synthetic_store, monkeypatch):
    monkeypatch.setattr(describe, "INBOUND_LISTED", 10**6)
    services.answer_cache.clear()
    innovation = _heaviest(synthetic_store)
    graph = Graph().parse(data=services.describe(synthetic_store, str(innovation), "text/turtle", FINDINGS),
                          format="turtle")
    assert not list(graph.subjects(RDF.type, HYDRA.Collection))
    assert isomorphic(graph, _whole(synthetic_store, str(innovation)))
