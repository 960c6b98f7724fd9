"""Any resource described: its statements as RDF (linked data) or ready to show as a table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS, XSD
from rdflib.term import Node

from carekg.ids import HYDRA, slug_of, split
from carekg.namespaces import CKG
from carekg.queries import load_query
from carekg.services.answer_cache import cached
from carekg.services.errors import NotFound
from carekg.services.rdf import construct_graph, curie, serialise
from carekg.services.refs import term_labels
from carekg.services.rows import select
from carekg.store.base import GraphStore


@dataclass(frozen=True)
class Statement:
    """One statement about (or pointing at) a resource, ready to show: ``value`` is an IRI or a literal."""

    predicate: str
    predicate_label: str
    value: str
    value_is_iri: bool
    value_label: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ResourceDescription:
    iri: str
    label: str
    types: list[Statement]
    statements: list[Statement]
    incoming: list[Statement]


def require_resource(store: GraphStore, iri: str) -> None:
    """NotFound unless the dataset names ``iri`` as the subject or the object of a statement."""
    if not store.ask(load_query("api_resource_exists"), {"resource": iri}):
        kind, id = split(iri) or ("resource", iri)
        raise NotFound(kind, id)


#: The most statements by one predicate pointing at a resource that its description holds: above the
#: curated data's most (146, the concepts in the ERIC scheme), so every curated description is complete;
#: a generated innovation pointed at by 12,000 findings lists 300 of them and links the rest.
INBOUND_LISTED = 300
#: The GET /findings filter that pages the findings pointing at a resource by this predicate.
FINDINGS_FILTERS = {str(CKG.aboutInnovation): "innovation", str(CKG.aboutFactor): "factor"}


@cached
def describe(store: GraphStore, iri: str, media_type: str, findings_url: str | None = None) -> bytes:
    """The statements about ``iri``, those pointing at it (at most INBOUND_LISTED per predicate) and the
    labels of its neighbours, serialised as ``media_type`` (one of RDF_FORMATS); NotFound when the
    dataset does not name ``iri``. A predicate cut to the bound gets a hydra:Collection saying how many
    statements it has (hydra:totalItems, hydra:manages); ``findings_url``, the absolute URL of GET
    /findings, names the collection and links it (rdfs:seeAlso) where that list pages them."""
    require_resource(store, iri)
    graph, cut = _description(store, iri)
    subject = URIRef(iri)
    for predicate, statements in cut.items():
        by = FINDINGS_FILTERS.get(predicate)
        collection: Node = (URIRef(f"{findings_url}?{urlencode({by: slug_of(iri)})}") if by and findings_url
                            else BNode())
        if isinstance(collection, URIRef):
            graph.add((subject, RDFS.seeAlso, collection))
        manages = BNode()
        graph.add((collection, RDF.type, HYDRA.Collection))
        graph.add((collection, HYDRA.totalItems, Literal(statements, datatype=XSD.integer)))
        graph.add((collection, HYDRA.manages, manages))
        graph.add((manages, HYDRA.property, URIRef(predicate)))
        graph.add((manages, HYDRA.object, subject))
    return serialise(graph, media_type)


def _description(store: GraphStore, iri: str) -> tuple[Graph, dict[str, int]]:
    """The graph describing ``iri`` (its statements, at most INBOUND_LISTED statements per predicate
    pointing at it, the neighbours' labels), and the predicates cut to that bound -> their statements."""
    graph = construct_graph(store, "api_describe_own", resource=iri)
    cut = {}
    for row in select(store, "api_describe_inbound_counts", resource=iri):
        statements, query = int(row["statements"]), load_query("api_describe_incoming")
        if statements > INBOUND_LISTED:
            cut[row["inverse"]], query = statements, f"{query}\nLIMIT {INBOUND_LISTED}"
        found = store.construct(query, {"resource": iri, "inverse": row["inverse"]}, "application/n-triples")
        graph.parse(data=found.decode(), format="nt")
    return graph, cut


def _statement(labels: dict[str, str], graph: Graph, predicate: Node, value: Node) -> Statement:
    value_label = None
    if isinstance(value, URIRef):
        names = (*graph.objects(value, RDFS.label), *graph.objects(value, SKOS.prefLabel))
        value_label = str(names[0]) if names else labels.get(str(value))
    language = value.language if isinstance(value, Literal) else None
    return Statement(str(predicate), labels.get(str(predicate)) or curie(str(predicate)), str(value),
                     isinstance(value, URIRef), value_label, language)


@cached
def resource(store: GraphStore, iri: str) -> ResourceDescription:
    """Any resource's statements, ready to show as a table (for kinds without a dedicated page)."""
    require_resource(store, iri)
    graph, _ = _description(store, iri)
    labels = term_labels(store)
    subject = URIRef(iri)

    def in_order(statements: Iterable[Statement]) -> list[Statement]:
        return sorted(statements, key=lambda s: (s.predicate_label, s.value_label or s.value))

    outgoing = in_order(_statement(labels, graph, p, o) for p, o in graph.predicate_objects(subject))
    incoming = in_order(_statement(labels, graph, p, s) for s, p in graph.subject_predicates(subject))
    names = [s.value for s in outgoing if s.predicate in (str(RDFS.label), str(SKOS.prefLabel))]
    return ResourceDescription(iri, names[0] if names else slug_of(iri),
                               [s for s in outgoing if s.predicate == str(RDF.type)],
                               [s for s in outgoing if s.predicate != str(RDF.type)], incoming)
