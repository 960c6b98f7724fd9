"""The SPARQL 1.1 Service Description of the endpoint and the VoID description of the dataset."""

from __future__ import annotations

from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID, XSD

from carekg.ids import GRAPH_BASE, ID_BASE, PREFIXES
from carekg.namespaces import CKG
from carekg.services.answer_cache import cached
from carekg.services.graphs import dataset_graphs
from carekg.services.ontology import ontology
from carekg.services.rdf import FORMATS, SD, curie, serialise
from carekg.services.rows import select
from carekg.store.base import GraphStore

RESULT_FORMATS = {
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
    "text/turtle": FORMATS.Turtle,
    "application/n-triples": FORMATS["N-Triples"],
    "application/ld+json": FORMATS["JSON-LD"],
    "application/rdf+xml": FORMATS.RDF_XML,
}


def xsd_integer(count: int) -> Literal:
    return Literal(count, datatype=XSD.integer)


@cached
def service_description(store: GraphStore, endpoint: str, void_document: str, media_type: str) -> bytes:
    """A SPARQL 1.1 Service Description of the read-only endpoint at ``endpoint``."""
    graph = Graph()
    service, dataset = URIRef(endpoint), URIRef(f"{endpoint}#dataset")
    default_graph = URIRef(f"{endpoint}#default-graph")
    about_service = [(RDF.type, SD.Service), (SD.endpoint, service), (SD.supportedLanguage, SD.SPARQL11Query),
                     (SD.feature, SD.UnionDefaultGraph), (SD.defaultDataset, dataset),
                     (RDFS.seeAlso, URIRef(void_document))]
    about_service += [(SD.resultFormat, result_format) for result_format in RESULT_FORMATS.values()]
    for predicate, value in about_service:
        graph.add((service, predicate, value))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, DCTERMS.description, Literal("the union of the named graphs", lang="en")))
    graph.add((default_graph, VOID.triples, xsd_integer(store.triple_count())))
    for name, title in dataset_graphs(store).items():
        named = URIRef(f"{endpoint}#graph-{name.removeprefix(GRAPH_BASE).replace('/', '-')}")
        described = URIRef(f"{named}-description")
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, described))
        graph.add((described, RDF.type, SD.Graph))
        graph.add((described, DCTERMS.title, Literal(title, lang="en")))
        graph.add((described, VOID.triples, xsd_integer(store.triple_count(name))))
    return serialise(graph, media_type)


@cached
def void_description(store: GraphStore, dataset_iri: str, endpoint: str, media_type: str) -> bytes:
    """A VoID description of the dataset: its named graphs and their sizes, class partitions,
    vocabularies, licence and the SPARQL endpoint."""
    header = ontology(store)
    graph = Graph()
    dataset = URIRef(dataset_iri)
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal(header.title, lang="en")))
    if header.description:
        graph.add((dataset, DCTERMS.description, Literal(header.description, lang="en")))
    if header.license:
        graph.add((dataset, DCTERMS.license, URIRef(header.license)))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint)))
    graph.add((dataset, VOID.uriSpace, Literal(ID_BASE)))
    graph.add((dataset, VOID.triples, xsd_integer(sum(store.triple_count(g) for g in dataset_graphs(store)))))
    graph.add((dataset, CKG.datasetVersion, Literal(store.dataset_version() or "")))
    for prefix in ("ckg", "skos", "dcterms", "rdfs", "owl"):
        graph.add((dataset, VOID.vocabulary, URIRef(PREFIXES[prefix])))
    for name, title in dataset_graphs(store).items():
        subset = URIRef(name)
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, DCTERMS.title, Literal(title, lang="en")))
        graph.add((subset, VOID.triples, xsd_integer(store.triple_count(name))))
    for row in select(store, "api_class_partitions"):
        partition = URIRef(f"{dataset_iri}-class-{curie(row['class']).replace(':', '-')}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(row["class"])))
        graph.add((partition, VOID.entities, xsd_integer(int(row["entities"]))))
    return serialise(graph, media_type)
