"""The ontology document: its header and terms, and the whole ontology graph as RDF."""

from __future__ import annotations

from dataclasses import dataclass

from carekg.ids import GRAPH_ONTOLOGY, VOCAB_DOCUMENT
from carekg.services.answer_cache import cached
from carekg.services.rdf import construct_graph, serialise
from carekg.services.rows import select
from carekg.store.base import GraphStore, Row


@dataclass(frozen=True)
class Term:
    """A term of the carekg vocabulary; ``kind`` is class, object-property, datatype-property,
    annotation-property or individual."""

    name: str
    iri: str
    kind: str
    label: str
    definition: str | None
    module: str | None


@dataclass(frozen=True)
class OntologyDocument:
    iri: str
    title: str
    description: str | None
    license: str | None
    version: str | None
    version_iri: str | None
    terms: list[Term]


_TERM_KINDS = {"Class": "class", "ObjectProperty": "object-property", "DatatypeProperty": "datatype-property",
               "AnnotationProperty": "annotation-property", "NamedIndividual": "individual"}


def ontology_header(store: GraphStore) -> Row:
    """The ontology document's title, description, licence, version and version IRI (one row)."""
    return next(iter(select(store, "api_ontology_header", ontologyDocument=VOCAB_DOCUMENT)), {})


@cached
def ontology(store: GraphStore) -> OntologyDocument:
    """The ontology document's header and every term of the carekg vocabulary."""
    header = ontology_header(store)
    terms = [Term(row["term"].rsplit("#", 1)[-1], row["term"],
                  _TERM_KINDS.get((row.get("type") or "#").rsplit("#", 1)[-1], "term"), row["label"],
                  row.get("definition"), row.get("module"))
             for row in select(store, "api_vocabulary_terms", ontology=GRAPH_ONTOLOGY)]
    return OntologyDocument(VOCAB_DOCUMENT, header.get("title", "carekg"), header.get("description"),
                            header.get("license"), header.get("version"), header.get("versionIri"), terms)


@cached
def ontology_rdf(store: GraphStore, media_type: str) -> bytes:
    """The ontology graph (every module, the frameworks and the factor taxonomy) as ``media_type``,
    without owl:imports between the modules it merges."""
    return serialise(construct_graph(store, "api_ontology_document", graph=GRAPH_ONTOLOGY), media_type)
