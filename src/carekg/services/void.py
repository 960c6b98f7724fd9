"""The VoID description of the dataset (the SPARQL Service Description is api/sparql_protocol.py)."""

from __future__ import annotations

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from carekg import statistics
from carekg.ids import ID_BASE, PREFIXES
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.graphs import dataset_graphs, triples_per_graph
from carekg.services.ontology import ontology_header
from carekg.services.rdf import curie, serialise
from carekg.store.base import GraphStore


def xsd_integer(count: int) -> Literal:
    return Literal(count, datatype=XSD.integer)


@cached
def void_description(store: GraphStore, dataset_iri: str, endpoint: str, media_type: str) -> bytes:
    """A VoID description of the dataset: its named graphs and their sizes, class partitions,
    vocabularies, licence and the SPARQL endpoint."""
    header = ontology_header(store)  # the header alone: the document's every term is not needed here
    graph = Graph()
    dataset = URIRef(dataset_iri)
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(header.get("title", "carekg"), lang="en")))
    if header.get("description"):
        graph.add((dataset, DCTERMS.description, Literal(header["description"], lang="en")))
    if header.get("license"):
        graph.add((dataset, DCTERMS.license, URIRef(header["license"])))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, VOID.uriSpace, Literal(ID_BASE)))
    sizes = triples_per_graph(store)
    graph.add((dataset, VOID.triples, xsd_integer(sum(sizes.values()))))
    graph.add((dataset, CKG.datasetVersion, Literal(store.dataset_version() or "")))
    for prefix in ("ckg", "skos", "dcterms", "rdfs", "owl"):
        graph.add((dataset, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for name, title in dataset_graphs(store).items():
        subset = URIRef(name)
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, DCTERMS.title, Literal(title, lang="en")))
        graph.add((subset, VOID.triples, xsd_integer(sizes[name])))
    recorded = statistics.classes_per_resource(store.recorded_entities())  # a load records them
    for class_, entities in sorted((recorded or statistics.count_classes(store)).items()):
        partition = URIRef(f"{dataset_iri}-class-{curie(class_).replace(':', '-')}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(class_)))
        graph.add((partition, VOID.entities, xsd_integer(entities)))
    return serialise(graph, media_type)
