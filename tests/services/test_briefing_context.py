"""carekg.services.briefing_context: the briefing's JSON-LD says only what defined terms say. Every IRI
its context yields is a term the ontology defines or a term of a published vocabulary (rdflib's closed
namespaces: schema.org, Dublin Core, RDFS, SKOS, XSD), and a real briefing read as RDF uses no other."""

from __future__ import annotations

import json
import warnings

import pytest
from pydantic import TypeAdapter
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SDO, SKOS, XSD, DefinedNamespaceMeta

from carekg.loader import DatasetFiles
from carekg.namespaces import CKG
from carekg.services import Briefing, briefing, briefing_jsonld_context

PUBLISHED: tuple[DefinedNamespaceMeta, ...] = (SDO, DCTERMS, RDFS, SKOS, XSD)
#: The briefing's links between resources: their objects are resources, never text or numbers.
LINKS = {SDO.about, SDO.hasPart, SDO.mentions}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in DatasetFiles.discover().ontology:
        graph.parse(path)
    return graph


def _defined(ontology: Graph, iri: str) -> bool:
    if iri.startswith(str(CKG)):
        return (URIRef(iri), RDF.type, None) in ontology and (URIRef(iri), RDFS.label, None) in ontology
    with warnings.catch_warnings():  # a closed namespace warns about a term it does not define
        warnings.simplefilter("ignore")
        return any(iri.startswith(str(ns)) and URIRef(iri) in ns for ns in PUBLISHED)


def _context_iris(context: dict) -> set[str]:
    """Every IRI the context's terms expand to (keywords and null terms yield none)."""
    prefixes = {name: value for name, value in context.items() if isinstance(value, str)
                and value.endswith(("#", "/"))}
    iris = set()
    for value in context.values():
        term = value.get("@id") if isinstance(value, dict) else value
        if isinstance(term, str) and not term.startswith("@") and term not in prefixes.values():
            prefix, _, local = term.partition(":")
            iris.add(prefixes[prefix] + local)
        if isinstance(value, dict) and "@context" in value:
            iris |= _context_iris({**prefixes, **value["@context"]})
    return iris


def test_every_iri_the_context_yields_is_defined(ontology):
    iris = _context_iris(briefing_jsonld_context())
    assert {str(CKG.independentStudyCount), str(SDO.about), str(DCTERMS.created)} <= iris
    assert [iri for iri in sorted(iris) if not _defined(ontology, iri)] == []


def test_a_member_with_no_defined_term_is_left_out_not_put_in_carekgs_namespace():
    context = briefing_jsonld_context()
    assert "@vocab" not in context
    assert context["strategy_caveat"] is None and context["enablers_not_shown"] is None
    assert context["counts"] is None and context["dataset_version"] is None


def test_a_real_briefing_read_as_rdf_uses_only_defined_terms(store, ontology):
    answer = json.loads(TypeAdapter(Briefing).dump_json(briefing(store, "signs-of-safety")))
    document = {"@context": briefing_jsonld_context(), **answer}
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    predicates = {str(p) for p in graph.predicates()}
    assert predicates and [p for p in sorted(predicates) if not _defined(ontology, p)] == []
    assert not [(s, p, o) for s, p, o in graph if p in LINKS and isinstance(o, Literal)]
    (report,) = graph.subjects(SDO.about, URIRef(answer["innovation"]["iri"]))
    factors = {str(f) for part in graph.objects(report, SDO.hasPart) for f in graph.objects(part, SDO.about)}
    assert {e["factor"]["iri"] for e in answer["enablers"] + answer["barriers"]} <= factors
    assert {s["source"]["iri"] for s in answer["sources"]} <= factors
