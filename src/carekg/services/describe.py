"""Any resource described: its statements as RDF (linked data) or ready to show as a table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS
from rdflib.term import Node

from carekg.ids import slug_of, split
from carekg.queries import load_query
from carekg.services.answer_cache import cached
from carekg.services.errors import NotFound
from carekg.services.rdf import construct_graph, curie, serialise
from carekg.services.refs import term_labels
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


@cached
def describe(store: GraphStore, iri: str, media_type: str) -> bytes:
    """The statements about ``iri``, those pointing at it and the labels of its neighbours, serialised
    as ``media_type`` (one of RDF_FORMATS); NotFound when the dataset does not name ``iri``."""
    require_resource(store, iri)
    return serialise(construct_graph(store, "api_describe", resource=iri), media_type)


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
    graph = construct_graph(store, "api_describe", resource=iri)
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
